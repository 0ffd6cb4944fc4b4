"""Search imported trials by words (FTS5 BM25), status, phase and distance, and link trials to therapies."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from mscare.catalogue import Catalogue, default_catalogue
from mscare.store import fts_query
from mscare.trials.db import reading
from mscare.trials.geo import Place, nearest_site, resolve_place
from mscare.trials.model import Trial, TrialHit, TrialInputError
from mscare.trials.summary import plain_summary

STATUSES = ["RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING", "COMPLETED",
            "SUSPENDED", "TERMINATED", "WITHDRAWN", "AVAILABLE", "NO_LONGER_AVAILABLE", "TEMPORARILY_NOT_AVAILABLE",
            "APPROVED_FOR_MARKETING", "WITHHELD", "UNKNOWN"]
PHASES = {"early1": "EARLY_PHASE1", "1": "PHASE1", "2": "PHASE2", "3": "PHASE3", "4": "PHASE4", "na": "NA"}
# Column weights for bm25(): title, conditions, interventions, eligibility, summary.
BM25_WEIGHTS = (3.0, 2.0, 2.0, 1.0, 1.0)
MAX_TERMS = 32
EARTH_CIRCUMFERENCE_KM = 40_075  # no two places are farther apart than this
WORD = re.compile(r"[^\W_]+")


def status_key(text: str) -> str:
    return re.sub(r"[\s,_-]+", "_", text.strip().upper())


def parse_statuses(text: str) -> list[str]:
    """Registry statuses from user text: "recruiting", "Not yet recruiting", "active_not_recruiting,completed"."""
    whole = status_key(text)
    if whole in STATUSES:  # "Active, not recruiting" is one status despite its comma
        return [whole]
    wanted = []
    for part in text.split(","):
        if status_key(part) not in STATUSES:
            choices = ", ".join(s.lower() for s in STATUSES)
            raise TrialInputError(f"status: unknown {part.strip()!r}; choose from {choices}")
        wanted.append(status_key(part))
    return wanted


def parse_phases(text: str) -> list[str]:
    """Registry phases that must all be present: "3" -> PHASE3, "2/3" or "PHASE2/PHASE3" -> PHASE2 and PHASE3."""
    wanted = []
    for part in re.split(r"[/,+&]", text):
        key = re.sub(r"[\s_-]+", "", part.strip().lower()).replace("phase", "")
        if key not in PHASES:
            raise TrialInputError(f"phase: unknown {part.strip()!r}; use 1, 2, 3, 4, early1, na or 2/3")
        wanted.append(PHASES[key])
    return wanted


def search_sql(*, match: bool, statuses: int, phases: int) -> str:
    """The SQL of a search: optional FTS match, status and phase filters; best rank first."""
    if match:
        sql = (f"SELECT t.record, bm25(trials_fts, {', '.join(map(str, BM25_WEIGHTS))}) AS rank FROM trials_fts "
               "JOIN trials t ON t.rowid = trials_fts.rowid WHERE trials_fts MATCH ?")
    else:
        sql = "SELECT t.record, 0 AS rank FROM trials t WHERE 1 = 1"
    if statuses:
        sql += f" AND t.status IN ({', '.join('?' * statuses)})"
    sql += " AND (' ' || t.phases || ' ') LIKE ?" * phases
    return sql + " ORDER BY rank, t.last_update DESC, t.nct_id"


def run_search(connection: sqlite3.Connection, terms: list[str], statuses: list[str], phases: list[str]
               ) -> list[Trial]:
    """Rows matching all the words, else any of them (quoted, so user text is never FTS syntax)."""
    filters = [*statuses, *(f"% {p} %" for p in phases)]
    if not terms:
        sql = search_sql(match=False, statuses=len(statuses), phases=len(phases))
        return [Trial.from_json(json.loads(r[0])) for r in connection.execute(sql, filters)]
    sql = search_sql(match=True, statuses=len(statuses), phases=len(phases))
    for query in (" AND ".join(fts_query([t]) for t in terms), fts_query(terms)):
        rows = connection.execute(sql, [query, *filters]).fetchall()
        if rows:
            return [Trial.from_json(json.loads(r[0])) for r in rows]
    return []


def hit_of(trial: Trial, catalogue: Catalogue, place: Place | None) -> TrialHit:
    hit = TrialHit(nct_id=trial.nct_id, title=trial.brief_title, status=trial.status, phases=trial.phases,
                   summary=plain_summary(trial, catalogue), url=trial.url)
    nearest = nearest_site(place, trial.locations) if place else None
    if nearest:
        hit.nearest_site, hit.distance_km = nearest[0].site_json(), round(nearest[1], 1)
    return hit


def search_trials(*, db_path: Path, text: str | None = None, status: str | None = None, phase: str | None = None,
                  near: str | None = None, within_km: float | None = None, limit: int | None = None,
                  catalogue: Catalogue | None = None) -> list[TrialHit]:
    """Imported trials matching every given filter.

    ``text``: words searched in titles, conditions, interventions, eligibility and summaries (any text is safe);
    ``status``: e.g. "recruiting"; ``phase``: e.g. "3"; ``near``: "LAT,LON" or a city with a stored site;
    ``within_km``: only trials with a site that close (needs ``near``). Sorted by distance when ``near`` is
    given, else by relevance. Raises ``TrialInputError`` for unusable filters.
    """
    statuses = parse_statuses(status) if status else []
    phases = parse_phases(phase) if phase else []
    if within_km is not None and (near is None or not 0 < within_km <= EARTH_CIRCUMFERENCE_KM):
        raise TrialInputError(f"within: give a place to search near, and a distance above 0 and at most "
                              f"{EARTH_CIRCUMFERENCE_KM} km")
    if limit is not None and limit < 1:
        raise TrialInputError(f"limit: must be at least 1, got {limit}")
    terms = WORD.findall(text or "")[:MAX_TERMS]
    if text and text.strip() and not terms:
        return []
    catalogue = catalogue or default_catalogue()
    with reading(db_path) as connection:
        place = resolve_place(near, connection) if near is not None else None
        trials = run_search(connection, terms, statuses, phases) if connection else []
    hits = [hit_of(t, catalogue, place) for t in trials]
    if place:
        hits = [h for h in hits if within_km is None or (h.distance_km is not None and h.distance_km <= within_km)]
        hits.sort(key=lambda h: (h.distance_km is None, h.distance_km or 0.0))
    return hits[:limit] if limit else hits


def trials_for_therapy(*, db_path: Path, therapy_id: str, catalogue: Catalogue | None = None) -> list[TrialHit]:
    """Imported trials whose interventions, titles or keywords name the therapy (any catalogue name works)."""
    catalogue = catalogue or default_catalogue()
    therapy = catalogue.lookup(therapy_id)
    with reading(db_path) as connection:
        if connection is None:
            return []
        rows = connection.execute(
            "SELECT t.record FROM trial_therapies x JOIN trials t ON t.nct_id = x.nct_id WHERE x.therapy_id = ? "
            "ORDER BY t.status = 'RECRUITING' DESC, t.last_update DESC, t.nct_id", (therapy.id,)).fetchall()
    return [hit_of(Trial.from_json(json.loads(r[0])), catalogue, None) for r in rows]
