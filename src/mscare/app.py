"""The web application: ``create_app()`` wires the API, the pages and security headers over one core."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from mscare import __version__
from mscare.ask import Answer, answer
from mscare.catalogue import Catalogue, default_catalogue
from mscare.settings import data_home, index_path
from mscare.store import Store, connect_store, open_store
from mscare.topics import default_topics

STRICT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Swagger UI (served offline) needs inline script and style on its own page only.
DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " \
           "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        docs = request.url.path.startswith(("/docs", "/redoc"))
        response.headers["Content-Security-Policy"] = DOCS_CSP if docs else STRICT_CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        return response


def store_per_thread(path: Path) -> Callable[[], Store]:
    """One read-only connection per worker thread: sqlite connections are not shared across threads."""
    local = threading.local()

    def get() -> Store:
        store = getattr(local, "store", None)
        if store is None:
            store = local.store = connect_store(path)
        return store

    return get


def answer_cache(get_store: Callable[[], Store], catalogue: Catalogue,
                 size: int = 4096) -> Callable[[str, int], Answer]:
    """Answers by (question, k). The content is read-only while the server runs, so an answer never goes stale;
    a repeated question (the common ones on the home page) costs a dictionary look-up."""

    @lru_cache(maxsize=size)
    def cached(question: str, k: int) -> Answer:
        return answer(question=question, store=get_store(), catalogue=catalogue, k=k)

    return cached


def create_app(*, index: Path | None = None, trials_db: Path | None = None, accounts: bool = False,
               diary_url: str | None = None) -> FastAPI:
    """Build the app. ``index``: the SQLite index (built if missing or stale); ``trials_db``: imported trials;
    ``accounts``: shared mode (sign-up, log-in, one diary per account) instead of the one local diary;
    ``diary_url``: the diary database (default: ``MSCARE_DATABASE_URL`` or the SQLite file in the data folder)."""
    from mscare import api, web
    from mscare.accounts.web import DiaryHolder, new_local_csrf

    path = index or index_path()
    open_store(path).close()
    app = FastAPIOffline(title="mscare", version=__version__,
                         description="An offline, cited guide to MS treatment and care. Information, not "
                                     "personal medical advice.")
    app.state.store = store_per_thread(path)
    app.state.catalogue = default_catalogue()
    app.state.answer = answer_cache(app.state.store, app.state.catalogue)
    app.state.topics = default_topics()
    app.state.content_date = web.latest_review(app.state.catalogue, app.state.topics)
    app.state.trials_db = trials_db or data_home() / "trials.sqlite"
    app.state.accounts = accounts
    app.state.diary = DiaryHolder(diary_url)
    app.state.local_csrf = new_local_csrf()
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(packages=[("mscare", "static")]), name="static")
    for router in [*api.ROUTERS, *web.ROUTERS]:
        app.include_router(router)
    web.install_error_pages(app)
    return app
