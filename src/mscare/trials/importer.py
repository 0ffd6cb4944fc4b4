"""Import ClinicalTrials.gov API v2 responses into the trials database: the one module that writes it."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def scrubbed(value: Any) -> Any:
    """The decoded JSON with control characters (NUL included) removed from every string; they never reach a page."""
    if isinstance(value, str):
        return CONTROL.sub("", value)
    if isinstance(value, list):
        return [scrubbed(v) for v in value]
    if isinstance(value, dict):
        return {k: scrubbed(v) for k, v in value.items()}
    return value


def fts_row(trial: Trial, summary: str) -> tuple[str, str, str, str, str]:
    title = " ".join(t for t in (trial.brief_title, trial.official_title, trial.acronym) if t)
    return (title, " ".join([*trial.conditions, *trial.keywords]), " ".join(trial.interventions),
            " ".join([*trial.inclusion, *trial.exclusion]), " ".join(t for t in (trial.brief_summary, summary) if t))


def is_older(trial: Trial, stored: str | None) -> bool:
    """A snapshot replaces the stored record only when its last-update date is the same or newer."""
    if stored is None:
        return False
    return trial.last_update is None or trial.last_update < stored


def write_trial(connection: sqlite3.Connection, trial: Trial, summary: str) -> str:
    """Insert or replace one trial with its locations, therapies and search row.

    Returns "new", "updated", or "older" when the stored record is newer and was kept.
    """
    row = connection.execute("SELECT last_update FROM trials WHERE nct_id = ?", (trial.nct_id,)).fetchone()
    if row is not None and is_older(trial, row[0]):
        return "older"
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
    return "updated" if row is not None else "new"


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
                yield parse_study(scrubbed(raw), finder=finder, where=f"studies[{index}]")
            except StudyShapeError as err:
                errors.append(f"{label}: {err}")
            if progress and (index + 1) % PROGRESS_EVERY == 0:
                progress(f"{label}: read {index + 1} studies")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UnreadableFile(f"{label}: not a readable JSON file ({err})") from err
    except RecursionError as err:
        raise UnreadableFile(f"{label}: not a readable JSON file (nested too deeply)") from err
    except StudyShapeError as err:
        raise UnreadableFile(f"{label}: {err}") from err


def write_file(connection: sqlite3.Connection, trials: Iterator[Trial], *, include_all: bool, catalogue: Catalogue,
               result: ImportResult, label: str) -> tuple[int, int]:
    """Store one file's trials in one transaction as they are read: (read, kept); rolled back on error.

    Outcomes (new, updated, older snapshot kept out, repeated study) reach ``result`` only once the file commits.
    """
    read = kept = 0
    outcomes = {"new": 0, "updated": 0, "older": 0}
    notes: list[str] = []
    seen: set[str] = set()
    connection.execute("BEGIN IMMEDIATE")
    try:
        for trial in trials:
            read += 1
            if not (trial.ms_related or include_all):
                continue
            kept += 1
            if trial.nct_id in seen:
                notes.append(f"{label}: {trial.nct_id} appears more than once; the newest copy is kept")
            seen.add(trial.nct_id)
            outcome = write_trial(connection, trial, plain_summary(trial, catalogue))
            outcomes[outcome] += 1
            if outcome == "older":
                notes.append(f"{label}: {trial.nct_id} skipped: its last update ({trial.last_update or 'none'}) "
                             "is older than the stored record")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    result.imported += outcomes["new"]
    result.updated += outcomes["updated"]
    result.older += outcomes["older"]
    result.notes += notes
    return read, kept


def import_trials(path: Path | str, *, db_path: Path, include_all: bool = False, progress: Progress | None = None,
                  catalogue: Catalogue | None = None) -> ImportResult:
    """Import API v2 responses from a file or folder into ``db_path``.

    ``include_all`` keeps studies that are not about MS (skipped and counted otherwise); ``progress`` receives
    one message per file. Each file is written in one transaction, so a failure never loses stored trials.
    Raises ``TrialInputError`` when ``path`` is missing or a folder holds no JSON files.
    """
    catalogue = catalogue or default_catalogue()
    finder = TherapyFinder(catalogue)
    if not str(path).strip():  # Path("") would mean the working folder
        raise TrialInputError("no file or folder given")
    root = Path(path)
    files = response_files(root)
    result = ImportResult()
    try:
        connection = connect_for_writing(db_path)
    except (OSError, sqlite3.Error) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise TrialInputError(f"cannot write the trials database in {db_path.parent} ({reason})") from err
    try:
        for number, file in enumerate(files, 1):
            label = str(file.relative_to(root)) if root.is_dir() else file.name
            try:
                read, kept = write_file(connection, read_file(file, label, finder, result.errors, progress),
                                        include_all=include_all, catalogue=catalogue, result=result, label=label)
            except UnreadableFile as err:
                result.errors.append(str(err))
                continue
            except sqlite3.Error as err:
                result.errors.append(f"{label}: could not be stored ({err})")
                continue
            result.skipped += read - kept
            if progress:
                progress(f"[{number}/{len(files)}] {label}: {read} studies, {kept} stored, "
                         f"{read - kept} not about MS skipped")
    finally:
        connection.close()
    return result
