"""API: accounts in shared mode (sign-up, log-in, log-out, delete). In local mode these routes are 404."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from mscare.accounts.inputs import AccountInput, LoginInput
from mscare.accounts.service import (
    BAD_LOGIN,
    NameTaken,
    TooManyAttempts,
    create_account,
    delete_account,
    log_in,
    log_out,
)
from mscare.accounts.web import COOKIE, clear_session_cookie, set_session_cookie, shared
from mscare.api.common import error_items
from mscare.api.diary import Owner, diary_session, json_only


def shared_only(request: Request) -> None:
    if not shared(request):
        raise HTTPException(status_code=404, detail="accounts exist only in shared mode (mscare serve --accounts)")


router = APIRouter(tags=["accounts"], dependencies=[Depends(shared_only)])
body_router = APIRouter(tags=["accounts"], dependencies=[Depends(shared_only), Depends(json_only)])


@body_router.post("/api/accounts", status_code=201)
def sign_up_route(request: Request, data: Annotated[AccountInput, Body()]) -> dict[str, Any]:
    """Create an account: 409 when the name is taken; 422 for a password under 12 characters or a common one."""
    try:
        with diary_session(request, write=True) as session:
            account = create_account(session, data=data)
    except NameTaken as err:
        raise HTTPException(status_code=409, detail=str(err)) from None
    return {"username": account.username, "created_at": account.created_at.isoformat()}


@body_router.post("/api/login")
def log_in_route(request: Request, data: Annotated[LoginInput, Body()]) -> JSONResponse:
    """Log in: 200 and a session cookie; 401 for a wrong name or password; 429 after 5 failures in 15 minutes."""
    try:
        with diary_session(request, write=True) as session:
            result = log_in(session, data=data)
    except TooManyAttempts as err:  # a response, not an exception: the app's error handler drops extra headers
        return JSONResponse({"detail": error_items(str(err), ["body", "username"], "rate_limited")}, status_code=429,
                            headers={"Retry-After": str(err.retry_after)})
    if result is None:
        raise HTTPException(status_code=401, detail=BAD_LOGIN)
    account, token, live = result
    response = JSONResponse({"username": account.username, "expires_at": live.expires_at.isoformat() + "Z"})
    set_session_cookie(request, response, token)
    return response


@router.post("/api/logout")
def log_out_route(request: Request) -> Response:
    """End the session on the server (its cookie opens nothing afterwards)."""
    with diary_session(request, write=True) as session:
        log_out(session, request.cookies.get(COOKIE))
    response = Response(status_code=204)
    clear_session_cookie(request, response)
    return response


@router.delete("/api/accounts/me")
def delete_route(request: Request, owner: Owner) -> JSONResponse:
    """Delete your account and every entry in your diary (export first: GET /api/diary/export)."""
    with diary_session(request, write=True) as session:
        count = delete_account(session, account_id=owner)
    response = JSONResponse({"deleted": True, "entries_deleted": count})
    clear_session_cookie(request, response)
    return response
