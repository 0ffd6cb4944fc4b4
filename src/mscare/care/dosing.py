"""Dose days from a record's dosing calendar: the first doses, repeats, courses and a region's dose limit."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from datetime import date, timedelta

from mscare.models import Dosing, Region, Unit, parse_interval, parse_offset


@dataclass(frozen=True)
class DoseDay:
    """One dose: its first day, every day it is given on (a course of daily doses), and its course."""

    date: dt.date
    days: tuple[dt.date, ...]
    label: str
    course: str
    number: int  # 1 for the first dose


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def shift(start: date, unit: Unit, amount: int) -> date:
    """``start`` moved on by an amount of days, weeks or calendar months."""
    if unit == "month":
        return add_months(start, amount)
    return start + timedelta(days=amount * (7 if unit == "week" else 1))


def offset_date(first_dose: date, offset: str) -> date:
    """The date of an offset such as "day 15" (day 1 is the first dose), "week 4" or "month 12"."""
    unit, amount = parse_offset(offset)
    return shift(first_dose, unit, amount - 1 if unit == "day" else amount)


def dose_days(dosing: Dosing, *, first_dose: date, until: date, region: Region = "us") -> list[DoseDay]:
    """Every dose from ``first_dose`` to ``until`` (inclusive), at most the region's limit, in date order."""
    limit = dosing.max_doses.get(region)
    planned: list[tuple[date, int, str, str | None]] = [
        (offset_date(first_dose, d.at), d.days, d.label, d.course) for d in dosing.doses
    ]
    if dosing.repeat:
        unit, amount = parse_interval(dosing.repeat.every)
        repeat_start = offset_date(first_dose, dosing.repeat.start)
        step = 0
        while (day := shift(repeat_start, unit, amount * step)) <= until:
            planned.append((day, 1, dosing.repeat.label, None))
            step += 1
    planned.sort(key=lambda p: p[0])
    doses = []
    for number, (day, length, label, course) in enumerate(planned[:limit], 1):
        if day > until:
            break
        days = tuple(day + timedelta(days=i) for i in range(length))
        doses.append(DoseDay(date=day, days=days, label=label, course=course or f"dose-{number}", number=number))
    return doses


def course_starts(doses: list[DoseDay]) -> list[DoseDay]:
    """The first dose of each course: where "before each dose" checks fall."""
    seen: set[str] = set()
    starts = []
    for dose in doses:
        if dose.course not in seen:
            seen.add(dose.course)
            starts.append(dose)
    return starts


def last_dose_day(dosing: Dosing, *, first_dose: date, region: Region) -> date | None:
    """The last day of the last dose when the calendar ends (a finite list or a dose limit), else None."""
    limit = dosing.max_doses.get(region)
    if dosing.repeat and limit is None:
        return None
    far = add_months(first_dose, 12 * 50)
    doses = dose_days(dosing, first_dose=first_dose, until=far, region=region)
    return doses[-1].days[-1] if doses else None
