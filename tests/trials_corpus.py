"""A registry-size trials corpus made from the real ClinicalTrials.gov fixture, deterministically from a seed.

Each generated study is a copy of one of the fixture's studies with its own NCT id, a varied title, status and
phases, and a varied subset of sites moved to other places. Used by the search-equality tests and bench/.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).parent / "fixtures" / "clinicaltrials" / "search_ms_portland.json"
STATUSES = ["RECRUITING", "RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED", "COMPLETED",
            "TERMINATED", "WITHDRAWN", "UNKNOWN", "ENROLLING_BY_INVITATION"]
PHASES = [["PHASE1"], ["PHASE2"], ["PHASE3"], ["PHASE4"], ["PHASE2", "PHASE3"], ["NA"], [], ["EARLY_PHASE1"]]
TITLE_WORDS = ["fatigue", "walking", "cognition", "bladder", "vision", "pain", "sleep", "exercise", "diet",
               "vitamin D", "remyelination", "MRI", "pregnancy", "depression", "spasticity", "balance"]
# (city, state, country, lat, lon) of places sites are moved to; real coordinates of these cities.
CITIES = [("Portland", "Oregon", "United States", 45.52345, -122.67621),
          ("Seattle", "Washington", "United States", 47.60621, -122.33207),
          ("Boston", "Massachusetts", "United States", 42.35843, -71.05977),
          ("Toronto", "Ontario", "Canada", 43.70643, -79.39864),
          ("London", None, "United Kingdom", 51.50853, -0.12574),
          ("Berlin", None, "Germany", 52.52437, 13.41053),
          ("Madrid", None, "Spain", 40.4165, -3.70256),
          ("Sydney", "New South Wales", "Australia", -33.86785, 151.20732),
          ("Tokyo", None, "Japan", 35.6895, 139.69171),
          ("Auckland", None, "New Zealand", -36.84853, 174.76349),
          ("Anchorage", "Alaska", "United States", 61.21806, -149.90028),
          ("Fiji", None, "Fiji", -17.8, 179.9)]  # near the antimeridian


def vary(study: dict[str, Any], number: int, rng: random.Random) -> dict[str, Any]:
    protocol = study["protocolSection"]
    nct_id = f"NCT{20000000 + number:08d}"
    protocol["identificationModule"]["nctId"] = nct_id
    word = rng.choice(TITLE_WORDS)
    protocol["identificationModule"]["briefTitle"] += f" ({word}, study {number})"
    protocol["statusModule"]["overallStatus"] = rng.choice(STATUSES)
    protocol["statusModule"].setdefault("lastUpdatePostDateStruct", {})["date"] = (
        f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    protocol.setdefault("designModule", {})["phases"] = rng.choice(PHASES)
    sites = protocol.get("contactsLocationsModule", {}).get("locations", [])
    kept = rng.sample(sites, rng.randint(0, len(sites))) if sites else []
    for site in kept:
        if rng.random() < 0.6:
            city, state, country, lat, lon = rng.choice(CITIES)
            site.update({"city": city, "country": country,
                         "geoPoint": {"lat": round(lat + rng.uniform(-0.8, 0.8), 5),
                                      "lon": round(max(-180.0, min(180.0, lon + rng.uniform(-0.8, 0.8))), 5)}})
            if state:
                site["state"] = state
            else:
                site.pop("state", None)
        if rng.random() < 0.05:
            site.pop("geoPoint", None)
    if sites:
        protocol["contactsLocationsModule"]["locations"] = kept
    return study


def make_studies(count: int, seed: int = 18) -> list[dict[str, Any]]:
    """``count`` varied studies; the same seed always gives the same studies."""
    base = json.loads(FIXTURE.read_text(encoding="utf-8"))["studies"]
    rng = random.Random(seed)
    return [vary(copy.deepcopy(base[n % len(base)]), n, rng) for n in range(count)]


def write_corpus(path: Path, count: int, seed: int = 18) -> Path:
    """An API v2 response file with ``count`` generated studies at ``path``."""
    path.write_text(json.dumps({"studies": make_studies(count, seed), "totalCount": count}), encoding="utf-8")
    return path
