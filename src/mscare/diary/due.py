"""Tests due: each diary therapy period against the catalogue's monitoring schedule, cleared by logged tests."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from mscare.care.monitoring import FIRST_YEAR, LAST_YEAR, MAX_MONTHS, ScheduleError, monitoring_schedule
from mscare.catalogue import Catalogue
from mscare.diary.inputs import DiaryInputError
from mscare.diary.models import TherapyRow
from mscare.diary.store import tests_done, therapy_periods
from mscare.models import REGIONS, Region, Therapy

SOON_DAYS = 30  # "due soon": within this many days from today
AHEAD_DAYS = 365  # the next test further ahead than this is not listed
OVERDUE_DAYS = 365  # missed tests older than this are counted in a note, not listed


@dataclass(frozen=True)
class DueItem:
    """One dated test from a therapy's schedule; ``id`` is stable: therapy, date and test."""

    id: str
    therapy: str
    therapy_name: str
    test: str
    due: dt.date
    status: str  # overdue | due_soon | upcoming
    why: str
    sources: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "therapy": self.therapy, "therapy_name": self.therapy_name, "test": self.test,
                "due": self.due.isoformat(), "status": self.status, "why": self.why, "sources": self.sources}


@dataclass
class DueReport:
    today: dt.date
    region: Region = "us"
    due: list[DueItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "region": self.region, "due": [i.to_json() for i in self.due],
                "notes": self.notes}


def due_id(therapy_id: str, when: dt.date, test: str) -> str:
    digest = hashlib.sha1(test.strip().lower().encode("utf-8")).hexdigest()[:6]
    return f"{therapy_id}-{when:%Y%m%d}-{digest}"


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def is_course(therapy: Therapy) -> bool:
    """A fixed course (alemtuzumab, cladribine): its follow-up tests go on after the last dose."""
    return therapy.dosing is not None and therapy.dosing.repeat is None


def period_events(period: TherapyRow, therapy: Therapy, today: dt.date, region: Region) -> list[DueItem]:
    """Every scheduled test of one period up to a year from today (status filled in later); dose days are not
    tests and are left out."""
    months = max(1, min(MAX_MONTHS, months_between(period.start, today + dt.timedelta(days=AHEAD_DAYS)) + 1))
    schedule = monitoring_schedule(therapy=therapy, start=period.start, months=months, region=region)
    items = []
    for event in schedule.events:
        if getattr(event, "kind", "test") == "dose":
            continue
        if period.stop is not None and event.date > period.stop and not is_course(therapy):
            continue
        items.append(DueItem(id=due_id(therapy.id, event.date, event.test), therapy=therapy.id,
                             therapy_name=therapy.generic_name, test=event.test, due=event.date, status="",
                             why=event.why, sources=list(event.sources)))
    return items


def scheduled_tests(session: Session, *, owner: str, catalogue: Catalogue, today: dt.date,
                    region: Region = "us") -> list[DueItem]:
    """All scheduled tests of all the owner's therapy periods, without status, one per id."""
    items: dict[str, DueItem] = {}
    for period in therapy_periods(session, owner=owner):
        therapy = catalogue.therapies.get(period.therapy_id)
        if therapy is None:
            continue
        try:
            events = period_events(period, therapy, today, region)
        except ScheduleError:
            continue
        for item in events:
            items.setdefault(item.id, item)
    return sorted(items.values(), key=lambda i: (i.due, i.therapy, i.test))


def due_lookup(session: Session, *, owner: str, catalogue: Catalogue, today: dt.date) -> dict[str, tuple[str, str]]:
    """Due id -> (therapy id, test) in any region, for checking ``test add --for``."""
    return {i.id: (i.therapy, i.test) for region in REGIONS
            for i in scheduled_tests(session, owner=owner, catalogue=catalogue, today=today, region=region)}


def ended_therapies(session: Session, *, owner: str, catalogue: Catalogue, today: dt.date) -> set[str]:
    """Therapies stopped before today (fixed courses aside): their missed tests are no longer due."""
    periods = therapy_periods(session, owner=owner)
    running = {p.therapy_id for p in periods if p.stop is None or p.stop >= today}
    courses = {t.id for t in catalogue.therapies.values() if is_course(t)}
    return {p.therapy_id for p in periods} - running - courses


def with_status(item: DueItem, status: str) -> DueItem:
    return DueItem(item.id, item.therapy, item.therapy_name, item.test, item.due, status, item.why, item.sources)


def due_tests(session: Session, *, owner: str, catalogue: Catalogue, today: dt.date,
              region: Region = "us") -> DueReport:
    """What is overdue, due in the next 30 days and next up, per therapy and test.

    A logged test for a due item clears it and every earlier item of the same test; of several missed items only
    the latest is listed.
    """
    if not FIRST_YEAR <= today.year <= LAST_YEAR:
        raise DiaryInputError(f"today: enter a date between {FIRST_YEAR} and {LAST_YEAR}")
    report = DueReport(today=today, region=region)
    ended = ended_therapies(session, owner=owner, catalogue=catalogue, today=today)
    items = [i for i in scheduled_tests(session, owner=owner, catalogue=catalogue, today=today, region=region)
             if i.therapy not in ended]
    by_id = {i.id: i for i in items}
    cleared: dict[tuple[str, str], dt.date] = {}
    for done in tests_done(session, owner=owner):
        if done.due_id in by_id:
            item = by_id[done.due_id]
            key = (item.therapy, item.test)
            cleared[key] = max(cleared.get(key, dt.date.min), item.due)
    groups: dict[tuple[str, str], list[DueItem]] = {}
    for item in items:
        if item.due > cleared.get((item.therapy, item.test), dt.date.min):
            groups.setdefault((item.therapy, item.test), []).append(item)
    soon, oldest = today + dt.timedelta(days=SOON_DAYS), today - dt.timedelta(days=OVERDUE_DAYS)
    hidden = 0
    for group in groups.values():
        past = [i for i in group if i.due < today]
        if past and past[-1].due >= oldest:
            report.due.append(with_status(past[-1], "overdue"))
        elif past:
            hidden += 1
        report.due += [with_status(i, "due_soon") for i in group if today <= i.due <= soon]
        later = [i for i in group if i.due > soon]
        if later:
            report.due.append(with_status(later[0], "upcoming"))
    order = {"overdue": 0, "due_soon": 1, "upcoming": 2}
    report.due.sort(key=lambda i: (order[i.status], i.due, i.therapy, i.test))
    if hidden:
        report.notes.append(f"{hidden} test(s) missed more than {OVERDUE_DAYS} days ago are not listed; "
                            "log the latest with 'mscare diary test add --for ID' or ask your MS team.")
    if report.due:
        report.notes.append("Dates are a guide from the label; your MS team may set a different timetable.")
    return report


def due_ics(report: DueReport) -> bytes:
    """The due items as an iCalendar file of all-day events; each UID is the due item's id."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//mscare//diary due tests//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "MS tests due")
    stamp = dt.datetime.combine(report.today, dt.time(0), tzinfo=dt.UTC)
    for item in report.due:
        event = Event()
        event.add("uid", f"{item.id}@mscare.local")
        event.add("summary", f"{item.test} ({item.therapy_name})")
        event.add("dtstart", item.due)
        event.add("dtstamp", stamp)
        event.add("description", f"{item.why}. Due id: {item.id}. Sources: {', '.join(item.sources)}. "
                                 "Information, not personal medical advice.")
        cal.add_component(event)
    return cal.to_ical()
