"""Monitoring schedules: the dated tests a therapy's label asks for, and a calendar file of them."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from mscare.models import Therapy, When

MAX_MONTHS = 120
DEFAULT_MONTHS = 24
FIRST_YEAR, LAST_YEAR = 1990, 2100  # treatment start dates outside these years are typing mistakes


class ScheduleError(ValueError):
    """Bad schedule input: a horizon out of range."""


@dataclass(frozen=True)
class Event:
    date: date
    test: str
    why: str
    sources: list[str]


@dataclass
class Schedule:
    therapy: str
    start: date
    months: int
    events: list[Event] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "therapy": self.therapy, "start": self.start.isoformat(), "months": self.months,
            "events": [{"date": e.date.isoformat(), "test": e.test, "why": e.why, "sources": e.sources}
                       for e in self.events],
            "notes": self.notes,
        }


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def dose_months(therapy: Therapy, horizon: int) -> list[int]:
    """Months (from the start) when doses fall, within the horizon."""
    if therapy.dosing is None:
        return [0]
    months = sorted(set(therapy.dosing.at_months))
    if therapy.dosing.every_months:
        month = months[-1] + therapy.dosing.every_months
        while month <= horizon:
            months.append(month)
            month += therapy.dosing.every_months
    if therapy.dosing.max_doses:
        months = months[: therapy.dosing.max_doses]
    return [m for m in months if m <= horizon]


def months_for(when: When, therapy: Therapy, horizon: int) -> list[int]:
    """The months at which a ``when`` falls, within the horizon."""
    if when.kind in ("baseline", "first_dose"):
        return [0]
    if when.kind == "each_dose":
        return dose_months(therapy, horizon)
    if when.kind == "months":
        return [m for m in when.months if m <= horizon]
    if when.kind == "every" and when.every:
        # An interval from the start begins one interval in: the start itself is the baseline test.
        first = when.start if when.start > 0 else when.every
        last = min(horizon, when.until) if when.until is not None else horizon
        return list(range(first, last + 1, when.every))
    return []


def monitoring_schedule(*, therapy: Therapy, start: date, months: int = DEFAULT_MONTHS) -> Schedule:
    """Every test the record's monitoring items ask for from ``start`` to ``months`` later, in date order."""
    if not 1 <= months <= MAX_MONTHS:
        raise ScheduleError(f"--months must be between 1 and {MAX_MONTHS}, got {months}")
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        raise ScheduleError(f"the start date must be between {FIRST_YEAR} and {LAST_YEAR}, got {start.isoformat()}")
    schedule = Schedule(therapy=therapy.id, start=start, months=months)
    if not therapy.monitoring:
        schedule.notes.append(
            f"The mscare record for {therapy.generic_name} lists no scheduled monitoring tests. "
            "Ask your prescriber whether any checks apply to you."
        )
        return schedule
    for item in therapy.monitoring:
        when = item.parsed
        if when.kind == "as_needed":
            schedule.notes.append(f"{item.test}: as clinically indicated ({item.why})")
            continue
        label = {"baseline": "before starting", "first_dose": "at the first dose",
                 "each_dose": "before each dose"}.get(when.kind)
        why = f"{item.why} ({label})" if label else item.why
        for month in months_for(when, therapy, months):
            schedule.events.append(Event(date=add_months(start, month), test=item.test, why=why,
                                         sources=list(item.sources)))
    schedule.events.sort(key=lambda e: (e.date, e.test))
    if therapy.dosing is None and any(m.parsed.kind == "each_dose" for m in therapy.monitoring):
        schedule.notes.append("Dose dates are not recorded for this therapy; check with your MS team.")
    schedule.notes.append("Dates are a guide from the label; your MS team may set a different timetable.")
    return schedule


def schedule_ics(schedule: Schedule, therapy_name: str) -> bytes:
    """The schedule as an iCalendar file of all-day events (icalendar library)."""
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

    cal = Calendar()
    cal.add("prodid", "-//mscare//monitoring schedule//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"MS monitoring: {therapy_name}")
    for index, event in enumerate(schedule.events):
        item = IcsEvent()
        item.add("uid", f"{schedule.therapy}-{event.date.isoformat()}-{index}@mscare.local")
        item.add("summary", f"{event.test} ({therapy_name})")
        item.add("dtstart", event.date)
        item.add("dtstamp", datetime.combine(schedule.start, time(0), tzinfo=UTC))
        item.add("description", f"{event.why}. Sources: {', '.join(event.sources)}. "
                                "Information, not personal medical advice.")
        cal.add_component(item)
    return cal.to_ical()
