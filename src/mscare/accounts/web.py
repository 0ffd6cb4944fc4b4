"""How the API and the pages find the diary and the owner of a request, in local and in shared mode.

Local mode: every request is the local owner (the CLI's), with no login. Shared mode (``create_app(accounts=True)``):
the owner is the account of the session cookie; no live session, no diary.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from mscare.accounts.service import SESSION_HOURS, session_for
from mscare.diary.db import LOCAL_OWNER, Diary, open_diary
from mscare.diary.store import transaction

COOKIE = "mscare_session"


class DiaryHolder:
    """Opens the diary database on first use (creating and migrating it), once per app."""

    def __init__(self, url: str | None):
        self.url = url
        self.diary: Diary | None = None
        self.lock = threading.Lock()

    def get(self) -> Diary:
        with self.lock:
            if self.diary is None:
                self.diary = open_diary(self.url)
            return self.diary

    def close(self) -> None:
        if self.diary is not None:
            self.diary.close()


@dataclass(frozen=True)
class Visitor:
    """Who is asking: the diary owner id, the account's name (shared mode) and the CSRF token of their forms."""

    owner: str | None
    username: str | None
    csrf: str


def diary_of(request: Request) -> Diary:
    holder: DiaryHolder = request.app.state.diary
    return holder.get()


def shared(request: Request) -> bool:
    return bool(request.app.state.accounts)


def visitor(request: Request) -> Visitor:
    """The owner of this request: the local owner in local mode; the session's account (or nobody) when shared."""
    if not shared(request):
        return Visitor(owner=LOCAL_OWNER, username=None, csrf=request.app.state.local_csrf)
    from mscare.accounts.service import account_of

    with transaction(diary_of(request)) as session:
        live = session_for(session, request.cookies.get(COOKIE))
        account = account_of(session, live.account_id) if live else None
        if live is None or account is None:
            return Visitor(owner=None, username=None, csrf="")
        return Visitor(owner=account.id, username=account.username, csrf=live.csrf)


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(expected) and given is not None and hmac.compare_digest(expected, given)


def new_local_csrf() -> str:
    """Local mode has no sessions; its forms carry a token made when the server starts (another site cannot read
    it, so it cannot post to the local diary either)."""
    return secrets.token_urlsafe(32)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")
