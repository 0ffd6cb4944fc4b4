"""The diary core: migrations from empty, owner isolation, durability under SIGKILL, and database errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from mscare.catalogue import Catalogue
from mscare.diary.db import HEAD_REVISION, MIGRATIONS, DiaryConfigError, current_revision, open_diary
from mscare.diary.inputs import ListQuery, SymptomInput, TherapyInput
from mscare.diary.store import add_symptom, add_therapy, delete_entry, list_entries, transaction

TABLES = ("diary_therapy", "diary_relapse", "diary_symptom", "diary_test")


def test_head_revision_matches_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_migrations_from_empty_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "fresh.sqlite"
    diary = open_diary(f"sqlite:///{path}")
    assert path.exists() and path.stat().st_mode & 0o777 == 0o600  # health records: owner only
    assert set(TABLES) <= set(inspect(diary.engine).get_table_names())
    assert current_revision(diary.engine) == HEAD_REVISION
    diary.close()
    open_diary(f"sqlite:///{path}").close()  # opening again is a no-op


def test_migrations_from_empty_postgresql(pg_server: Any) -> None:
    url = pg_server.create_database("fresh_migrations")
    diary = open_diary(url)
    assert diary.dialect == "postgresql"
    inspector = inspect(diary.engine)
    assert set(TABLES) <= set(inspector.get_table_names())
    for table in TABLES:
        assert inspector.get_pk_constraint(table)["constrained_columns"] == ["owner_id", "id"]
    assert current_revision(diary.engine) == HEAD_REVISION
    diary.close()


def test_owners_see_only_their_own_rows(diary_url: str, catalogue: Catalogue) -> None:
    diary = open_diary(diary_url)
    with transaction(diary) as session:
        mine = add_therapy(session, owner="alice", catalogue=catalogue,
                           data=TherapyInput(name="tysabri", start=dt.date(2025, 1, 1)))
        add_symptom(session, owner="bob", catalogue=catalogue,
                    data=SymptomInput(date=dt.date(2025, 2, 1), symptom="pain", score=4))
    with diary.sessions() as session:
        assert [e.id for e in list_entries(session, owner="alice", query=ListQuery(), catalogue=catalogue)] == [mine.id]
        assert [e.kind for e in list_entries(session, owner="bob", query=ListQuery(), catalogue=catalogue)] == [
            "symptom"]
    with pytest.raises(ValueError, match="no diary entry"), transaction(diary) as session:
        delete_entry(session, owner="bob", entry_id=mine.id)
    with diary.sessions() as session:
        assert len(list_entries(session, owner="alice", query=ListQuery(), catalogue=catalogue)) == 1
    diary.close()


WRITER = """
import datetime as dt, sys
from mscare.catalogue import default_catalogue
from mscare.diary.db import open_diary
from mscare.diary.inputs import SymptomInput
from mscare.diary.store import add_symptom, transaction
catalogue, diary = default_catalogue(), open_diary(sys.argv[1])
for n in range(100000):
    with transaction(diary) as session:
        entry = add_symptom(session, owner="local", catalogue=catalogue,
                            data=SymptomInput(date=dt.date(2026, 1, 1), symptom="fatigue", score=n % 11))
    print(entry.id, flush=True)
"""


def test_killed_process_loses_nothing_committed(diary_url: str, catalogue: Catalogue) -> None:
    """A writer killed with SIGKILL mid-run: every entry it reported as committed is there, the store opens."""
    with subprocess.Popen([sys.executable, "-c", WRITER, diary_url], stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        committed = [child.stdout.readline().strip() for _ in range(30)]
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        committed += [line.strip() for line in child.stdout.read().splitlines() if line.strip()]
    assert child.returncode == -signal.SIGKILL
    diary = open_diary(diary_url)
    with diary.sessions() as session:
        stored = {e.id for e in list_entries(session, owner="local", query=ListQuery(), catalogue=catalogue)}
    diary.close()
    assert set(committed) <= stored
    assert len(stored) - len(committed) <= 1  # at most one commit finished but was not yet reported


def writing(diary_url: str, probe: Any) -> bool:
    """True while another process holds an open write transaction on the diary."""
    if diary_url.startswith("sqlite"):
        return Path(diary_url.removeprefix("sqlite:///") + "-journal").exists()
    row = probe.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                             "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")).scalar()
    return bool(row)


def test_killed_import_is_all_or_nothing(diary_url: str, tmp_path: Path, catalogue: Catalogue) -> None:
    """``mscare diary import`` killed in the middle of its write transaction stores none of the file."""
    total = 5000
    entries = [{"id": f"sy-{n:08x}", "kind": "symptom", "date": "2026-01-01", "symptom": "pain", "score": n % 11,
                "note": None, "recorded_at": "2026-01-01T00:00:00"} for n in range(total)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"format": "mscare-diary", "version": 1, "entries": entries}), encoding="utf-8")
    diary = open_diary(diary_url)  # migrated before the import starts, so its only write is the import
    mscare = Path(sys.executable).with_name("mscare")
    killed_mid_write = False
    with diary.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as probe, subprocess.Popen(
            [str(mscare), "diary", "import", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=os.environ.copy()) as child:
        deadline = time.monotonic() + 120
        while child.poll() is None and time.monotonic() < deadline:
            if writing(diary_url, probe):
                os.kill(child.pid, signal.SIGKILL)
                killed_mid_write = True
                break
            time.sleep(0.002)
        child.wait(timeout=60)
    with diary.sessions() as session:
        count = len(list_entries(session, owner="local", query=ListQuery(kind="symptom"), catalogue=catalogue))
    diary.close()
    assert killed_mid_write, "the import finished before the test saw its write transaction"
    assert count == 0


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://root@127.0.0.1/x", "sqlite or postgresql"),
    ("not a url", "not a database URL"),
    ("postgresql://nobody@127.0.0.1:1/none", "cannot open the diary database postgresql+psycopg://nobody@127.0.0.1:1"),
])
def test_bad_database_url_is_one_line(url: str, message: str, runner, cli_app,  # type: ignore[no-untyped-def]
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSCARE_DATABASE_URL", url)
    with pytest.raises(DiaryConfigError, match="."):
        open_diary()
    result = runner.invoke(cli_app, ["diary", "list"])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


def test_concurrent_first_use_migrates_once(engine_name: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Several processes opening a new diary at the same moment all succeed (e.g. server workers starting)."""
    if engine_name == "sqlite":
        url = f"sqlite:///{tmp_path / 'race.sqlite'}"
    else:
        url = request.getfixturevalue("pg_server").create_database("race")
    code = "import sys; from mscare.diary.db import open_diary; open_diary(sys.argv[1]).close()"
    children = [subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE, text=True)
                for _ in range(3)]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    diary = open_diary(url)
    assert current_revision(diary.engine) == HEAD_REVISION
    diary.close()


def test_database_failure_is_one_line(pg_server: Any, runner, cli_app,  # type: ignore[no-untyped-def]
                                      monkeypatch: pytest.MonkeyPatch, mscare_home: Path) -> None:
    """A write the server refuses (here a read-only role) ends with one line and exit 1, not a traceback."""
    url = pg_server.create_database("readonly")
    open_diary(url).close()
    admin = open_diary(url)
    with admin.engine.begin() as conn:
        conn.execute(text("DROP ROLE IF EXISTS reader"))
        conn.execute(text("CREATE ROLE reader LOGIN"))
        conn.execute(text("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader"))
    admin.close()
    monkeypatch.setenv("MSCARE_DATABASE_URL", url.replace("postgres@", "reader@"))
    result = runner.invoke(cli_app, ["diary", "symptom", "add", "--date", "2026-01-01", "--symptom", "pain",
                                     "--score", "3"])
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and "nothing was changed" in result.stderr and "permission denied" in (
        result.stderr)
    listed = runner.invoke(cli_app, ["diary", "list", "--json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout) == {"entries": []}
