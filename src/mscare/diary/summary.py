"""The appointment summary: therapies, relapses, symptom scores over time, tests done and due, and questions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from mscare.care.appointment import appointment_summary
from mscare.care.dosing import add_months
from mscare.catalogue import Catalogue
from mscare.diary.due import DueReport, due_tests
from mscare.diary.inputs import ListQuery
from mscare.diary.store import Entry, list_entries
from mscare.models import Region
from mscare.settings import DISCLAIMER

SPARKS = "▁▂▃▄▅▆▇█"


@dataclass
class Summary:
    today: dt.date
    since: dt.date
    months: int
    current: list[Entry] = field(default_factory=list)
    past: list[Entry] = field(default_factory=list)
    relapses: list[Entry] = field(default_factory=list)
    symptoms: dict[str, list[Entry]] = field(default_factory=dict)
    tests: list[Entry] = field(default_factory=list)
    due: DueReport | None = None
    questions: list[dict[str, Any]] = field(default_factory=list)
    note: str = DISCLAIMER

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(), "since": self.since.isoformat(), "months": self.months,
            "current_therapies": [e.to_json() for e in self.current],
            "past_therapies": [e.to_json() for e in self.past],
            "relapses": [e.to_json() for e in self.relapses],
            "symptoms": {k: [{"date": e.date.isoformat(), "score": e.fields["score"]} for e in v]
                         for k, v in self.symptoms.items()},
            "tests": [e.to_json() for e in self.tests],
            "due": [i.to_json() for i in self.due.due] if self.due else [],
            "questions": self.questions, "note": self.note,
        }


def pick_concerns(summary: Summary) -> list[str]:
    """Which appointment topics the diary points to (all of them when it points to none)."""
    concerns = []
    if summary.relapses or summary.symptoms:
        concerns.append("new_symptoms")
    if summary.current:
        concerns += ["side_effects", "monitoring"]
    if summary.relapses and summary.current:
        concerns.append("switching")
    return concerns


def build_summary(session: Session, *, owner: str, catalogue: Catalogue, today: dt.date,
                  months: int = 6, region: Region = "us") -> Summary:
    """Everything for the appointment, over the last ``months`` months."""
    since = add_months(today, -months)
    entries = list_entries(session, owner=owner, query=ListQuery(), catalogue=catalogue)
    summary = Summary(today=today, since=since, months=months)
    for entry in entries:
        if entry.kind == "therapy":
            stop = entry.fields["stop"]
            (summary.current if stop is None or stop > today else summary.past).append(entry)
        elif entry.date < since or entry.date > today:
            continue
        elif entry.kind == "relapse":
            summary.relapses.append(entry)
        elif entry.kind == "symptom":
            summary.symptoms.setdefault(entry.fields["label"], []).append(entry)
        else:
            summary.tests.append(entry)
    summary.due = due_tests(session, owner=owner, catalogue=catalogue, today=today, region=region)
    current = summary.current[-1] if summary.current else None
    prep = appointment_summary(catalogue=catalogue, therapy_name=current.fields["therapy"] if current else None,
                               concerns=pick_concerns(summary), today=today)
    summary.questions = prep["concerns"]
    return summary


def sparkline(scores: list[int]) -> str:
    """Scores 0..10 as block characters, low to high."""
    return "".join(SPARKS[round(s * (len(SPARKS) - 1) / 10)] for s in scores)


def therapy_line(entry: Entry) -> str:
    f = entry.fields
    until = f" to {f['stop']}" if f["stop"] else " (current)"
    reason = f"; stopped because: {f['reason']}" if f["reason"] else ""
    return f"- {f['name']}: from {f['start']}{until}{reason}"


def summary_markdown(summary: Summary) -> str:
    """The summary as printable Markdown, with a text sparkline per symptom."""
    lines = ["# My MS diary: summary for my appointment", "",
             f"Period: {summary.since} to {summary.today} ({summary.months} months)", "", "## Treatments", ""]
    lines += [therapy_line(e) for e in summary.current + summary.past] or ["- none recorded"]
    lines += ["", "## Relapses in this period", ""]
    lines += [f"- {e.date}: {e.fields['symptoms']} (recovery: {e.fields['recovery']}"
              + (f"; treated with {e.fields['treated_with_name']})" if e.fields["treated_with_name"] else ")")
              for e in summary.relapses] or ["- none recorded"]
    lines += ["", "## Symptom scores (0 = none, 10 = worst)", ""]
    for label, points in summary.symptoms.items():
        scores = [p.fields["score"] for p in points]
        lines.append(f"- {label}: {sparkline(scores)}  {scores[0]} → {scores[-1]} "
                     f"({points[0].date} to {points[-1].date}, {len(scores)} score{'s' if len(scores) > 1 else ''})")
    if not summary.symptoms:
        lines.append("- none recorded")
    lines += ["", "## Tests done", ""]
    lines += [f"- {e.date}: {e.fields['test']}" + (f": {e.fields['result']}" if e.fields["result"] else "")
              for e in summary.tests] or ["- none recorded"]
    lines += ["", "## Tests due", ""]
    due = summary.due.due if summary.due else []
    lines += [f"- {i.due}: {i.test} ({i.therapy_name}), {i.status.replace('_', ' ')}" for i in due] or ["- none"]
    for concern in summary.questions:
        lines += ["", f"## Questions: {concern['label']}", ""] + [f"- [ ] {q}" for q in concern["questions"]]
    lines += ["", f"*{summary.note}*", ""]
    return "\n".join(lines)


def chart_points(points: list[Entry], summary: Summary, width: int = 480, height: int = 120) -> str:
    """SVG polyline points: x by date across the period, y by score (0 at the bottom)."""
    span = max(1, (summary.today - summary.since).days)
    coords = []
    for entry in points:
        x = 30 + (entry.date - summary.since).days / span * (width - 40)
        y = 10 + (10 - entry.fields["score"]) / 10 * (height - 20)
        coords.append(f"{x:.1f},{y:.1f}")
    return " ".join(coords)


def summary_html(summary: Summary) -> str:
    """The summary as a standalone printable HTML page with an SVG chart per symptom."""
    from mscare.web.common import environment

    return environment().get_template("diary_summary.html").render(summary=summary, chart_points=chart_points)
