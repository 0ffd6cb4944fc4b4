"""Comparing therapies side by side on the fields that matter to a decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mscare.catalogue import Catalogue
from mscare.labels import EFFICACY, MS_TYPE, ROUTE, label, labels
from mscare.models import Therapy
from mscare.render import approval_text

MAX_NAMES_CHARS = 500  # the comma-separated names of one comparison (API and page)


class CompareError(ValueError):
    """Fewer than two distinct therapies to compare."""


@dataclass
class Comparison:
    therapies: list[str]
    rows: list[dict[str, object]]
    sources: list[str]
    names: dict[str, str]  # id -> the name people know, "dimethyl fumarate (Tecfidera)"

    def to_json(self) -> dict[str, object]:
        return {"therapies": self.therapies, "names": self.names, "rows": self.rows, "sources": self.sources}


def first_year(therapy: Therapy) -> int | None:
    years = [a.year for a in (therapy.approvals.us, therapy.approvals.eu)
             if a.year and a.status in ("approved", "withdrawn")]
    return min(years) if years else None


def scheduled_tests(therapy: Therapy) -> str:
    if not therapy.monitoring:
        return "none listed"
    kinds = sorted({m.test for m in therapy.monitoring})
    return f"{len(therapy.monitoring)} items: " + "; ".join(kinds)


def field_values(therapy: Therapy, today: date) -> dict[str, str]:
    """The compared fields, in the order that matters to a decision: how it is taken and what it risks first."""
    year = first_year(therapy)
    return {
        "how it is given": labels(ROUTE, list(therapy.routes)),
        "how often": therapy.schedule,
        "efficacy group": label(EFFICACY, therapy.efficacy),
        "boxed warning (US)": therapy.boxed_warning or "none",
        "main risks": "; ".join(therapy.key_risks),
        "common side effects": "; ".join(therapy.common_side_effects) or "-",
        "monitoring": scheduled_tests(therapy),
        "pregnancy": therapy.pregnancy,
        "good to know": " ".join(therapy.notes) or "-",
        "MS types": labels(MS_TYPE, list(therapy.ms_types)) or "-",
        "US approval": approval_text(therapy.approvals.us),
        "EU approval": approval_text(therapy.approvals.eu),
        "efficacy basis": therapy.efficacy_basis or "-",
        "brands": ", ".join(therapy.brands) or "-",
        "drug class": therapy.drug_class,
        "years on the market": f"{today.year - year} (since {year})" if year else "not marketed for MS",
    }


# The record field whose sources back each compared row.
ROW_FIELDS = {"how it is given": "schedule", "how often": "schedule", "efficacy group": "efficacy_basis",
              "boxed warning (US)": "boxed_warning", "main risks": "key_risks",
              "common side effects": "common_side_effects", "pregnancy": "pregnancy", "good to know": "notes",
              "MS types": "approvals", "US approval": "approvals", "EU approval": "approvals",
              "efficacy basis": "efficacy_basis", "brands": "brands", "drug class": "mechanism",
              "years on the market": "approvals"}


def row_sources(therapy: Therapy, field_name: str) -> list[str]:
    """The sources behind one therapy's cell of a compared row."""
    if field_name == "monitoring":
        return sorted({s for item in therapy.monitoring for s in item.sources}) or therapy.sources
    return therapy.sources_for(ROW_FIELDS.get(field_name, "sources"))


def compare(*, names: list[str], catalogue: Catalogue, today: date | None = None) -> Comparison:
    """Compare two or more therapies by any names the catalogue accepts (raises UnknownTherapy)."""
    today = today or date.today()
    therapies: list[Therapy] = []
    for name in names:
        therapy = catalogue.lookup(name)
        if therapy.id not in [t.id for t in therapies]:
            therapies.append(therapy)
    if len(therapies) < 2:
        raise CompareError("name at least two different therapies to compare")
    values = {t.id: field_values(t, today) for t in therapies}
    rows = []
    for field_name in values[therapies[0].id]:
        row = {t.id: values[t.id][field_name] for t in therapies}
        rows.append({"field": field_name, "values": row, "differs": len(set(row.values())) > 1,
                     "sources": {t.id: row_sources(t, field_name) for t in therapies}})
    rows.sort(key=lambda r: not r["differs"])  # what differs first, each group in order of importance
    sources = sorted({s for t in therapies for s in t.cited()})
    return Comparison(therapies=[t.id for t in therapies], rows=rows, sources=sources,
                      names={t.id: t.display_name for t in therapies})
