"""What every page shares: the template environment, Markdown for topic paragraphs, page and error helpers."""

from __future__ import annotations

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
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from mscare.catalogue import Catalogue
from mscare.figures import figure_svg
from mscare.inputs import plain_message
from mscare.labels import CATEGORY, MS_TYPE, ROUTE, TRIAL_PHASE, labels
from mscare.live import IndexDamaged
from mscare.render import REGION_NAMES, approval_text, guide_parts, region_label, vaccine_parts
from mscare.settings import DISCLAIMER, MAX_QUESTION_CHARS
from mscare.urgent import numbers_line
from mscare.web.markdown import paragraph_html

ListParam = Annotated[list[str] | None, Query()]  # repeated query parameters (?concern=a&concern=b)


def long_date(value: date | str) -> str:
    """A date (or an ISO date string) as people write it: "25 November 2026"."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%B %Y}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("mscare", "templates"), autoescape=select_autoescape(["html"]))
    env.globals.update(disclaimer=DISCLAIMER, max_question=MAX_QUESTION_CHARS, approval_text=approval_text,
                       phase_words=lambda codes: labels(TRIAL_PHASE, list(codes)), ms_type_words=MS_TYPE,
                       route_words=lambda codes: labels(ROUTE, list(codes)), category_words=CATEGORY,
                       ms_type_list=lambda codes: labels(MS_TYPE, list(codes)), emergency_line=numbers_line(),
                       region_label=region_label, region_names=REGION_NAMES, guide_parts=guide_parts,
                       vaccine_parts=vaccine_parts)
    env.filters["paragraph_html"] = paragraph_html
    env.filters["long_date"] = long_date
    env.filters["figure_svg"] = lambda name: Markup(figure_svg(name))  # packaged files, checked by mscare check
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


def title_for(title: str, error: object) -> str:
    """A page title that says when the form needs fixing, so screen-reader users hear it first."""
    return f"Please check your answers: {title}" if error else title


def error_page(request: Request, status: int, message: str, suggestions: list[str] | None = None,
               base: str = "/therapies/") -> HTMLResponse:
    return page(request, "error.html", status=status, title="Not found" if status == 404 else "Please check",
                message=message, suggestions=suggestions or [], suggestion_base=base, not_found=status == 404)


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
        return error_page(request, 422, "; ".join(plain_message(e) for e in exc.errors()))

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
    """FastAPI's validation errors in the shared shape, each message in the tools' plain words."""
    return [{"loc": list(e["loc"]), "msg": plain_message(e), "type": e["type"]} for e in exc.errors()]


def citation_numbers(sources: list[Any]) -> dict[str, int]:
    """Source id -> its number on the page, for answer sources (dicts) and registry entries (models) alike."""
    return {(s["id"] if isinstance(s, dict) else s.id): i for i, s in enumerate(sources, 1)}
