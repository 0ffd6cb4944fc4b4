"""Pages: sign-up, log-in, log-out and the account page (export, then delete) in shared mode."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from mscare.accounts.inputs import AccountInput, LoginInput
from mscare.accounts.passwords import MIN_LENGTH, verify_password
from mscare.accounts.service import (
    BAD_LOGIN,
    NameTaken,
    TooManyAttempts,
    account_of,
    create_account,
    delete_account,
    log_in,
    log_out,
)
from mscare.accounts.web import COOKIE, Visitor, clear_session_cookie, diary_of, set_session_cookie, shared
from mscare.diary.store import transaction
from mscare.web.diary_common import (
    anon_csrf,
    checked_form,
    diary_page,
    form_values,
    in_thread,
    login_redirect,
    validation_message,
    who,
    with_anon_cookie,
)

router = APIRouter(include_in_schema=False)


def shared_only(request: Request) -> None:
    if not shared(request):
        raise HTTPException(status_code=404, detail="This mscare has no accounts: it runs for one person on this "
                                                    "computer. Your diary is at /diary.")


def safe_next(target: str | None) -> str:
    """Only a path on this site, so a log-in link cannot send people elsewhere."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return "/diary"


def anon_form(request: Request, template: str, title: str, status: int = 200, error: str | None = None,
              username: str = "", next_path: str = "/diary") -> Response:
    token = anon_csrf(request)
    you = Visitor(owner=None, username=None, csrf=token)
    response = diary_page(request, template, you, status=status, title=f"Please check: {title}" if error else title,
                          error=error, username=username, next_path=next_path, min_length=MIN_LENGTH)
    return with_anon_cookie(request, response, token)


@router.get("/diary/signup", response_class=HTMLResponse)
def signup_page(request: Request) -> Response:
    shared_only(request)
    return anon_form(request, "diary/signup.html", "Create an account")


@router.post("/diary/signup", response_class=HTMLResponse)
async def signup_post(request: Request) -> Response:
    shared_only(request)
    form = await checked_form(request, Visitor(owner=None, username=None, csrf=""))
    values = form_values(form, "username", "password")
    if "password" in values:
        values["password"] = str(form.get("password"))  # spaces are part of a password

    def create() -> None:
        data = AccountInput.model_validate(values)
        with transaction(diary_of(request)) as session:
            create_account(session, data=data)

    try:
        await in_thread(create)
    except ValidationError as err:
        error = validation_message(err)
    except NameTaken as err:
        error = f"User name: {err}"
    else:
        return RedirectResponse("/diary/login?created=1", status_code=303)
    return anon_form(request, "diary/signup.html", "Create an account", status=422, error=error,
                     username=str(values.get("username", "")))


@router.get("/diary/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/diary", created: str = "") -> Response:
    shared_only(request)
    response = anon_form(request, "diary/login.html", "Log in", next_path=safe_next(next))
    return response


@router.post("/diary/login", response_class=HTMLResponse)
async def login_post(request: Request) -> Response:
    shared_only(request)
    form = await checked_form(request, Visitor(owner=None, username=None, csrf=""))
    values = {"username": str(form.get("username") or ""), "password": str(form.get("password") or "")}
    target = safe_next(str(form.get("next") or ""))

    def attempt() -> tuple[str, object] | None:
        data = LoginInput.model_validate(values)
        with transaction(diary_of(request)) as session:
            result = log_in(session, data=data)
        return (result[1], result[2]) if result else None

    try:
        result = await in_thread(attempt)
    except ValidationError:
        result = None
    except TooManyAttempts as err:
        return anon_form(request, "diary/login.html", "Log in", status=429, error=str(err).capitalize() + ".",
                         username=values["username"], next_path=target)
    if result is None:
        return anon_form(request, "diary/login.html", "Log in", status=401, error=BAD_LOGIN.capitalize() + ".",
                         username=values["username"], next_path=target)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, result[0])
    return response


@router.post("/diary/logout", response_class=HTMLResponse)
async def logout_post(request: Request) -> Response:
    shared_only(request)
    you = await who(request)
    await checked_form(request, you)
    token = request.cookies.get(COOKIE)

    def end() -> None:
        with transaction(diary_of(request)) as session:
            log_out(session, token)

    await in_thread(end)
    response = RedirectResponse("/diary/login", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.get("/diary/account", response_class=HTMLResponse)
async def account_page(request: Request) -> Response:
    shared_only(request)
    you = await who(request)
    if you.owner is None:
        return login_redirect(request)
    return diary_page(request, "diary/account.html", you, title="My account", error=None)


@router.post("/diary/account/delete", response_class=HTMLResponse)
async def delete_post(request: Request) -> Response:
    shared_only(request)
    you = await who(request)
    form = await checked_form(request, you)
    if you.owner is None:
        return login_redirect(request)
    owner, password = you.owner, str(form.get("password") or "")

    def delete() -> bool:
        with transaction(diary_of(request)) as session:
            account = account_of(session, owner)
            if account is None or not verify_password(account.password_hash, password):
                return False
            delete_account(session, account_id=owner)
            return True

    if not await in_thread(delete):
        return diary_page(request, "diary/account.html", you, status=401, title="Please check: my account",
                          error="That is not your password; nothing was deleted.")
    response = RedirectResponse("/diary/signup?deleted=1", status_code=303)
    clear_session_cookie(request, response)
    return response
