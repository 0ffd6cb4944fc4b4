"""A real uvicorn server on 127.0.0.1 and Debian's headless Chromium driven by Playwright's sync API."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Playwright cannot download its own browser here; these are the options that work with Debian's build.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-output" / "screenshots"


def free_socket() -> socket.socket:
    """A listening socket on a free loopback port, handed to uvicorn so no other process can take the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def served(app: Any, sock: socket.socket) -> Iterator[str]:
    """``app`` under uvicorn on ``sock`` in a background thread, once /healthz answers; yields its base URL."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail(f"uvicorn did not answer {base_url}/healthz within 20 s")
        time.sleep(0.05)
    try:
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    assert not thread.is_alive(), "uvicorn did not shut down within 10 s"


@pytest.fixture(scope="session")
def live_server(web_app: Any) -> Iterator[str]:
    """The app served by uvicorn in a background thread; yields its base URL and stops it cleanly."""
    with served(web_app, free_socket()) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium. Missing Chromium fails under CI (CI is set) and skips locally."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install it with `make browser-deps` (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageWatch:
    """What a page did that a user would notice or a developer should: script errors, dialogs, console errors."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("dialog", self.on_dialog)
        page.on("console", self.on_console)

    def on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(self, message: Any) -> None:
        url = (message.location or {}).get("url", "")
        # Chromium asks for /favicon.ico on its own; the site has none and does not link one.
        if message.type == "error" and not url.endswith("/favicon.ico"):
            self.console_errors.append(f"{message.text} ({url})")


def open_page(browser: Any, base_url: str, **context_options: Any) -> Iterator[tuple[Any, PageWatch]]:
    context = browser.new_context(base_url=base_url, **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = PageWatch(page)
    yield page, watch
    context.close()
    assert not watch.errors, f"script errors on the page: {watch.errors}"
    # A CSP violation or a missing stylesheet shows up here.
    assert not watch.console_errors, f"console errors: {watch.console_errors}"


@pytest.fixture
def page_and_watch(browser: Any, live_server: str) -> Iterator[tuple[Any, PageWatch]]:
    """A fresh desktop-sized page (its own context: no cookies or history shared between tests)."""
    yield from open_page(browser, live_server, viewport={"width": 1280, "height": 900})


@pytest.fixture
def page(page_and_watch: tuple[Any, PageWatch]) -> Any:
    return page_and_watch[0]


@pytest.fixture
def page_factory(browser: Any, live_server: str) -> Iterator[Any]:
    """Open extra pages with their own context options (no JavaScript, a phone viewport...)."""
    opened: list[Iterator[tuple[Any, PageWatch]]] = []

    def make(**context_options: Any) -> Any:
        gen = open_page(browser, live_server, **context_options)
        opened.append(gen)
        return next(gen)[0]

    yield make
    for gen in opened:
        next(gen, None)


@pytest.fixture
def screenshot() -> Any:
    """Save a full-page screenshot to ``test-output/screenshots/NAME.png`` (for people to look at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture(scope="session")
def page_opener() -> Any:
    """``open_page`` and ``free_socket`` for tests that serve an app of their own (e.g. shared mode)."""
    return open_page, free_socket
