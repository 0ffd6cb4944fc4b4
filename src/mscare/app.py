"""The web application: ``create_app()`` wires the API, the pages and security headers over one core."""

from __future__ import annotations

import ipaddress
import json
import logging
import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mscare import __version__
from mscare.live import PINNED, LiveContent, live_state
from mscare.settings import data_home, index_path
from mscare.store import open_store

STRICT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Swagger UI (served offline) needs inline script and style on its own page only.
DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " \
           "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"


SECURITY_HEADERS = [
    ("x-content-type-options", "nosniff"), ("referrer-policy", "no-referrer"), ("x-frame-options", "DENY"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
]
log = logging.getLogger("mscare.server")


class SecurityHeaders:
    """The outermost layer (pure ASGI, outside Starlette's error middleware), so every response is covered.

    - Security headers on every response, 500s included.
    - ``HEAD`` is answered wherever ``GET`` is: the request runs as GET and the body is dropped.
    - A 405's ``Allow`` names HEAD beside GET.
    - Each request is pinned to one content snapshot (``live.PINNED``), so its answer never mixes versions.
    - An exception after the error response was sent is logged and swallowed, so the keep-alive connection
      stays usable instead of being reset by the server.
    """

    def __init__(self, app: ASGIApp, live: LiveContent, allowed_hosts: frozenset[str] | None = None):
        self.app = app
        self.live = live
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed_hosts is not None and request_host(scope) not in self.allowed_hosts:
            await send_error(send, 400, "the Host header names another server; use the address mscare listens on",
                             "bad_host", csp=STRICT_CSP)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        csp = DOCS_CSP if scope["path"].startswith(("/docs", "/redoc")) else STRICT_CSP
        sent = {"start": False, "end": False}

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["content-security-policy"] = csp
                for name, value in SECURITY_HEADERS:
                    headers[name] = value
                allow = headers.get("allow")
                if allow and "GET" in allow and "HEAD" not in allow:
                    headers["allow"] = allow + ", HEAD"
                sent["start"] = True
            elif message["type"] == "http.response.body":
                if head:
                    message = {**message, "body": b""}
                sent["end"] = not message.get("more_body", False)
            await send(message)

        token = None
        try:
            token = PINNED.set(self.live.current())
            await self.app(scope, receive, guarded_send)
        except Exception:
            if not sent["start"]:
                log.exception("Unhandled error on %s", scope["path"])
                await send_error(guarded_send, 500, "internal server error", "server_error")
            elif sent["end"]:
                log.exception("Unhandled error on %s (the error response was sent)", scope["path"])
            else:
                raise
        finally:
            if token is not None:
                PINNED.reset(token)


def request_host(scope: Scope) -> str:
    """The host named by the request's Host header, without the port (``[::1]`` keeps its brackets)."""
    for name, value in scope["headers"]:
        if name == b"host":
            host = value.decode("latin-1").lower()
            return host if host.endswith("]") else host.rsplit(":", 1)[0] if ":" in host else host
    return ""


def loopback_hosts(host: str) -> frozenset[str] | None:
    """When the server listens on loopback only, the Host names a local browser may use (DNS rebinding guard)."""
    try:
        local = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        local = False
    return frozenset({"127.0.0.1", "localhost", "[::1]", host.lower()}) if local else None


async def send_error(send: Send, status: int, message: str, kind: str, csp: str | None = None) -> None:
    """An error response in the API's one shape, sent directly (used where no app layer can answer)."""
    body = json.dumps({"detail": [{"loc": [], "msg": message, "type": kind}]}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if csp:
        headers += [(b"content-security-policy", csp.encode())]
        headers += [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_served_app() -> FastAPI:
    """The app a ``mscare serve --workers N`` worker builds, for the host and mode the command was given."""
    return create_app(host=os.environ.get("MSCARE_SERVE_HOST"), accounts=os.environ.get("MSCARE_ACCOUNTS") == "1")


def create_app(*, index: Path | None = None, trials_db: Path | None = None, host: str | None = None,
               accounts: bool = False, diary_url: str | None = None) -> FastAPI:
    """Build the app. ``index``: the SQLite index (built if missing or stale); ``trials_db``: imported trials;
    ``host``: the address it will listen on (on loopback, requests naming another Host get 400);
    ``accounts``: shared mode (sign-up, log-in, one diary per account) instead of the one local diary;
    ``diary_url``: the diary database (default: ``MSCARE_DATABASE_URL`` or the SQLite file in the data folder)."""
    from mscare import api, web
    from mscare.accounts.web import DiaryHolder, new_local_csrf

    path = index or index_path()
    open_store(path).close()
    app = FastAPIOffline(title="mscare", version=__version__,
                         description="An offline, cited guide to MS treatment and care. Information, not "
                                     "personal medical advice.")
    live = LiveContent(path, web.latest_review)
    app.state = live_state(live, trials_db=trials_db or data_home() / "trials.sqlite", accounts=accounts,
                           diary=DiaryHolder(diary_url), local_csrf=new_local_csrf())
    app.mount("/static", StaticFiles(packages=[("mscare", "static")]), name="static")
    for router in api.ROUTERS:
        app.include_router(router, responses=api.ERROR_RESPONSES)
    for router in web.ROUTERS:
        app.include_router(router)
    web.install_error_pages(app)
    build_stack = app.build_middleware_stack
    allowed = loopback_hosts(host) if host else None
    app.build_middleware_stack = lambda: SecurityHeaders(build_stack(), live, allowed)  # type: ignore[method-assign]
    return app
