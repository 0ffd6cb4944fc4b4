"""Shared fixtures: the packaged catalogue and topics, a writable copy of the content, a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mscare.catalogue import Catalogue, load_catalogue
from mscare.content import content_dir


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The packaged catalogue, loaded without raising so one bad file does not hide every other test."""
    return load_catalogue(strict=False)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged content folder, for tests that break or add a file."""
    root = tmp_path / "content"
    shutil.copytree(content_dir(), root)
    return root


@pytest.fixture
def mscare_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary MSCARE_HOME, so nothing a test builds lands in the user's data folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("MSCARE_HOME", str(home))
    return home


@pytest.fixture
def runner(mscare_home: Path) -> CliRunner:
    """A Click runner for the real ``mscare`` app, with its data folder in a temp directory."""
    return CliRunner()


@pytest.fixture(scope="session")
def cli_app():
    """The Typer app with every command registered, as ``mscare.cli.main`` registers them on import."""
    from mscare.cli import register_commands
    from mscare.cli.common import app

    register_commands()
    return app


@pytest.fixture(scope="session")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A session-wide temporary MSCARE_HOME for the web app and its index (API and browser tests)."""
    home = tmp_path_factory.mktemp("web-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MSCARE_HOME", str(home))
        yield home


@pytest.fixture(scope="session")
def web_index(web_home: Path) -> Path:
    """The SQLite index, built once per session inside ``web_home``."""
    from mscare.store import open_store

    path = web_home / "index.sqlite"
    open_store(path).close()
    return path


@pytest.fixture(scope="session")
def web_app(web_home: Path, web_index: Path) -> Any:
    """The FastAPI app over the session index, with an (absent) trials database in the temp home."""
    from mscare.app import create_app

    return create_app(index=web_index, trials_db=web_home / "trials.sqlite")


@pytest.fixture(scope="session")
def api_client(web_app: Any) -> Iterator[Any]:
    """An in-process HTTP client for the app; server errors come back as 500 responses, not exceptions."""
    from fastapi.testclient import TestClient

    with TestClient(web_app, raise_server_exceptions=False) as client:
        yield client
