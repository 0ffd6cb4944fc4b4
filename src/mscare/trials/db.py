"""The trials database: its own SQLite file of user data, separate from the rebuilt content index."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from mscare.settings import data_home
from mscare.trials.model import Trial, UnknownTrial

SCHEMA_VERSION = 2  # 2: trials.summary for result lists, an R*Tree of located sites (``trial_sites``)
SCHEMA = """
CREATE TABLE IF NOT EXISTS trials (
    nct_id TEXT PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL, phases TEXT NOT NULL,
    ms_related INTEGER NOT NULL, last_update TEXT, imported_at TEXT NOT NULL, record TEXT NOT NULL, summary TEXT
);
CREATE TABLE IF NOT EXISTS trial_locations (
    nct_id TEXT NOT NULL REFERENCES trials(nct_id) ON DELETE CASCADE,
    facility TEXT, city TEXT, city_key TEXT, state TEXT, country TEXT, lat REAL, lon REAL
);
CREATE INDEX IF NOT EXISTS trial_locations_nct ON trial_locations(nct_id);
CREATE INDEX IF NOT EXISTS trial_locations_city ON trial_locations(city_key);
CREATE TABLE IF NOT EXISTS trial_therapies (
    nct_id TEXT NOT NULL REFERENCES trials(nct_id) ON DELETE CASCADE, therapy_id TEXT NOT NULL,
    PRIMARY KEY (nct_id, therapy_id)
);
CREATE INDEX IF NOT EXISTS trial_therapies_therapy ON trial_therapies(therapy_id);
CREATE VIRTUAL TABLE IF NOT EXISTS trial_sites USING rtree(id, min_lat, max_lat, min_lon, max_lon);
CREATE TRIGGER IF NOT EXISTS trial_sites_insert AFTER INSERT ON trial_locations
    WHEN new.lat IS NOT NULL AND new.lon IS NOT NULL
    BEGIN INSERT INTO trial_sites VALUES (new.rowid, new.lat, new.lat, new.lon, new.lon); END;
CREATE TRIGGER IF NOT EXISTS trial_sites_delete AFTER DELETE ON trial_locations
    BEGIN DELETE FROM trial_sites WHERE id = old.rowid; END;
CREATE VIRTUAL TABLE IF NOT EXISTS trials_fts USING fts5(
    nct_id UNINDEXED, title, conditions, interventions, eligibility, summary, tokenize='porter unicode61'
);
"""


def default_trials_path() -> Path:
    """Where imported trials live: ``data_home()/trials.sqlite``."""
    return data_home() / "trials.sqlite"


def city_key(city: str | None) -> str | None:
    """A city name folded for matching: case, accents-as-written and spacing do not matter."""
    return " ".join(city.casefold().split()) if city else None


def connect_for_writing(db_path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the trials database in autocommit mode; callers manage transactions."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(db_path, isolation_level=None, timeout=30)  # an upgrade may hold the lock a while
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"{db_path}: trials database version {version} is newer than this mscare")
        if version == SCHEMA_VERSION:
            return connection
        connection.executescript(f"BEGIN IMMEDIATE; {SCHEMA}")  # the write lock is held until COMMIT below
        if connection.execute("PRAGMA user_version").fetchone()[0] == 1:  # read again: another process may have
            connection.execute("ALTER TABLE trials ADD COLUMN summary TEXT")  # upgraded it meanwhile
            migrate_from_1(connection)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.close()
        raise
    return connection


def migrate_from_1(connection: sqlite3.Connection) -> None:
    """Fill what version 2 adds from the stored records: the R*Tree of sites and each trial's summary line."""
    from mscare.catalogue import default_catalogue
    from mscare.trials.summary import plain_summary

    connection.execute("INSERT INTO trial_sites SELECT rowid, lat, lat, lon, lon FROM trial_locations "
                       "WHERE lat IS NOT NULL AND lon IS NOT NULL")
    catalogue = default_catalogue()
    rows = connection.execute("SELECT rowid, record FROM trials").fetchall()
    connection.executemany("UPDATE trials SET summary = ? WHERE rowid = ?",
                           [(plain_summary(Trial.from_json(json.loads(record)), catalogue), rowid)
                            for rowid, record in rows])


@contextmanager
def reading(db_path: Path) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection, or ``None`` when nothing has been imported yet; always closed afterwards."""
    if not db_path.is_file():
        yield None
        return
    with closing(sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)) as connection:
        if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'trials'").fetchone() is None:
            yield None
            return
        if connection.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            connect_for_writing(db_path).close()  # an older file is upgraded in place once
        yield connection


def load_trial(connection: sqlite3.Connection | None, nct_id: str) -> Trial:
    """The stored record of one trial; ``UnknownTrial`` when it was never imported."""
    key = nct_id.strip().upper()
    row = None
    if connection is not None:
        row = connection.execute("SELECT record FROM trials WHERE nct_id = ?", (key,)).fetchone()
    if row is None:
        raise UnknownTrial(nct_id)
    return Trial.from_json(json.loads(row[0]))


def get_trial(*, db_path: Path, nct_id: str) -> Trial:
    """One stored trial by NCT id (case-insensitive); raises ``UnknownTrial``."""
    with reading(db_path) as connection:
        return load_trial(connection, nct_id)
