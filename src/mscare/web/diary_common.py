"""What the diary pages and the account pages share: who is asking, CSRF checks and form parsing."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from mscare.accounts.web import Visitor, csrf_ok, shared, visitor
from mscare.diary.db import DiaryConfigError
from mscare.web.common import error_page, page

ANON_CSRF_COOKIE = "mscare_csrf"
T = TypeVar("T")
FIELD_NAMES = {"name": "Therapy", "start": "Start date", "stop": "Stop date", "date": "Date", "symptoms": "What "
               "happened", "treated_with": "Treated with", "symptom": "Symptom", "score": "Score", "note": "Note",
               "test": "Test", "due_id": "Due test", "result": "Result", "reason": "Reason", "username": "User name",
               "password": "Password", "recovery": "Recovery", "kind": "Kind"}


async def who(request: Request) -> Visitor:
    """The visitor, read in a worker thread (it may touch the database); 503 when the diary cannot be opened."""
    try:
        return await run_in_threadpool(visitor, request)
    except (DiaryConfigError, SQLAlchemyError) as err:
        raise HTTPException(status_code=503, detail=f"the diary database is not available: {err}") from None


async def in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run blocking diary work in a worker thread; a database that fails is a 503 page, never a traceback."""
    try:
        return await run_in_threadpool(function, *args)
    except (DiaryConfigError, SQLAlchemyError) as err:
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        raise HTTPException(status_code=503, detail=f"The diary database failed, nothing was changed: {reason}"
                            ) from None


def login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/diary/login?next={quote(request.url.path)}", status_code=303)


def anon_csrf(request: Request) -> str:
    """The CSRF token of a visitor without a session (sign-up and log-in forms): a cookie echoed in the form."""
    return request.cookies.get(ANON_CSRF_COOKIE) or secrets.token_urlsafe(32)


def with_anon_cookie(request: Request, response: Response, token: str) -> Response:
    if request.cookies.get(ANON_CSRF_COOKIE) != token:
        response.set_cookie(ANON_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/diary",
                            secure=request.url.scheme == "https")
    return response


async def checked_form(request: Request, you: Visitor) -> FormData:
    """The posted form, after its CSRF token is checked against the visitor's (403 without it)."""
    form = await request.form()
    token = form.get("csrf_token")
    expected = you.csrf if you.owner else request.cookies.get(ANON_CSRF_COOKIE, "")
    if not csrf_ok(expected, token if isinstance(token, str) else None):
        await form.close()  # uploaded files are spooled to temp files
        raise HTTPException(status_code=403, detail="This form has expired or did not come from this site. Go back, "
                                                    "reload the page and try again.")
    return form


def form_values(form: FormData, *names: str) -> dict[str, Any]:
    """Non-empty text fields of a form (an empty field means 'not given')."""
    values: dict[str, Any] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            values[name] = value.strip()
    return values


def validation_message(err: ValidationError) -> str:
    first = err.errors()[0]
    fields = [str(p) for p in first["loc"] if isinstance(p, str) and p in FIELD_NAMES]
    label = FIELD_NAMES[fields[-1]] if fields else "Form"
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"].startswith("date"):
        message = "must be a real date as YYYY-MM-DD"
    return f"{label}: {message}"


def diary_page(request: Request, name: str, you: Visitor, status: int = 200, **context: Any) -> HTMLResponse:
    return page(request, name, status=status, you=you, shared=shared(request), **context)


def unavailable(request: Request, err: Exception) -> HTMLResponse:
    reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
    return error_page(request, 503, f"The diary database failed, nothing was changed: {reason}")
