"""Trial search at registry scale: the indexed paths (R*Tree sites, FTS, list columns) give the same results as
the record-by-record reference search on a corpus generated from the real fixture; older files are upgraded."""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from mscare.catalogue import default_catalogue
from mscare.trials import import_trials, search_trials, trials_for_therapy
from mscare.trials.db import SCHEMA_VERSION
from mscare.trials.geo import nearest_site, resolve_place
from mscare.trials.model import Trial
from mscare.trials.search import parse_phases, parse_statuses, run_search
from mscare.trials.summary import plain_summary

sys.path.insert(0, str(Path(__file__).parent))
from trials_corpus import write_corpus  # noqa: E402

STUDIES = 600
PLACES = ["45.5152,-122.6784", "51.5,-0.12", "-33.9,151.2", "-17.8,179.95", "70,20", "0,0", "Portland", "Berlin"]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    result = import_trials(write_corpus(folder / "corpus.json", STUDIES), db_path=folder / "trials.sqlite")
    assert result.errors == [] and result.imported > STUDIES * 3 // 4
    return folder / "trials.sqlite"


def reference_search(db: Path, *, text: str | None = None, status: str | None = None, phase: str | None = None,
                     near: str | None = None, within_km: float | None = None, limit: int | None = None
                     ) -> list[dict[str, Any]]:
    """The search as it was: decode every matching record, measure every site in Python, then sort and cut."""
    catalogue = default_catalogue()
    terms = text.split() if text else []
    with closing(sqlite3.connect(db)) as connection:
        place = resolve_place(near, connection) if near else None
        ids = [row[0] for row in run_search(connection, terms, parse_statuses(status) if status else [],
                                            parse_phases(phase) if phase else [])]
        trials = [Trial.from_json(json.loads(connection.execute("SELECT record FROM trials WHERE nct_id = ?",
                                                                (i,)).fetchone()[0])) for i in ids]
    hits = []
    for trial in trials:
        hit = {"nct_id": trial.nct_id, "title": trial.brief_title, "status": trial.status, "phases": trial.phases,
               "nearest_site": None, "distance_km": None, "summary": plain_summary(trial, catalogue),
               "url": trial.url}
        nearest = nearest_site(place, trial.locations) if place else None
        if nearest:
            hit["nearest_site"], hit["distance_km"] = nearest[0].site_json(), round(nearest[1], 1)
        hits.append(hit)
    if place:
        hits = [h for h in hits if within_km is None or (h["distance_km"] is not None
                                                         and h["distance_km"] <= within_km)]
        hits.sort(key=lambda h: (h["distance_km"] is None, h["distance_km"] or 0.0))
    return hits[:limit] if limit else hits


@pytest.mark.parametrize("query", [
    {"text": "fatigue"}, {"text": "ozanimod"}, {"text": "walking", "status": "recruiting"},
    {"status": "completed"}, {"status": "recruiting,not_yet_recruiting", "limit": 20}, {"phase": "3"},
    {"phase": "2/3", "limit": 5}, {"phase": "na", "status": "recruiting"}, {},
])
def test_text_status_phase_searches_equal_the_reference(corpus_db: Path, query: dict[str, Any]) -> None:
    found = [h.to_json() for h in search_trials(db_path=corpus_db, **query)]
    assert found == reference_search(corpus_db, **query)
    assert found


@pytest.mark.parametrize("near", PLACES)
@pytest.mark.parametrize("within_km, limit", [(None, None), (None, 50), (None, 3), (50.0, None), (300.0, 10),
                                              (2000.0, None)])
def test_distance_searches_equal_the_reference(corpus_db: Path, near: str, within_km: float | None,
                                               limit: int | None) -> None:
    found = [h.to_json() for h in search_trials(db_path=corpus_db, near=near, within_km=within_km, limit=limit)]
    assert found == reference_search(corpus_db, near=near, within_km=within_km, limit=limit)


def test_distance_with_text_and_status_equals_the_reference(corpus_db: Path) -> None:
    query: dict[str, Any] = {"text": "fatigue", "status": "recruiting", "near": "47.6,-122.3", "limit": 10}
    found = [h.to_json() for h in search_trials(db_path=corpus_db, **query)]
    assert found == reference_search(corpus_db, **query)
    assert found and found[0]["distance_km"] is not None


def test_trials_for_therapy_uses_the_stored_lines(corpus_db: Path) -> None:
    hits = trials_for_therapy(db_path=corpus_db, therapy_id="ozanimod")
    assert hits and all("ozanimod" in h.summary for h in hits)


def test_a_version_1_file_is_upgraded_on_first_search(tmp_path: Path) -> None:
    db = tmp_path / "trials.sqlite"
    import_trials(write_corpus(tmp_path / "c.json", 40), db_path=db)
    expected = [h.to_json() for h in search_trials(db_path=db, near="Portland", within_km=100)]
    with closing(sqlite3.connect(db)) as connection:  # make it look like a file written by version 1
        connection.executescript("DROP TRIGGER trial_sites_insert; DROP TRIGGER trial_sites_delete; "
                                 "DROP TABLE trial_sites; ALTER TABLE trials DROP COLUMN summary; "
                                 "PRAGMA user_version = 1;")
    assert [h.to_json() for h in search_trials(db_path=db, near="Portland", within_km=100)] == expected
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("SELECT COUNT(*) FROM trials WHERE summary IS NULL").fetchone()[0] == 0


def stored_records(db: Path) -> list[tuple[str, str, str | None]]:
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute("SELECT nct_id, record, summary FROM trials ORDER BY nct_id").fetchall()
    return [(n, r, s) for n, r, s in rows]


def test_streamed_import_in_tiny_chunks_stores_what_a_whole_read_does(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from mscare.trials import stream

    corpus = write_corpus(tmp_path / "c.json", 30)
    import_trials(corpus, db_path=tmp_path / "whole.sqlite")
    monkeypatch.setattr(stream, "CHUNK", 97)  # every study spans many reads
    messages: list[str] = []
    result = import_trials(corpus, db_path=tmp_path / "streamed.sqlite", progress=messages.append)
    assert result.errors == [] and result.imported + result.skipped == 30
    assert stored_records(tmp_path / "streamed.sqlite") == stored_records(tmp_path / "whole.sqlite")
    assert any("30 studies" in m for m in messages)


def test_a_file_cut_short_stores_none_of_its_studies(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c.json", 30)
    text = corpus.read_text(encoding="utf-8")
    corpus.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    result = import_trials(corpus, db_path=tmp_path / "t.sqlite")
    assert result.imported == 0 and len(result.errors) == 1
    assert "c.json: not a readable JSON file" in result.errors[0]
    with closing(sqlite3.connect(tmp_path / "t.sqlite")) as connection:
        assert connection.execute("SELECT COUNT(*) FROM trials").fetchone()[0] == 0
