"""Import ClinicalTrials.gov API v2 responses into the trials database: the one module that writes it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from mscare.catalogue import Catalogue, default_catalogue
from mscare.trials.db import city_key, connect_for_writing
from mscare.trials.model import ImportResult, StudyShapeError, Trial, TrialInputError
from mscare.trials.parse import parse_study
from mscare.trials.stream import studies_in
from mscare.trials.summary import plain_summary
from mscare.trials.terms import TherapyFinder

Progress = Callable[[str], None]
PROGRESS_EVERY = 500  # studies between progress messages inside one large file


def response_files(path: Path) -> list[Path]:
    """The JSON files to read: the file itself, or every ``*.json`` under a folder in name order."""
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.json") if p.is_file())
        if not files:
            raise TrialInputError(f"no .json files in {path}")
        return files
    raise TrialInputError(f"no file or folder at {path}")


def fts_row(trial: Trial, summary: str) -> tuple[str, str, str, str, str]:
    title = " ".join(t for t in (trial.brief_title, trial.official_title, trial.acronym) if t)
    return (title, " ".join([*trial.conditions, *trial.keywords]), " ".join(trial.interventions),
            " ".join([*trial.inclusion, *trial.exclusion]), " ".join(t for t in (trial.brief_summary, summary) if t))


def write_trial(connection: sqlite3.Connection, trial: Trial, summary: str) -> bool:
    """Insert or replace one trial with its locations, therapies and search row; True when it was new."""
    existed = connection.execute("SELECT 1 FROM trials WHERE nct_id = ?", (trial.nct_id,)).fetchone() is not None
    connection.execute(
        "INSERT INTO trials (nct_id, title, status, phases, ms_related, last_update, imported_at, record) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(nct_id) DO UPDATE SET title = excluded.title, "
        "status = excluded.status, phases = excluded.phases, ms_related = excluded.ms_related, "
        "last_update = excluded.last_update, imported_at = excluded.imported_at, record = excluded.record",
        (trial.nct_id, trial.brief_title, trial.status, " ".join(trial.phases), int(trial.ms_related),
         trial.last_update, datetime.now(UTC).isoformat(timespec="seconds"), json.dumps(trial.to_json())))
    rowid = connection.execute("SELECT rowid FROM trials WHERE nct_id = ?", (trial.nct_id,)).fetchone()[0]
    connection.execute("DELETE FROM trial_locations WHERE nct_id = ?", (trial.nct_id,))
    connection.execute("DELETE FROM trial_therapies WHERE nct_id = ?", (trial.nct_id,))
    connection.execute("DELETE FROM trials_fts WHERE rowid = ?", (rowid,))
    connection.executemany(
        "INSERT INTO trial_locations (nct_id, facility, city, city_key, state, country, lat, lon) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(trial.nct_id, loc.facility, loc.city, city_key(loc.city), loc.state, loc.country, loc.lat, loc.lon)
         for loc in trial.locations])
    connection.executemany("INSERT INTO trial_therapies (nct_id, therapy_id) VALUES (?, ?)",
                           [(trial.nct_id, t) for t in trial.therapy_ids])
    connection.execute(
        "INSERT INTO trials_fts (rowid, title, conditions, interventions, eligibility, summary) "
        "VALUES (?, ?, ?, ?, ?, ?)", (rowid, *fts_row(trial, summary)))
    connection.execute("UPDATE trials SET summary = ? WHERE rowid = ?", (summary, rowid))  # the result-list line
    return not existed


class UnreadableFile(Exception):
    """A response file that cannot be read as a whole: nothing of it is kept."""


def read_file(path: Path, label: str, finder: TherapyFinder, errors: list[str], progress: Progress | None
              ) -> Iterator[Trial]:
    """Parse one response file study by study (streamed); bad studies are reported in ``errors`` and left out.
    Raises ``UnreadableFile`` for a file that is not JSON or not an API v2 response (the caller drops it)."""
    index = -1
    try:
        for index, raw in enumerate(studies_in(path)):
            try:
                yield parse_study(raw, finder=finder, where=f"studies[{index}]")
            except StudyShapeError as err:
                errors.append(f"{label}: {err}")
            if progress and (index + 1) % PROGRESS_EVERY == 0:
                progress(f"{label}: read {index + 1} studies")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UnreadableFile(f"{label}: not a readable JSON file ({err})") from err
    except StudyShapeError as err:
        raise UnreadableFile(f"{label}: {err}") from err


def write_file(connection: sqlite3.Connection, trials: Iterator[Trial], include_all: bool, catalogue: Catalogue
               ) -> tuple[int, int, int]:
    """Store one file's trials in one transaction as they are read: (read, kept, new); rolled back on error."""
    read = kept = new = 0
    connection.execute("BEGIN IMMEDIATE")
    try:
        for trial in trials:
            read += 1
            if trial.ms_related or include_all:
                kept += 1
                new += write_trial(connection, trial, plain_summary(trial, catalogue))
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return read, kept, new


def import_trials(path: Path, *, db_path: Path, include_all: bool = False, progress: Progress | None = None,
                  catalogue: Catalogue | None = None) -> ImportResult:
    """Import API v2 responses from a file or folder into ``db_path``.

    ``include_all`` keeps studies that are not about MS (skipped and counted otherwise); ``progress`` receives
    one message per file. Each file is written in one transaction, so a failure never loses stored trials.
    Raises ``TrialInputError`` when ``path`` is missing or a folder holds no JSON files.
    """
    catalogue = catalogue or default_catalogue()
    finder = TherapyFinder(catalogue)
    root = Path(path)
    files = response_files(root)
    result = ImportResult()
    connection = connect_for_writing(db_path)
    try:
        for number, file in enumerate(files, 1):
            label = str(file.relative_to(root)) if root.is_dir() else file.name
            try:
                read, kept, new = write_file(connection, read_file(file, label, finder, result.errors, progress),
                                             include_all, catalogue)
            except UnreadableFile as err:
                result.errors.append(str(err))
                continue
            except sqlite3.Error as err:
                result.errors.append(f"{label}: could not be stored ({err})")
                continue
            result.imported += new
            result.updated += kept - new
            result.skipped += read - kept
            if progress:
                progress(f"[{number}/{len(files)}] {label}: {read} studies, {kept} stored, "
                         f"{read - kept} not about MS skipped")
    finally:
        connection.close()
    return result
