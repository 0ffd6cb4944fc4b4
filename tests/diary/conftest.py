"""Diary fixtures: every diary test runs on SQLite and on a real PostgreSQL 15 server started here, once per session.

The server binaries (``initdb``, ``pg_ctl``) come from Debian's postgresql package (``make test`` installs it when
missing). When the tests run as root the server runs as the ``postgres`` user, as PostgreSQL requires.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from click.testing import Result
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from mscare.diary.db import Diary, open_diary

TABLES = ("diary_therapy", "diary_relapse", "diary_symptom", "diary_test")
ACCOUNT_TABLES = ("account", "account_session", "account_login_failure")


def pg_binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        pytest.fail(f"PostgreSQL server binary {name!r} not found: install Debian's postgresql package "
                    "('make test' does this) so the diary tests can start a real server", pytrace=False)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    port: int
    admin_url: str  # the postgres database, for CREATE DATABASE

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        engine = create_engine(self.admin_url.replace("postgresql://", "postgresql+psycopg://"),
                               isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL cluster on a free port, its data in a temp folder, stopped at the end."""
    initdb, pg_ctl = pg_binary("initdb"), pg_binary("pg_ctl")
    root = Path(tempfile.mkdtemp(prefix="mscare-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", free_port()
    subprocess.run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"],
                   check=True, capture_output=True)
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=on"
    started = subprocess.run([*as_user, pg_ctl, "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60",
                              "-o", options, "start"], capture_output=True, text=True)
    if started.returncode != 0:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        pytest.fail(f"PostgreSQL did not start: {started.stderr}\n{log}", pytrace=False)
    server = PgServer(port=port, admin_url=f"postgresql://postgres@127.0.0.1:{port}/postgres")
    try:
        server.create_database("diary")
        yield server
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def diary_url(engine_name: str, request: pytest.FixtureRequest, mscare_home: Path,
              monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty diary on the engine under test; MSCARE_DATABASE_URL is set for PostgreSQL only (SQLite is the
    default file in MSCARE_HOME)."""
    if engine_name == "sqlite":
        monkeypatch.delenv("MSCARE_DATABASE_URL", raising=False)
        return f"sqlite:///{mscare_home / 'diary.sqlite'}"
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.url("diary")
    diary = open_diary(url)
    with diary.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES + ACCOUNT_TABLES)}"))
    diary.close()
    monkeypatch.setenv("MSCARE_DATABASE_URL", url)
    return url


@pytest.fixture
def diary(diary_url: str) -> Iterator[Diary]:
    opened = open_diary(diary_url)
    yield opened
    opened.close()


@pytest.fixture
def cli(runner: CliRunner, cli_app: typer.Typer, diary_url: str) -> Callable[..., Result]:
    """Run ``mscare diary ...`` in-process against the diary under test."""

    def invoke(*args: str) -> Result:
        return runner.invoke(cli_app, ["diary", *args])

    return invoke


@pytest.fixture
def snapshot(diary_url: str) -> Callable[[], list[dict[str, Any]]]:
    """Every row of every diary table (all owners), to show a failed command stored nothing."""

    def take() -> list[dict[str, Any]]:
        opened = open_diary(diary_url)
        try:
            with opened.engine.connect() as conn:
                return [dict(row._mapping) for table in TABLES
                        for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY owner_id, id"))]
        finally:
            opened.close()

    return take
