"""Appointment preparation: a one-page summary with questions, what to bring and monitoring due."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import yaml

from mscare.care.monitoring import monitoring_schedule
from mscare.catalogue import Catalogue
from mscare.content import content_dir
from mscare.passages import therapy_label
from mscare.settings import DISCLAIMER

SOON_MONTHS = 3


class AppointmentError(ValueError):
    """An unknown concern."""


@lru_cache(maxsize=1)
def appointment_content() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((content_dir() / "care" / "appointment.yaml").read_text(encoding="utf-8"))
    return data


def concern_choices() -> list[str]:
    return list(appointment_content()["concerns"])


def appointment_summary(*, catalogue: Catalogue, therapy_name: str | None = None, concerns: list[str],
                        start: date | None = None, today: date | None = None) -> dict[str, Any]:
    """The pieces of the summary; ``therapy_name`` may be any name the catalogue accepts."""
    data = appointment_content()
    today = today or date.today()
    unknown = [c for c in concerns if c not in data["concerns"]]
    if unknown:
        raise AppointmentError(f"unknown concern {unknown[0]!r}; choose from: {', '.join(data['concerns'])}")
    concerns = concerns or list(data["concerns"])
    sources = list(data["bring"]["sources"])
    summary: dict[str, Any] = {"therapy": None, "concerns": [], "bring": data["bring"]["items"],
                               "monitoring_due": [], "note": DISCLAIMER}
    if therapy_name:
        therapy = catalogue.lookup(therapy_name)
        summary["therapy"] = {"id": therapy.id, "name": therapy_label(therapy), "schedule": therapy.schedule}
        sources += therapy.sources_for("schedule")
        if start is not None:
            schedule = monitoring_schedule(therapy=therapy, start=start, months=120)
            horizon = today.toordinal() + SOON_MONTHS * 31
            due = [e for e in schedule.events if today.toordinal() <= e.date.toordinal() <= horizon]
            summary["monitoring_due"] = [{"date": e.date.isoformat(), "test": e.test} for e in due]
            sources += [s for e in due for s in e.sources]
    for key in concerns:
        concern = data["concerns"][key]
        summary["concerns"].append({"id": key, "label": concern["label"], "questions": concern["questions"]})
        sources += concern["sources"]
    summary["sources"] = list(dict.fromkeys(sources))
    return summary


def appointment_markdown(summary: dict[str, Any], catalogue: Catalogue) -> str:
    """The summary as printable Markdown."""
    lines = ["# My MS appointment", ""]
    if summary["therapy"]:
        lines += [f"**Current treatment:** {summary['therapy']['name']}: {summary['therapy']['schedule']}", ""]
    if summary["monitoring_due"]:
        lines += ["## Tests due in the next 3 months", ""]
        lines += [f"- {e['date']}: {e['test']}" for e in summary["monitoring_due"]] + [""]
    for concern in summary["concerns"]:
        lines += [f"## {concern['label']}", ""] + [f"- [ ] {q}" for q in concern["questions"]] + [""]
    lines += ["## What to bring", ""] + [f"- {item}" for item in summary["bring"]] + [""]
    lines += ["## Notes", "", "_" * 60, "", "_" * 60, "", "## Sources", ""]
    lines += [f"- {s.title}. {s.publisher}. {s.url}" for s in catalogue.sources_of(summary["sources"])]
    lines += ["", f"*{summary['note']}*", ""]
    return "\n".join(lines)
