"""What every page shares: the template environment, Markdown for topic paragraphs, page and error helpers."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from mscare.catalogue import Catalogue
from mscare.live import IndexDamaged
from mscare.render import approval_text
from mscare.settings import DISCLAIMER, MAX_QUESTION_CHARS
from mscare.topics import CITATION, LIST_ITEM

ListParam = Annotated[list[str] | None, Query()]  # repeated query parameters (?concern=a&concern=b)


LINK = re.compile(r"\[([^\]]+)\]\(([a-z0-9][a-z0-9-]*)\)")
BOLD = re.compile(r"\*\*([^*]+)\*\*")
ITALIC = re.compile(r"(?<![*\w])[*_]([^*_]+)[*_](?![*\w])")


def inline_markdown(text: str) -> Markup:
    """Escape a paragraph's Markdown, then allow only bold, italics and links to other topics ("[text](slug)")."""
    html = str(escape(CITATION.sub("", text).strip()))
    html = LINK.sub(r'<a href="/topics/\2">\1</a>', html)
    html = BOLD.sub(r"<strong>\1</strong>", html)
    return Markup(ITALIC.sub(r"<em>\1</em>", html))


def paragraph_html(markdown: str) -> Markup:
    """A topic paragraph as HTML: a list becomes <ul>, other text a run of inline Markdown."""
    lines = [line for line in markdown.splitlines() if line.strip()]
    if lines and all(LIST_ITEM.match(line) for line in lines):
        items = "".join(f"<li>{inline_markdown(LIST_ITEM.sub('', line))}</li>" for line in lines)
        return Markup(f"<ul>{items}</ul>")
    return inline_markdown(" ".join(lines))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("mscare", "templates"), autoescape=select_autoescape(["html"]))
    env.globals.update(disclaimer=DISCLAIMER, max_question=MAX_QUESTION_CHARS, approval_text=approval_text)
    env.filters["paragraph_html"] = paragraph_html
    return env


templates = Jinja2Templates(env=environment())


def latest_review(catalogue: Catalogue, topics: dict[str, Any]) -> date:
    """The newest last_reviewed date of any record or article: the content date every page shows."""
    dates = [t.last_reviewed for t in catalogue.therapies.values()]
    dates += [t.meta.last_reviewed for t in topics.values()]
    return max(dates) if dates else date.today()


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("title", "mscare")
    return templates.TemplateResponse(request, name, {"content_date": request.app.state.content_date, **context},
                                      status_code=status)


def error_page(request: Request, status: int, message: str, suggestions: list[str] | None = None,
               base: str = "/therapies/") -> HTMLResponse:
    return page(request, "error.html", status=status, title="Not found" if status == 404 else "Please check",
                message=message, suggestions=suggestions or [], suggestion_base=base)


def install_error_pages(app: FastAPI) -> None:
    """HTML error pages for the site; for the API one JSON shape, ``{"detail": [{"loc", "msg", "type"}]}``."""

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith(("/api/", "/healthz", "/openapi"))

    def error(request: Request, status: int, message: str, kind: str,
              headers: Mapping[str, str] | None = None) -> JSONResponse | HTMLResponse:
        if wants_json(request):
            return JSONResponse(status_code=status, content={"detail": [{"loc": [], "msg": message, "type": kind}]},
                                headers=headers)
        response = error_page(request, status, message)
        response.headers.update(headers or {})
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse | HTMLResponse:
        if wants_json(request) and isinstance(exc.detail, list):
            return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail}, headers=exc.headers)
        detail = exc.detail if isinstance(exc.detail, str) else "; ".join(str(d.get("msg", d)) for d in exc.detail)
        return error(request, exc.status_code, detail, "http_error", exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse | HTMLResponse:
        if wants_json(request):
            return JSONResponse(status_code=422, content={"detail": jsonable_errors(exc)})
        return error_page(request, 422, "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}"
                                                  for e in exc.errors()))

    @app.exception_handler(IndexDamaged)
    async def index_damaged(request: Request, exc: IndexDamaged) -> JSONResponse | HTMLResponse:
        return error(request, 503, str(exc), "index_unavailable")

    @app.exception_handler(sqlite3.DatabaseError)
    def database_error(request: Request, exc: sqlite3.DatabaseError) -> JSONResponse | HTMLResponse:
        snapshot = request.app.state.live.recheck()
        message = snapshot.problem or f"a database could not be read ({exc})"
        return error(request, 503, message, "index_unavailable")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse | HTMLResponse:
        return error(request, 500, "internal server error", "server_error")


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]


def citation_numbers(sources: list[dict[str, str]]) -> dict[str, int]:
    return {s["id"]: i for i, s in enumerate(sources, 1)}
