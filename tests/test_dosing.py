"""Dosing calendars: dose days pinned against each label, and the checks that follow them."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
import typer
from icalendar import Calendar
from typer.testing import CliRunner

from mscare.care.dosing import add_months, dose_days, offset_date
from mscare.care.monitoring import monitoring_schedule, schedule_ics
from mscare.catalogue import Catalogue
from mscare.models import Dosing, parse_interval, parse_offset, parse_when

START = date(2026, 1, 15)


def doses(catalogue: Catalogue, name: str, months: int = 24, region: str = "us") -> list[date]:
    schedule = monitoring_schedule(therapy=catalogue.lookup(name), start=START, months=months,
                                   region=region)  # type: ignore[arg-type]
    return [e.date for e in schedule.events if e.kind == "dose"]


def weeks(*numbers: int) -> list[date]:
    return [START + timedelta(weeks=n) for n in numbers]


# --- the grammar ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"),
                         [("day 1", ("day", 1)), ("week 0", ("week", 0)), ("Month 12", ("month", 12))])
def test_offsets_parse(text: str, expected: tuple[str, int]) -> None:
    assert parse_offset(text) == expected


@pytest.mark.parametrize("text", ["day 0", "fortnight 2", "week", "day -1", "month 1.5"])
def test_bad_offsets_name_the_expected_forms(text: str) -> None:
    with pytest.raises(ValueError, match='expected "day N"'):
        parse_offset(text)


@pytest.mark.parametrize("text", ["0 weeks", "every 4 weeks", "4 fortnights", ""])
def test_bad_intervals_name_the_expected_forms(text: str) -> None:
    with pytest.raises(ValueError, match='expected "N days"'):
        parse_interval(text)


def test_day_1_is_the_first_dose_and_week_0_is_the_same_day() -> None:
    assert offset_date(START, "day 1") == offset_date(START, "week 0") == offset_date(START, "month 0") == START
    assert offset_date(START, "day 15") == date(2026, 1, 29)
    assert offset_date(START, "month 1") == add_months(START, 1) == date(2026, 2, 15)


def test_after_the_last_dose_whens_parse() -> None:
    when = parse_when("every 12 months after the last dose")
    assert when.after_last and when.every == 12 and when.start == 12
    until = parse_when("every 1 month from month 1 until 48 months after the last dose")
    assert until.until_after_last == 48 and not until.after_last
    with pytest.raises(ValueError, match="one end"):
        parse_when("every 1 month until month 60 until 48 months after the last dose")


def test_a_dose_limit_by_region_caps_the_doses() -> None:
    dosing = Dosing.model_validate({"doses": [{"at": "day 1", "label": "dose"}],
                                    "repeat": {"every": "3 months", "start": "month 3", "label": "dose"},
                                    "max_doses": {"eu": 2}, "sources": ["x"]})
    far = date(2030, 1, 1)
    assert len(dose_days(dosing, first_dose=START, until=far, region="eu")) == 2
    assert len(dose_days(dosing, first_dose=START, until=far, region="us")) == 16  # months 0, 3, ..., 45


# --- every dosed therapy, pinned against its label ------------------------------------------------------


def test_ocrelizumab_split_first_dose_then_every_6_months_from_day_1(catalogue: Catalogue) -> None:
    # Ocrevus label: 300 mg on day 1 and day 15, then 600 mg every 6 months from the first infusion.
    assert doses(catalogue, "ocrevus") == [START, date(2026, 1, 29), *(add_months(START, m) for m in (6, 12, 18, 24))]


def test_ublituximab_day_15_then_every_24_weeks_from_day_1(catalogue: Catalogue) -> None:
    # Briumvi label: 150 mg day 1, 450 mg two weeks later, then 450 mg every 24 weeks from the first infusion.
    assert doses(catalogue, "briumvi") == [START, date(2026, 1, 29), *weeks(24, 48, 72, 96)]


def test_natalizumab_every_4_weeks_not_every_calendar_month(catalogue: Catalogue) -> None:
    days = doses(catalogue, "tysabri", months=12)
    assert days == weeks(*range(0, 53, 4))
    assert days[-1] == date(2027, 1, 14)  # 13 infusions in the first year, not 12 on the 15th


def test_ofatumumab_weeks_0_1_2_then_monthly_from_week_4(catalogue: Catalogue) -> None:
    week4 = START + timedelta(weeks=4)
    monthly = [add_months(week4, m) for m in range(4)]
    assert doses(catalogue, "kesimpta", months=4) == [*weeks(0, 1, 2), *monthly]


def test_ocrelizumab_under_the_skin_every_6_months(catalogue: Catalogue) -> None:
    assert doses(catalogue, "ocrevus zunovo", months=12) == [START, date(2026, 7, 15), date(2027, 1, 15)]


def test_alemtuzumab_5_day_course_then_3_day_course_12_months_later(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("alemtuzumab")
    assert therapy.dosing is not None
    courses = dose_days(therapy.dosing, first_dose=START, until=date(2030, 1, 1))
    assert [c.days for c in courses] == [
        tuple(START + timedelta(days=i) for i in range(5)),
        tuple(date(2027, 1, 15) + timedelta(days=i) for i in range(3)),
    ]
    schedule = monitoring_schedule(therapy=therapy, start=START, months=72)
    watch = [e.date for e in schedule.events if e.why.endswith("(after each dose)")]
    assert watch == [d for c in courses for d in c.days]  # observed after every infusion day
    blood = [e.date for e in schedule.events if e.test == "Full blood count with differential"]
    assert blood[-1] == date(2031, 1, 15) and max(blood) <= date(2031, 1, 17)  # 48 months after the last infusion


def test_cladribine_two_treatment_weeks_in_each_of_two_years(catalogue: Catalogue) -> None:
    assert doses(catalogue, "mavenclad", months=48) == [START, add_months(START, 1), add_months(START, 12),
                                                         add_months(START, 13)]


def test_mitoxantrone_every_3_months_to_the_region_limit(catalogue: Catalogue) -> None:
    us = doses(catalogue, "mitoxantrone", months=120, region="us")
    eu = doses(catalogue, "mitoxantrone", months=120, region="eu")
    assert us == [add_months(START, m) for m in range(0, 31, 3)] and len(us) == 11
    assert eu == [add_months(START, m) for m in range(0, 16, 3)] and len(eu) == 6
    assert doses(catalogue, "mitoxantrone", months=120, region="uk") == eu


def test_mitoxantrone_eu_heart_checks_start_after_the_sixth_dose(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("mitoxantrone")
    for region, last in (("us", add_months(START, 30)), ("eu", add_months(START, 15))):
        schedule = monitoring_schedule(therapy=therapy, start=START, months=120, region=region)  # type: ignore[arg-type]
        yearly = [e.date for e in schedule.events if e.test.lower().startswith("yearly lvef")]
        assert yearly[0] == add_months(last, 12), region
        before = [e.date for e in schedule.events if e.why.endswith("(before each dose)") and "LVEF" in e.test]
        assert before == [e.date for e in schedule.events if e.kind == "dose"], region


def test_every_dosed_therapy_has_a_cited_calendar(catalogue: Catalogue) -> None:
    dosed = {t.id for t in catalogue.therapies.values() if t.dosing}
    assert {"natalizumab", "ocrelizumab", "ocrelizumab-hyaluronidase", "ublituximab", "ofatumumab", "alemtuzumab",
            "cladribine", "mitoxantrone"} <= dosed
    for therapy_id in dosed:
        therapy = catalogue.therapies[therapy_id]
        assert therapy.dosing and set(therapy.dosing.sources) <= set(catalogue.sources), therapy_id


# --- the faces ------------------------------------------------------------------------------------------


def test_ics_holds_dose_days_as_their_own_events(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("briumvi")
    schedule = monitoring_schedule(therapy=therapy, start=START, months=12)
    events = list(Calendar.from_ical(schedule_ics(schedule, therapy.display_name)).walk("VEVENT"))
    dose_days_ics = [e.decoded("dtstart") for e in events if str(e.get("summary")).startswith("Dose ")]
    assert dose_days_ics == [START, date(2026, 1, 29), *weeks(24, 48)]


def test_cli_region_flag_and_json(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = runner.invoke(cli_app, ["monitoring", "mitoxantrone", "--start", "2026-01-15", "--months", "120",
                                     "--region", "eu", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["region"] == "eu"
    assert len([e for e in data["events"] if e["kind"] == "dose"]) == 6


def test_cli_rejects_an_unknown_region(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = runner.invoke(cli_app, ["monitoring", "mitoxantrone", "--start", "2026-01-15", "--region", "fr"])
    assert result.exit_code == 2
    assert "region: choose 'us', 'eu' or 'uk'." in result.stderr


def test_api_natalizumab_dose_days(api_client: Any) -> None:
    response = api_client.get("/api/monitoring/natalizumab", params={"start": "2026-01-15", "months": 3})
    assert response.status_code == 200
    assert [e["date"] for e in response.json()["events"] if e["kind"] == "dose"] == [
        d.isoformat() for d in weeks(0, 4, 8, 12)]
    bad = api_client.get("/api/monitoring/natalizumab", params={"start": "2026-01-15", "region": "fr"})
    assert bad.status_code == 422


def test_page_offers_the_calendar_download_grouped_by_visit(api_client: Any) -> None:
    page = api_client.get("/monitoring", params={"therapy": "ocrelizumab", "start": "2026-01-15", "months": 24})
    assert page.status_code == 200
    assert "29 January 2026" in page.text and "Treatment:</strong> Dose 2" in page.text
    assert 'href="/monitoring.ics?therapy=ocrelizumab&amp;start=2026-01-15&amp;months=24&amp;region=us"' in page.text
    ics = api_client.get("/monitoring.ics", params={"therapy": "ocrelizumab", "start": "2026-01-15", "months": 24})
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert "attachment" in ics.headers["content-disposition"]
    assert len(list(Calendar.from_ical(ics.content).walk("VEVENT"))) > 5
    assert api_client.get("/monitoring.ics", params={"therapy": "nope", "start": "2026-01-15"}).status_code == 422


def test_checks_after_listed_doses_follow_the_dose_days(catalogue: Catalogue) -> None:
    # Briumvi: observation after the first two infusions (day 1 and day 15), not by calendar month.
    therapy = catalogue.lookup("briumvi")
    schedule = monitoring_schedule(therapy=therapy, start=START, months=12)
    watched = [e.date for e in schedule.events if e.test.startswith("Observation for infusion reactions")]
    assert watched == [START, date(2026, 1, 29)]
    when = parse_when("after doses 1, 2")
    assert when.kind == "listed_doses" and when.after and when.doses == [1, 2]
    with pytest.raises(ValueError, match="start at 1"):
        parse_when("before dose 0")
