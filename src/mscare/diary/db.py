"""Where the diary lives and how to reach it: an engine, a session factory, and migrations on first use.

The default is ``diary.sqlite`` in ``MSCARE_HOME``; ``MSCARE_DATABASE_URL`` (for example
``postgresql://user@host/db``) points the diary at PostgreSQL instead, through psycopg 3 (``mscare[postgres]``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from mscare.settings import data_home

LOCAL_OWNER = "local"  # the one owner of a diary used from the local command line
HEAD_REVISION = "0002"  # the newest migration; a test checks it against the migration scripts
VERSION_TABLE = "mscare_alembic_version"
MIGRATION_LOCK = 0x6D73_6361_7265  # "mscare": the PostgreSQL advisory lock held while migrating
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DiaryConfigError(RuntimeError):
    """The diary database cannot be opened: a bad URL, a missing driver or an unreachable server."""


@dataclass
class Diary:
    """An open diary database: its engine and a factory of sessions."""

    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()


def database_url() -> str:
    """``MSCARE_DATABASE_URL``, else the SQLite file ``diary.sqlite`` in the data folder."""
    if env := os.environ.get("MSCARE_DATABASE_URL", "").strip():
        return env
    return f"sqlite:///{data_home() / 'diary.sqlite'}"


def normalise_url(raw: str) -> URL:
    """Parse a URL; plain ``postgresql://`` and ``postgres://`` use the psycopg 3 driver."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DiaryConfigError("MSCARE_DATABASE_URL is not a database URL (e.g. postgresql://user@host/db)") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise DiaryConfigError("PostgreSQL needs its driver: pip install 'mscare[postgres]'") from None
    elif url.drivername != "sqlite":
        raise DiaryConfigError(f"the diary runs on sqlite or postgresql, not {url.drivername}")
    return url


def make_engine(url: URL) -> Engine:
    if url.drivername == "sqlite":
        if url.database and url.database != ":memory:":
            path = Path(url.database).expanduser()
            path.parent.mkdir(parents=True, exist_ok=True)
            # Health records: a new diary file is readable by its owner only (SQLite's journals copy the mode).
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        engine = create_engine(url)

        @event.listens_for(engine, "connect")
        def _durable(dbapi_connection: Any, _record: Any) -> None:
            # A rollback journal with full sync: a commit is on disk before it returns.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, VERSION_TABLE):
            return None
        return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` with the packaged Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several server workers may open the diary at once: one migrates, the others wait, then find it done.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


@contextmanager
def sqlite_migration_lock(url: URL) -> Iterator[None]:
    """Several processes opening one new SQLite file migrate one at a time. pysqlite commits DDL as it goes, so
    without this a second process could see half a schema; PostgreSQL uses an advisory lock in ``migrate``."""
    if url.drivername != "sqlite" or not url.database or url.database == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock, as before
        yield
        return
    lock_path = Path(url.database).expanduser().with_name(Path(url.database).name + ".migrate-lock")
    handle = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def open_diary(url: str | None = None) -> Diary:
    """Open (and on first use create and migrate) the diary database."""
    parsed = normalise_url(url or database_url())
    engine = make_engine(parsed)
    try:
        if current_revision(engine) != HEAD_REVISION:
            with sqlite_migration_lock(parsed):
                try:
                    if current_revision(engine) != HEAD_REVISION:
                        migrate(engine)
                except SQLAlchemyError:
                    if current_revision(engine) != HEAD_REVISION:  # not just another process migrating first
                        raise
    except SQLAlchemyError as err:
        engine.dispose()
        where = parsed.render_as_string(hide_password=True)
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        raise DiaryConfigError(f"cannot open the diary database {where}: {reason}") from None
    return Diary(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
