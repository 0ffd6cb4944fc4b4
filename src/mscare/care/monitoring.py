"""Monitoring schedules: the dated tests a therapy's label asks for, and a calendar file of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from mscare.care.dosing import DoseDay, add_months, course_starts, dose_days, last_dose_day
from mscare.models import REGIONS, Region, Therapy, When

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
    kind: str = "test"  # "dose" for a treatment day from the dosing calendar


@dataclass
class Schedule:
    therapy: str
    start: date
    months: int
    region: Region = "us"
    events: list[Event] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "therapy": self.therapy, "start": self.start.isoformat(), "months": self.months, "region": self.region,
            "events": [{"date": e.date.isoformat(), "kind": e.kind, "test": e.test, "why": e.why, "sources": e.sources}
                       for e in self.events],
            "notes": self.notes,
        }


def item_dates(when: When, *, start: date, end: date, doses: list[DoseDay], last_dose: date | None) -> list[date]:
    """The dates on which a parsed ``when`` falls between ``start`` and ``end``."""
    if when.kind in ("baseline", "first_dose"):
        return [start]
    if when.kind == "each_dose":
        return [d.date for d in course_starts(doses)]
    if when.kind == "after_each_dose":
        return [day for d in doses for day in d.days]
    if when.kind == "listed_doses":
        chosen = [d for d in doses if d.number in when.doses]
        return [day for d in chosen for day in d.days] if when.after else [d.date for d in chosen]
    if when.kind == "months":
        return [add_months(start, m) for m in when.months]
    if when.kind != "every" or not when.every:
        return []
    if when.after_last or when.until_after_last is not None:
        if last_dose is None:
            return []
    anchor = last_dose if when.after_last and last_dose else start
    # An interval from the start begins one interval in: the start itself is the baseline test.
    first = when.start if when.start > 0 else when.every
    stop = end
    if when.until is not None:
        stop = min(stop, add_months(start, when.until))
    if when.until_after_last is not None and last_dose is not None:
        stop = min(stop, add_months(last_dose, when.until_after_last))
    dates = []
    month = first
    while (day := add_months(anchor, month)) <= stop:
        dates.append(day)
        month += when.every
    return dates


def monitoring_schedule(*, therapy: Therapy, start: date, months: int = DEFAULT_MONTHS,
                        region: Region = "us") -> Schedule:
    """Dose days and every test the record asks for, from ``start`` (the first dose) to ``months`` later.

    ``region`` picks the region's monitoring items and dose limit (mitoxantrone: 11 doses in the US, 6 in the
    EU/UK).
    """
    if not 1 <= months <= MAX_MONTHS:
        raise ScheduleError(f"--months must be between 1 and {MAX_MONTHS}, got {months}")
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        raise ScheduleError(f"the start date must be between {FIRST_YEAR} and {LAST_YEAR}, got {start.isoformat()}")
    if region not in REGIONS:
        raise ScheduleError(f"--region must be one of {', '.join(REGIONS)}, got {region!r}")
    schedule = Schedule(therapy=therapy.id, start=start, months=months, region=region)
    end = add_months(start, months)
    doses: list[DoseDay] = []
    last_dose = None
    if therapy.dosing:
        doses = dose_days(therapy.dosing, first_dose=start, until=end, region=region)
        last_dose = last_dose_day(therapy.dosing, first_dose=start, region=region)
        schedule.events += [Event(date=d.date, test=f"Dose {d.number}: {d.label}", why=dose_why(d),
                                  sources=list(therapy.dosing.sources), kind="dose") for d in doses]
    items = [m for m in therapy.monitoring if region in m.regions]
    if not items:
        schedule.notes.append(
            f"The mscare record for {therapy.generic_name} lists no scheduled monitoring tests. "
            "Ask your prescriber whether any checks apply to you."
        )
    for item in items:
        when = item.parsed
        if when.kind == "as_needed":
            schedule.notes.append(f"{item.test}: as clinically indicated ({item.why})")
            continue
        label = {"baseline": "before starting", "first_dose": "at the first dose",
                 "each_dose": "before each dose", "after_each_dose": "after each dose"}.get(when.kind)
        if when.kind == "listed_doses":
            label = f"{'after' if when.after else 'before'} dose {', '.join(map(str, when.doses))}"
        why = f"{item.why} ({label})" if label else item.why
        for day in item_dates(when, start=start, end=end, doses=doses, last_dose=last_dose):
            if day <= end:
                schedule.events.append(Event(date=day, test=item.test, why=why, sources=list(item.sources)))
    schedule.events.sort(key=lambda e: (e.date, e.kind != "dose", e.test))
    if therapy.dosing is None and any(m.parsed.kind in ("each_dose", "after_each_dose", "listed_doses") for m in items):
        schedule.notes.append("Dose dates are not recorded for this therapy; check with your MS team.")
    if therapy.dosing and therapy.dosing.note:
        schedule.notes.append(therapy.dosing.note)
    if schedule.events:
        schedule.notes.append("Dates are a guide from the label; your MS team may set a different timetable. "
                              "If a dose moves, the checks linked to it move with it.")
    return schedule


def dose_why(dose: DoseDay) -> str:
    if len(dose.days) > 1:
        return f"Treatment day from the label's dosing schedule: one dose a day for {len(dose.days)} days"
    return "Treatment day from the label's dosing schedule"


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
        item.add("summary", f"{event.test} ({therapy_name})" if event.kind == "dose"
                 else f"Check: {event.test} ({therapy_name})")
        item.add("dtstart", event.date)
        item.add("dtstamp", datetime.combine(schedule.start, time(0), tzinfo=UTC))
        item.add("description", f"{event.why}. Sources: {', '.join(event.sources)}. "
                                "Information, not personal medical advice.")
        cal.add_component(item)
    return cal.to_ical()
