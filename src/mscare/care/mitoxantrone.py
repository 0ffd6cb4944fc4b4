"""Mitoxantrone's lifetime cumulative dose: what has been given against the US and EU limits."""

from __future__ import annotations

import math

from mscare.catalogue import Catalogue


class DoseError(ValueError):
    """Doses that cannot be right: none, negative or absurdly large."""


def cumulative_dose(*, doses: list[float], catalogue: Catalogue) -> dict[str, object]:
    """Sum the doses (mg/m²) and compare the total with each region's limit from the catalogue."""
    if not doses:
        raise DoseError("give at least one dose with --dose MG_PER_M2")
    for dose in doses:
        if not math.isfinite(dose):
            raise DoseError(f"doses must be numbers of mg/m², got {dose}")
        if dose <= 0:
            raise DoseError(f"doses must be positive numbers of mg/m², got {dose}")
        if dose > 200:
            raise DoseError(f"a single dose of {dose} mg/m² is not plausible; check the number")
    therapy = catalogue.lookup("mitoxantrone")
    limit = therapy.dose_limit
    if limit is None:
        raise DoseError("the mitoxantrone record has no dose limit")
    total = round(sum(doses), 2)
    regions = {}
    for region in ("us", "eu"):
        value = getattr(limit, region)
        regions[region] = None if value is None else {
            "limit": value, "remaining": round(max(value - total, 0.0), 2), "reached": total >= value,
        }
    return {"therapy": therapy.id, "doses": doses, "cumulative": total, "unit": limit.unit,
            "limits": regions, "note": limit.note, "sources": limit.sources}
