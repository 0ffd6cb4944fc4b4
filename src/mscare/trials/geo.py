"""Places: "LAT,LON" or a city among stored trial sites, and great-circle distances to sites."""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, cast

from mscare.trials.db import city_key
from mscare.trials.model import Location, TrialInputError

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
COORDINATES = re.compile(r"^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*,\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest_site(place: Place, locations: list[Location]) -> tuple[Location, float] | None:
    """The site closest to ``place`` and its distance in km; ``None`` when no site has coordinates."""
    located = [(loc, haversine_km(place.lat, place.lon, loc.lat, loc.lon))
               for loc in locations if loc.lat is not None and loc.lon is not None]
    return min(located, key=lambda pair: pair[1]) if located else None


def parse_coordinates(text: str) -> Place | None:
    """A ``Place`` from "LAT,LON", ``None`` when the text is not two numbers; out-of-range values are errors."""
    match = COORDINATES.match(text)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise TrialInputError(f"near: latitude must be -90..90 and longitude -180..180, got {text!r}")
    return Place(lat, lon, f"{lat:g},{lon:g}")


def find_city(text: str, connection: sqlite3.Connection | None) -> Place:
    """A city among stored trial sites, optionally "City, State" or "City, Country" when the name is shared."""
    name, _, qualifier = text.partition(",")
    rows = [] if connection is None else connection.execute(
        "SELECT city, state, country, AVG(lat), AVG(lon) FROM trial_locations "
        "WHERE city_key = ? AND lat IS NOT NULL AND lon IS NOT NULL "
        "GROUP BY city, state, country ORDER BY COUNT(*) DESC",
        (city_key(name),)).fetchall()
    if qualifier.strip():
        wanted = city_key(qualifier)
        rows = [r for r in rows if wanted in (city_key(r[1]), city_key(r[2]))]
    if not rows:
        raise TrialInputError(f"near: no imported trial has a site in {text.strip()!r}; "
                              "give coordinates instead, for example 45.5152,-122.6784")
    places = {", ".join(p for p in r[:3] if p): r for r in rows}
    if len(places) > 1:
        raise TrialInputError(f"near: {text.strip()!r} is ambiguous; say which: {'; '.join(places)}")
    label, row = next(iter(places.items()))
    return Place(row[3], row[4], label)


def resolve_place(text: str, connection: sqlite3.Connection | None) -> Place:
    """Coordinates "LAT,LON" or a stored city name; ``TrialInputError`` explains what was wrong."""
    if not text.strip():
        raise TrialInputError("near: give a city or coordinates as LAT,LON")
    return parse_coordinates(text) or find_city(text, connection)


Box = tuple[float, float, float, float]  # min_lat, max_lat, min_lon, max_lon
NearestSites = dict[str, tuple[Location, float]]
HALF_EARTH_KM = math.pi * EARTH_RADIUS_KM
SITE_COLUMNS = "l.rowid, l.nct_id, l.facility, l.city, l.state, l.country, l.lat, l.lon"


def bounding_boxes(place: Place, km: float) -> list[Box] | None:
    """Boxes (two across the antimeridian) holding every point within ``km`` of ``place``; ``None``: the world."""
    angle = km / EARTH_RADIUS_KM
    if angle >= math.pi:
        return None
    dlat = math.degrees(angle)
    low, high = place.lat - dlat, place.lat + dlat
    if low <= -90 or high >= 90:
        return [(max(low, -90.0), min(high, 90.0), -180.0, 180.0)]
    ratio = math.sin(angle) / math.cos(math.radians(place.lat))
    if ratio >= 1:
        return [(low, high, -180.0, 180.0)]
    dlon = math.degrees(math.asin(ratio))
    west, east = place.lon - dlon, place.lon + dlon
    if west < -180:
        return [(low, high, west + 360, 180.0), (low, high, -180.0, east)]
    if east > 180:
        return [(low, high, west, 180.0), (low, high, -180.0, east - 360)]
    return [(low, high, west, east)]


# haversine_km in SQL (the same operations in the same order, so the same numbers); parameters: lat, lat, lon.
DISTANCE_SQL = ("2 * 6371.0088 * asin(min(1.0, sqrt(pow(sin((radians(l.lat) - radians(?)) / 2), 2) + "
                "cos(radians(?)) * cos(radians(l.lat)) * pow(sin(radians(l.lon - ?) / 2), 2))))")
MATH_FUNCTIONS = {"asin": math.asin, "sqrt": math.sqrt, "pow": math.pow, "sin": math.sin, "cos": math.cos,
                  "radians": math.radians}


def with_math(connection: sqlite3.Connection) -> sqlite3.Connection:
    """Give the connection SQL math functions when this SQLite was built without them."""
    try:
        connection.execute("SELECT asin(1.0), radians(1.0), pow(2.0, 2)").fetchone()
    except sqlite3.OperationalError:
        for name, function in MATH_FUNCTIONS.items():
            connection.create_function(name, 2 if name == "pow" else 1, cast(Any, function), deterministic=True)
    return connection


def site_rows(connection: sqlite3.Connection, place: Place, km: float) -> list[tuple[Any, ...]]:
    """Each trial's nearest located site within ``km`` of ``place`` with its distance (R*Tree prefilter)."""
    boxes = bounding_boxes(place, km * 1.001 + 1.0)  # a margin for rounding; distances are checked exactly
    sql = (f"SELECT {SITE_COLUMNS}, {DISTANCE_SQL} AS km FROM trial_locations l WHERE l.lat IS NOT NULL "
           "AND l.lon IS NOT NULL")
    values: list[float] = [place.lat, place.lat, place.lon]
    if boxes is not None:
        sql += " AND l.rowid IN ({})".format(" UNION ".join(
            ["SELECT id FROM trial_sites WHERE min_lat >= ? AND max_lat <= ? AND min_lon >= ? AND max_lon <= ?"]
            * len(boxes)))
        values += [v for box in boxes for v in box]
    nearest_first = (f"SELECT *, row_number() OVER (PARTITION BY nct_id ORDER BY km, rowid) AS n FROM ({sql}) "
                     "WHERE km <= ?")  # each trial's nearest site; a tie goes to the site stored first
    return with_math(connection).execute(f"SELECT * FROM ({nearest_first}) WHERE n = 1", [*values, km]).fetchall()


def nearest_sites(connection: sqlite3.Connection, place: Place, km: float, wanted: Collection[str]) -> NearestSites:
    """For each wanted trial with a site within ``km``: its nearest site and distance, as ``nearest_site`` finds."""
    return {row[1]: (Location(*row[2:8]), row[8]) for row in site_rows(connection, place, km) if row[1] in wanted}
