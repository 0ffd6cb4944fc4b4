"""Search imported trials by words (FTS5 BM25), status, phase and distance, and link trials to therapies."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from mscare.catalogue import Catalogue, default_catalogue
from mscare.store import fts_query
from mscare.trials.db import load_trial, reading
from mscare.trials.geo import HALF_EARTH_KM, Place, nearest_sites, resolve_place
from mscare.trials.model import REGISTRY_URL, Location, TrialHit, TrialInputError
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


ListRow = tuple[str, str, str, str, str | None]  # nct_id, title, status, phases, summary
LIST_COLUMNS = "t.nct_id, t.title, t.status, t.phases, t.summary"
FIRST_RADIUS_KM = 100.0  # distance searches without --within look this far first, then 4 times further


def search_sql(*, match: bool, statuses: int, phases: int, limit: bool = False, columns: str = LIST_COLUMNS
               ) -> str:
    """The SQL of a search: optional FTS match, status and phase filters; best rank first."""
    if match:
        sql = (f"SELECT {columns}, bm25(trials_fts, {', '.join(map(str, BM25_WEIGHTS))}) AS rank "
               "FROM trials_fts JOIN trials t ON t.rowid = trials_fts.rowid WHERE trials_fts MATCH ?")
    else:
        sql = f"SELECT {columns}, 0 AS rank FROM trials t WHERE 1 = 1"
    if statuses:
        sql += f" AND t.status IN ({', '.join('?' * statuses)})"
    sql += " AND (' ' || t.phases || ' ') LIKE ?" * phases
    return sql + " ORDER BY rank, t.last_update DESC, t.nct_id" + (" LIMIT ?" if limit else "")


def run_search(connection: sqlite3.Connection, terms: list[str], statuses: list[str], phases: list[str],
               limit: int | None = None, columns: str = LIST_COLUMNS) -> list[Any]:
    """Rows matching all the words, else any of them (quoted, so user text is never FTS syntax); best first."""
    filters: list[str | int] = [*statuses, *(f"% {p} %" for p in phases), *([limit] if limit else [])]
    if not terms:
        sql = search_sql(match=False, statuses=len(statuses), phases=len(phases), limit=bool(limit), columns=columns)
        return [row[:-1] for row in connection.execute(sql, filters)]
    sql = search_sql(match=True, statuses=len(statuses), phases=len(phases), limit=bool(limit), columns=columns)
    for query in (" AND ".join(fts_query([t]) for t in terms), fts_query(terms)):
        rows = connection.execute(sql, [query, *filters]).fetchall()
        if rows:
            return [row[:-1] for row in rows]
    return []


def hit_of_row(connection: sqlite3.Connection, row: ListRow, nearest: tuple[Location, float] | None) -> TrialHit:
    """A result from its list columns; only a row stored without a summary line has its record decoded."""
    nct_id, title, status, phases, summary = row
    if summary is None:
        summary = plain_summary(load_trial(connection, nct_id), default_catalogue())
    hit = TrialHit(nct_id=nct_id, title=title, status=status, phases=phases.split(), summary=summary,
                   url=REGISTRY_URL.format(nct_id=nct_id))
    if nearest:
        hit.nearest_site, hit.distance_km = nearest[0].site_json(), round(nearest[1], 1)
    return hit


def by_distance(connection: sqlite3.Connection, ids: list[str], place: Place, within_km: float | None,
                limit: int | None) -> list[TrialHit]:
    """Rows sorted by their nearest site (ties keep relevance order; trials without located sites last).

    With ``within_km`` only sites that close are read (R*Tree). Otherwise the search looks ever further until
    ``limit`` results are certain: every trial not yet seen lies further than the last one kept.
    """
    position = {nct_id: index for index, nct_id in enumerate(ids)}
    radius = within_km + 0.05 if within_km is not None else FIRST_RADIUS_KM  # distances are rounded to 0.1 km
    while True:
        found = nearest_sites(connection, place, radius, position)
        ranked = sorted(found, key=lambda n: (round(found[n][1], 1), position[n]))  # ties keep relevance order
        if within_km is not None:
            ranked = [n for n in ranked if round(found[n][1], 1) <= within_km]
            break
        if radius >= HALF_EARTH_KM:
            ranked += [n for n in ids if n not in found]
            break
        if limit and len(ranked) >= limit and round(found[ranked[limit - 1]][1], 1) < radius - 0.1:
            break
        radius *= 4
    ranked = ranked[:limit] if limit else ranked
    rows = list_rows(connection, ranked)
    return [hit_of_row(connection, rows[n], found.get(n)) for n in ranked]


def list_rows(connection: sqlite3.Connection, ids: list[str]) -> dict[str, ListRow]:
    """The list columns of these trials, by NCT id."""
    rows: dict[str, ListRow] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows.update((r[0], r) for r in connection.execute(
            f"SELECT {LIST_COLUMNS} FROM trials t WHERE t.nct_id IN ({', '.join('?' * len(chunk))})", chunk))
    return rows


def search_trials(*, db_path: Path, text: str | None = None, status: str | None = None, phase: str | None = None,
                  near: str | None = None, within_km: float | None = None, limit: int | None = None,
                  catalogue: Catalogue | None = None) -> list[TrialHit]:
    """Imported trials matching every given filter.

    ``text``: words searched in titles, conditions, interventions, eligibility and summaries (any text is safe);
    ``status``: e.g. "recruiting"; ``phase``: e.g. "3"; ``near``: "LAT,LON" or a city with a stored site;
    ``within_km``: only trials with a site that close (needs ``near``). Sorted by distance when ``near`` is
    given, else by relevance. Raises ``TrialInputError`` for unusable filters. Result lines come from the
    summary stored at import (``catalogue`` is kept for callers; it is only used for older rows).
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
    with reading(db_path) as connection:
        place = resolve_place(near, connection) if near is not None else None
        if connection is None:
            return []
        if place:
            ids = [row[0] for row in run_search(connection, terms, statuses, phases, columns="t.nct_id")]
            return by_distance(connection, ids, place, within_km, limit)
        return [hit_of_row(connection, row, None) for row in run_search(connection, terms, statuses, phases, limit)]


def trials_for_therapy(*, db_path: Path, therapy_id: str, catalogue: Catalogue | None = None) -> list[TrialHit]:
    """Imported trials whose interventions, titles or keywords name the therapy (any catalogue name works)."""
    catalogue = catalogue or default_catalogue()
    therapy = catalogue.lookup(therapy_id)
    with reading(db_path) as connection:
        if connection is None:
            return []
        rows = connection.execute(
            f"SELECT {LIST_COLUMNS} FROM trial_therapies x JOIN trials t ON t.nct_id = x.nct_id "
            "WHERE x.therapy_id = ? ORDER BY t.status = 'RECRUITING' DESC, t.last_update DESC, t.nct_id",
            (therapy.id,)).fetchall()
        return [hit_of_row(connection, row, None) for row in rows]
