"""Places: "LAT,LON" or a city among stored trial sites, and great-circle distances to sites."""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass

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
