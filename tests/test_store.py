"""The SQLite index: build, staleness, atomic replacement and safe full-text queries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mscare.store import (
    PASSAGE_COLUMNS,
    IndexUnavailable,
    build_index,
    connect_store,
    fts_query,
    index_problem,
    open_store,
    row_passage,
)

QUIET = {"progress": lambda _: None}


def test_build_indexes_therapies_and_topics(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    result = build_index(path, **QUIET)
    assert result["passages"] > 500
    store = connect_store(path)
    try:
        kinds = dict(store.db.execute("SELECT kind, COUNT(*) FROM passages GROUP BY kind").fetchall())
        assert kinds["therapy"] > 300 and kinds["topic"] > 300
        hits = store.search(["natalizumab", "mechanism"], limit=5)
        assert hits and all(h.score > 0 for h in hits)
        assert any(h.passage.ref == "natalizumab" for h in hits)
        assert all(h.passage.sources for h in hits)
    finally:
        store.close()


def test_open_store_builds_once_then_reuses(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    messages: list[str] = []
    open_store(path, progress=messages.append).close()
    assert any("Building" in m for m in messages)
    built = path.stat().st_mtime_ns
    messages.clear()
    open_store(path, progress=messages.append).close()
    assert messages == [] and path.stat().st_mtime_ns == built


def test_a_corrupt_index_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    store = open_store(path, **QUIET)
    try:
        assert store.search(["relapse"], limit=1)
    finally:
        store.close()


FAILING_BUILD = """
import resource, signal, sys
from pathlib import Path
from mscare.store import build_index
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)          # a write past the limit fails instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))  # a 'disk' too small for a new index
try:
    build_index(Path(sys.argv[1]), progress=lambda _: None)
except Exception as err:
    print(type(err).__name__)
    sys.exit(3)
"""


def test_a_failed_build_leaves_the_old_index_intact(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    build_index(path, **QUIET)
    before = path.read_bytes()
    done = subprocess.run([sys.executable, "-c", FAILING_BUILD, str(path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 3, done.stderr
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["index.sqlite"]  # no temporary file left behind
    store = connect_store(path)
    try:
        assert store.search(["relapse"], limit=1)
    finally:
        store.close()


@pytest.mark.parametrize("text", ['"quoted"', "NEAR", "a*", "-x", "col:y", "(", "'; DROP TABLE passages; --"])
def test_fts_queries_quote_user_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "index.sqlite"
    build_index(path, **QUIET)
    store = connect_store(path)
    try:
        store.search([text, "relapse"], limit=3)  # must not raise
        assert store.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0] > 0
    finally:
        store.close()
    assert fts_query(['say "hi"']) == '"say ""hi"""'


def test_pages_damaged_behind_an_intact_header_are_found_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    build_index(path, **QUIET)
    with path.open("r+b") as handle:  # as `dd conv=notrunc seek=100 count=600`: the header still reads fine
        handle.seek(4096 * 100)
        handle.write(b"\x5a" * 4096 * 600)
    assert index_problem(path) is not None
    messages: list[str] = []
    store = open_store(path, progress=messages.append)
    try:
        assert any("damaged" in m for m in messages)
        assert store.search(["relapse"], limit=1)
    finally:
        store.close()
    assert index_problem(path) is None


def test_each_build_publishes_a_new_version(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    versions = []
    for _ in range(2):
        build_index(path, **QUIET)
        store = connect_store(path)
        versions.append(store.version)
        store.close()
    assert versions[0] != versions[1] and all(len(v) == 32 for v in versions)


def test_an_index_path_that_is_a_folder_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    path.mkdir()
    with pytest.raises(IndexUnavailable, match="is a folder"):
        open_store(path, **QUIET)
    with pytest.raises(IndexUnavailable, match="is a folder"):
        build_index(path, **QUIET)


def test_passages_are_decoded_once_per_build_and_match_the_index(tmp_path: Path) -> None:
    """Search hits and a topic's passages come from a cache shared by connections to one build, equal to the rows."""
    path = tmp_path / "index.sqlite"
    build_index(path, **QUIET)
    first, second = connect_store(path), connect_store(path)
    try:
        hits = first.search(["natalizumab", "pml"], limit=20)
        again = second.search(["natalizumab", "pml"], limit=20)
        assert [h.passage.pid for h in hits] == [h.passage.pid for h in again]
        assert all(a.passage is b.passage for a, b in zip(hits, again, strict=True))  # decoded once
        for hit in hits:
            row = first.db.execute(f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE pid = ?", (hit.passage.pid,))
            assert hit.passage == row_passage(row.fetchone())
        rows = first.db.execute(f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE ref = 'relapses' ORDER BY rowid")
        assert first.passages_of("relapses") == [row_passage(r) for r in rows] == second.passages_of("relapses")
        old = first.passages
    finally:
        first.close()
        second.close()
    build_index(path, **QUIET)  # a new build at the same path has its own cache
    rebuilt = connect_store(path)
    try:
        assert rebuilt.passages is not old and rebuilt.search(["natalizumab"], limit=3)
    finally:
        rebuilt.close()
