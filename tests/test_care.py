"""Care tools on the real catalogue: monitoring schedules, compare, mitoxantrone dose, relapse check,
decision options and appointment preparation, through the core and through the CLI."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import typer
from dateutil.relativedelta import relativedelta
from icalendar import Calendar
from typer.testing import CliRunner

from mscare.ask.lexicon import load_lexicon
from mscare.care.appointment import (
    AppointmentError,
    appointment_content,
    appointment_markdown,
    appointment_summary,
    concern_choices,
)
from mscare.care.compare import CompareError, compare
from mscare.care.mitoxantrone import DoseError, cumulative_dose
from mscare.care.monitoring import (
    MAX_MONTHS,
    ScheduleError,
    add_months,
    monitoring_schedule,
    schedule_ics,
)
from mscare.care.options import Profile, ProfileError, decision_options
from mscare.care.relapse import RelapseCheck, RelapseInputError, check_relapse
from mscare.catalogue import Catalogue, UnknownTherapy
from mscare.models import Therapy
from mscare.settings import DISCLAIMER

START = date(2026, 1, 15)


def events_for(schedule, pattern: str) -> list[date]:
    """Dates of the events whose test matches ``pattern`` (case-insensitive)."""
    return [e.date for e in schedule.events if re.search(pattern, e.test, re.I)]


def item(therapy: Therapy, pattern: str, when: str | None = None):
    """The monitoring item whose test matches, optionally with a given ``when``; fails clearly if the record changed."""
    found = [m for m in therapy.monitoring if re.search(pattern, m.test, re.I) and (when is None or m.when == when)]
    assert found, f"{therapy.id}: no monitoring item matching {pattern!r} (when={when!r})"
    return found[0]


# --- add_months ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # clamped to the end of a short month
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 31), 13, date(2027, 2, 28)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year end
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
        (date(2026, 1, 15), 120, date(2036, 1, 15)),
        (date(2026, 3, 31), 11, date(2027, 2, 28)),
    ],
)
def test_add_months_edge_cases(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_months_agrees_with_dateutil_over_a_range_of_days() -> None:
    for day in range(1, 366, 7):
        start = date(2026, 1, 1) + relativedelta(days=day)
        for months in (1, 2, 6, 11, 12, 25, 60, 119):
            assert add_months(start, months) == start + relativedelta(months=months), (start, months)


# --- monitoring schedules -----------------------------------------------------------------------------


def test_natalizumab_jcv_antibody_tests_recur(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("natalizumab")
    retest = item(therapy, r"JC virus", when="every 6 months")
    schedule = monitoring_schedule(therapy=therapy, start=START, months=24)
    jcv = [e.date for e in schedule.events if e.test == retest.test]
    assert jcv == [date(2026, 7, 15), date(2027, 1, 15), date(2027, 7, 15), date(2028, 1, 15)]
    # and a JCV test before starting, as the baseline item asks
    assert START in events_for(schedule, r"JC virus")


def test_schedule_events_are_sorted_and_inside_the_horizon(catalogue: Catalogue) -> None:
    for name in ("natalizumab", "alemtuzumab", "cladribine", "ocrelizumab", "mitoxantrone"):
        schedule = monitoring_schedule(therapy=catalogue.lookup(name), start=START, months=36)
        dates = [e.date for e in schedule.events]
        assert dates == sorted(dates), name
        assert dates and START <= dates[0] and dates[-1] <= date(2029, 1, 15), name
        for event in schedule.events:
            assert event.sources and set(event.sources) <= set(catalogue.sources), (name, event.test)


def test_alemtuzumab_monthly_blood_tests_run_until_48_months_after_the_second_course(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("alemtuzumab")
    assert therapy.dosing is not None and therapy.dosing.doses[-1].at == "month 12"  # second course at month 12
    monthly = item(therapy, r"full blood count", when="every 1 month from month 1 until 48 months after the last dose")
    assert monthly.parsed.until_after_last == 48

    schedule = monitoring_schedule(therapy=therapy, start=START, months=72)
    counts = [e.date for e in schedule.events if e.test == monthly.test]
    # one before starting, then every month from month 1 to month 60, and nothing after
    assert counts == [add_months(START, m) for m in range(0, 61)]
    assert counts[-1] == date(2031, 1, 15)
    assert not [d for d in counts if d > date(2031, 1, 15)]


def test_alemtuzumab_monthly_tests_within_a_shorter_horizon(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("alemtuzumab")
    schedule = monitoring_schedule(therapy=therapy, start=START, months=24)
    counts = events_for(schedule, r"^full blood count")
    assert counts == [add_months(START, m) for m in range(0, 25)]


def test_cladribine_lymphocyte_counts_at_the_months_the_record_lists(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("cladribine")
    listed = item(therapy, r"^lymphocyte count", when="month 2, 6, 14, 18")
    schedule = monitoring_schedule(therapy=therapy, start=START, months=24)
    assert [e.date for e in schedule.events if e.test == listed.test] == [
        date(2026, 3, 15), date(2026, 7, 15), date(2027, 3, 15), date(2027, 7, 15)
    ]


def test_cladribine_pre_course_tests_fall_on_the_two_courses_only(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("cladribine")
    assert therapy.dosing is not None and therapy.dosing.repeat is None
    assert [d.course for d in therapy.dosing.doses] == ["year-1", "year-1", "year-2", "year-2"]
    blood = item(therapy, r"complete blood count", when="before each dose")
    schedule = monitoring_schedule(therapy=therapy, start=START, months=MAX_MONTHS)
    assert [e.date for e in schedule.events if e.test == blood.test] == [START, date(2027, 1, 15)]


def test_ocrelizumab_pre_infusion_checks_every_6_months(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("ocrelizumab")
    assert therapy.dosing is not None and therapy.dosing.repeat is not None
    infection = item(therapy, r"active infection", when="before each dose")
    schedule = monitoring_schedule(therapy=therapy, start=START, months=24)
    # both halves of the split first dose (day 1 and day 15), then every 6 months from day 1
    assert [e.date for e in schedule.events if e.test == infection.test] == [
        START, date(2026, 1, 29), *(add_months(START, m) for m in (6, 12, 18, 24))
    ]
    hep_b = item(therapy, r"hepatitis B", when="baseline")
    assert [e.date for e in schedule.events if e.test == hep_b.test] == [START]
    assert any("Breast cancer screening" in n for n in schedule.notes)  # "as clinically indicated" becomes a note


def test_mitoxantrone_heart_check_before_each_dose(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("mitoxantrone")
    assert therapy.dosing is not None and therapy.dosing.repeat and therapy.dosing.repeat.every == "3 months"
    heart = item(therapy, r"LVEF", when="before each dose")
    schedule = monitoring_schedule(therapy=therapy, start=START, months=24)
    heart_events = [e for e in schedule.events if e.test == heart.test]
    assert [e.date for e in heart_events] == [add_months(START, m) for m in range(0, 25, 3)]
    assert all(e.why.endswith("(before each dose)") for e in heart_events)


def test_mitoxantrone_schedule_proposes_no_more_doses_than_the_lifetime_limit_allows(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("mitoxantrone")
    assert therapy.dose_limit is not None
    allowed = re.search(r"at most (\d+) full doses in the US", therapy.dose_limit.note)
    assert allowed, therapy.dose_limit.note
    heart = item(therapy, r"LVEF", when="before each dose")
    schedule = monitoring_schedule(therapy=therapy, start=START, months=MAX_MONTHS)
    pre_dose_checks = [e for e in schedule.events if e.test == heart.test]
    assert len(pre_dose_checks) <= int(allowed.group(1))


@pytest.mark.parametrize("months", [0, -1, MAX_MONTHS + 1, 500])
def test_months_out_of_range_raise_schedule_error(catalogue: Catalogue, months: int) -> None:
    with pytest.raises(ScheduleError, match=rf"between 1 and {MAX_MONTHS}, got {months}"):
        monitoring_schedule(therapy=catalogue.lookup("natalizumab"), start=START, months=months)


@pytest.mark.parametrize("months", [1, MAX_MONTHS])
def test_months_at_the_bounds_are_accepted(catalogue: Catalogue, months: int) -> None:
    schedule = monitoring_schedule(therapy=catalogue.lookup("natalizumab"), start=START, months=months)
    assert schedule.months == months
    assert schedule.events[-1].date <= add_months(START, months)


def test_a_therapy_without_monitoring_gets_a_note_not_silence(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("baclofen").model_copy(update={"monitoring": []})
    schedule = monitoring_schedule(therapy=therapy, start=START)
    assert schedule.events == []
    assert len(schedule.notes) == 1
    assert "lists no scheduled monitoring tests" in schedule.notes[0]
    assert therapy.generic_name in schedule.notes[0]


def test_schedule_ics_round_trips(catalogue: Catalogue) -> None:
    therapy = catalogue.lookup("cladribine")
    schedule = monitoring_schedule(therapy=therapy, start=START, months=24)
    calendar = Calendar.from_ical(schedule_ics(schedule, therapy.generic_name))
    vevents = list(calendar.walk("VEVENT"))
    assert len(vevents) == len(schedule.events) > 0
    assert [v.decoded("dtstart") for v in vevents] == [e.date for e in schedule.events]
    assert [str(v.get("summary")) for v in vevents] == [
        f"{e.test} ({therapy.generic_name})" if e.kind == "dose" else f"Check: {e.test} ({therapy.generic_name})"
        for e in schedule.events
    ]
    assert len({str(v.get("uid")) for v in vevents}) == len(vevents)
    assert "not personal medical advice" in str(vevents[0].get("description"))


def test_schedule_json_shape(catalogue: Catalogue) -> None:
    data = monitoring_schedule(therapy=catalogue.lookup("natalizumab"), start=START).to_json()
    assert data["therapy"] == "natalizumab"
    assert data["start"] == "2026-01-15"
    assert set(data["events"][0]) == {"date", "kind", "test", "why", "sources"}


# --- compare ------------------------------------------------------------------------------------------


def test_compare_two_therapies_by_brand(catalogue: Catalogue) -> None:
    result = compare(names=["tysabri", "ocrevus"], catalogue=catalogue, today=date(2026, 11, 25))
    assert result.therapies == ["natalizumab", "ocrelizumab"]
    assert len(result.rows) >= 10
    for row in result.rows:
        values = row["values"]
        assert set(values) == {"natalizumab", "ocrelizumab"}
        assert row["differs"] == (values["natalizumab"] != values["ocrelizumab"])
    by_field = {row["field"]: row for row in result.rows}
    natalizumab, ocrelizumab = catalogue.therapies["natalizumab"], catalogue.therapies["ocrelizumab"]
    assert by_field["drug class"]["values"] == {"natalizumab": natalizumab.drug_class,
                                                "ocrelizumab": ocrelizumab.drug_class}
    assert by_field["MS types"]["differs"] is ("ppms" in ocrelizumab.ms_types) != ("ppms" in natalizumab.ms_types)
    assert set(result.sources) == natalizumab.cited() | ocrelizumab.cited()


def test_compare_marks_equal_fields_as_not_differing(catalogue: Catalogue) -> None:
    im, sc = catalogue.therapies["interferon-beta-1a-im"], catalogue.therapies["interferon-beta-1a-sc"]
    result = compare(names=["Avonex", "Rebif"], catalogue=catalogue)
    by_field = {row["field"]: row for row in result.rows}
    assert by_field["MS types"]["differs"] is (im.ms_types != sc.ms_types)
    assert by_field["how it is given"]["differs"] is (im.routes != sc.routes)


def test_compare_puts_what_differs_first_in_plain_words(catalogue: Catalogue) -> None:
    result = compare(names=["Tecfidera", "Vumerity"], catalogue=catalogue)
    flags = [row["differs"] for row in result.rows]
    assert flags == sorted(flags, reverse=True)  # every differing row before every equal one
    by_field = {row["field"]: row for row in result.rows}
    assert by_field["how it is given"]["values"] == {"dimethyl-fumarate": "by mouth", "diroximel-fumarate": "by mouth"}
    assert "common side effects" in by_field and "good to know" in by_field
    assert result.names == {"dimethyl-fumarate": "dimethyl fumarate (Tecfidera)",
                            "diroximel-fumarate": "diroximel fumarate (Vumerity)"}


@pytest.mark.parametrize("names", [["tysabri"], ["tysabri", "natalizumab"], ["Tysabri", "tysabry", "NTZ"], []])
def test_compare_needs_two_distinct_therapies(catalogue: Catalogue, names: list[str]) -> None:
    with pytest.raises(CompareError, match="at least two different therapies"):
        compare(names=names, catalogue=catalogue)


def test_compare_unknown_name_raises_unknown_therapy(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownTherapy):
        compare(names=["tysabri", "zzzz"], catalogue=catalogue)


# --- mitoxantrone cumulative dose ---------------------------------------------------------------------


def test_cumulative_dose_against_the_record_limits(catalogue: Catalogue) -> None:
    limit = catalogue.therapies["mitoxantrone"].dose_limit
    assert limit is not None and limit.us is not None and limit.eu is not None
    result = cumulative_dose(doses=[12, 12, 10.5], catalogue=catalogue)
    assert result["cumulative"] == 34.5
    assert result["unit"] == limit.unit
    assert result["limits"] == {
        "us": {"limit": limit.us, "remaining": limit.us - 34.5, "reached": False},
        "eu": {"limit": limit.eu, "remaining": limit.eu - 34.5, "reached": False},
    }
    assert result["sources"] == limit.sources


def test_cumulative_dose_reaching_a_limit(catalogue: Catalogue) -> None:
    limit = catalogue.therapies["mitoxantrone"].dose_limit
    assert limit is not None and limit.eu is not None and limit.us is not None
    doses = [12.0] * 7  # 84 mg/m2
    result = cumulative_dose(doses=doses, catalogue=catalogue)
    eu, us = result["limits"]["eu"], result["limits"]["us"]
    assert eu["reached"] is (84 >= limit.eu)
    assert eu["remaining"] == max(limit.eu - 84, 0)
    assert us["reached"] is (84 >= limit.us)
    assert us["remaining"] == max(limit.us - 84, 0)


@pytest.mark.parametrize(("doses", "message"), [
    ([12, -3], "must be positive"),
    ([0], "must be positive"),
    ([], "at least one dose"),
    ([250], "not plausible"),
])
def test_bad_doses_raise_dose_error(catalogue: Catalogue, doses: list[float], message: str) -> None:
    with pytest.raises(DoseError, match=message):
        cumulative_dose(doses=doses, catalogue=catalogue)


# --- relapse check ------------------------------------------------------------------------------------


def relapse(**answers) -> object:
    return check_relapse(RelapseCheck(**answers), lexicon=load_lexicon())


def test_fever_suggests_a_pseudo_relapse() -> None:
    result = relapse(symptoms="the tingling in my hands came back", hours=30, fever=True)
    assert result.outcome == "possible_pseudo_relapse"
    assert "a possible trigger is present: fever" in result.reasons
    assert "pseudo-relapse" in result.advice


def test_heat_and_infection_are_named_as_triggers() -> None:
    result = relapse(symptoms="old numbness is back", hours=30, heat=True, infection=True)
    assert result.outcome == "possible_pseudo_relapse"
    assert result.reasons == ["a possible trigger is present: infection", "a possible trigger is present: heat"]


def test_48_hours_without_triggers_is_a_likely_relapse() -> None:
    result = relapse(symptoms="legs weak", hours=48)
    assert result.outcome == "likely_relapse"
    assert "contact your ms team" in result.advice.lower()
    assert result.sources


def test_exactly_24_hours_meets_the_definition() -> None:
    assert relapse(symptoms="legs weak", hours=24).outcome == "likely_relapse"
    assert relapse(symptoms="legs weak", hours=23.5).outcome == "unclear"


def test_sudden_vision_loss_is_urgent() -> None:
    result = relapse(symptoms="sudden loss of vision in my left eye", hours=2)
    assert result.outcome == "urgent"
    assert result.advice.startswith("Seek urgent care now.")
    assert "Warning sign: Sudden loss or blurring of vision" in result.reasons


def test_urgent_relapse_advice_is_worded_as_in_urgent_yaml() -> None:
    from mscare.urgent import urgent_advice

    result = relapse(symptoms="sudden loss of vision in my left eye", hours=2)
    assert result.advice == f"Seek urgent care now. {urgent_advice('vision-loss').text}"
    assert set(urgent_advice("vision-loss").sources) <= set(result.sources)


def test_a_red_flag_beats_a_trigger() -> None:
    result = relapse(symptoms="sudden loss of vision in my left eye", hours=48, heat=True)
    assert result.outcome == "urgent"


def test_weakness_with_a_fever_described_in_words_is_urgent() -> None:
    result = relapse(symptoms="my legs got much weaker and I have a fever", hours=30)
    assert result.outcome == "urgent"
    assert "Warning sign: Fever or infection with new weakness or confusion" in result.reasons


def test_six_hours_is_unclear() -> None:
    result = relapse(symptoms="legs weak", hours=6)
    assert result.outcome == "unclear"
    assert result.reasons == ["symptoms have lasted 6 hours (under 24)"]


def test_unknown_duration_is_unclear() -> None:
    assert relapse(symptoms="legs weak", hours=None).outcome == "unclear"


def test_missing_symptoms_are_not_reported_as_an_unknown_duration() -> None:
    result = relapse(symptoms="", hours=48)
    assert result.outcome == "unclear"
    assert not any("not known" in r and "how long" in r for r in result.reasons)


def test_negative_hours_raise() -> None:
    with pytest.raises(RelapseInputError, match="hours must be zero or more"):
        relapse(symptoms="legs weak", hours=-1)


def test_unknown_red_flag_raises() -> None:
    with pytest.raises(RelapseInputError, match="unknown red flag 'nosebleed'"):
        relapse(symptoms="legs weak", hours=2, red_flags=["nosebleed"])


# --- decision options ---------------------------------------------------------------------------------


def test_ppms_keeps_ocrelizumab_and_rules_out_interferons(catalogue: Catalogue) -> None:
    result = decision_options(profile=Profile(ms_type="ppms"), catalogue=catalogue)
    fits = {f["id"] for f in result["fits"]}
    assert "ocrelizumab" in fits
    assert fits == {t.id for t in catalogue.by_category("dmt") if "ppms" in t.ms_types
                    and "approved" in (t.approvals.us.status, t.approvals.eu.status)}
    ruled_out = {o["id"]: o["reasons"] for o in result["ruled_out"]}
    for interferon in ("interferon-beta-1a-im", "interferon-beta-1a-sc", "interferon-beta-1b",
                       "peginterferon-beta-1a"):
        texts = [r["text"] for r in ruled_out[interferon]]
        assert "not indicated for ppms on its label" in texts


def test_oral_route_rules_out_infusions(catalogue: Catalogue) -> None:
    result = decision_options(profile=Profile(ms_type="rrms", routes=["oral"]), catalogue=catalogue)
    for fit in result["fits"]:
        assert "oral" in catalogue.therapies[fit["id"]].routes, fit["id"]
    ruled_out = {o["id"]: [r["text"] for r in o["reasons"]] for o in result["ruled_out"]}
    for infusion in ("natalizumab", "ocrelizumab", "alemtuzumab"):
        assert any("not a route you chose" in t for t in ruled_out[infusion]), infusion
    assert "cladribine" in {f["id"] for f in result["fits"]}


def test_eu_region_rules_out_the_us_only_monomethyl_fumarate(catalogue: Catalogue) -> None:
    approvals = catalogue.therapies["monomethyl-fumarate"].approvals
    assert approvals.us.status == "approved" and approvals.eu.status != "approved"
    eu = decision_options(profile=Profile(ms_type="rrms", region="eu"), catalogue=catalogue)
    ruled_out = {o["id"]: [r["text"] for r in o["reasons"]] for o in eu["ruled_out"]}
    assert ruled_out["monomethyl-fumarate"] == ["not approved for MS in the EU"]
    us = decision_options(profile=Profile(ms_type="rrms", region="us"), catalogue=catalogue)
    assert "monomethyl-fumarate" in {f["id"] for f in us["fits"]}


def test_every_reason_has_sources_that_resolve(catalogue: Catalogue) -> None:
    profiles = [Profile(ms_type="rrms", jcv="positive", pregnancy_planned=True,
                        priorities=["efficacy", "fewer_side_effects", "fewer_tests"]),
                Profile(ms_type="ppms", routes=["oral"], monthly_tests_ok=False, region="eu")]
    for profile in profiles:
        result = decision_options(profile=profile, catalogue=catalogue)
        reasons = [r for f in result["fits"] for r in f["reasons_for"] + f["reasons_against"]]
        reasons += [r for o in result["ruled_out"] for r in o["reasons"]]
        assert reasons
        for reason in reasons:
            assert reason["sources"], reason["text"]
            assert set(reason["sources"]) <= set(catalogue.sources), reason


def test_jcv_positive_adds_a_reason_against_natalizumab(catalogue: Catalogue) -> None:
    def against(jcv: str) -> list[str]:
        result = decision_options(profile=Profile(ms_type="rrms", jcv=jcv), catalogue=catalogue)
        natalizumab = next(f for f in result["fits"] if f["id"] == "natalizumab")
        return [r["text"] for r in natalizumab["reasons_against"]]

    positive, negative = against("positive"), against("negative")
    assert [t for t in positive if t not in negative] == [
        "JC virus antibody positive: the risk of PML on natalizumab is higher"
    ]


def test_efficacy_priority_puts_high_efficacy_first(catalogue: Catalogue) -> None:
    result = decision_options(profile=Profile(ms_type="rrms", priorities=["efficacy"]), catalogue=catalogue)
    groups = [f["efficacy"] for f in result["fits"]]
    assert groups == sorted(groups, key=lambda g: g != "high")
    assert groups[0] == "high"


def test_no_monthly_tests_rules_out_alemtuzumab(catalogue: Catalogue) -> None:
    result = decision_options(profile=Profile(ms_type="rrms", monthly_tests_ok=False), catalogue=catalogue)
    ruled_out = {o["id"]: [r["text"] for r in o["reasons"]] for o in result["ruled_out"]}
    assert any(t.startswith("needs monthly tests") for t in ruled_out["alemtuzumab"])


@pytest.mark.parametrize("profile", [
    Profile(ms_type="relapsing"), Profile(ms_type="rrms", jcv="maybe"), Profile(ms_type="rrms", routes=["patch"]),
    Profile(ms_type="rrms", region="uk"), Profile(ms_type="rrms", priorities=["price"]), Profile(ms_type="rrms", age=0),
])
def test_bad_profiles_raise(catalogue: Catalogue, profile: Profile) -> None:
    with pytest.raises(ProfileError):
        decision_options(profile=profile, catalogue=catalogue)


def test_options_never_recommend(catalogue: Catalogue) -> None:
    result = decision_options(profile=Profile(ms_type="rrms"), catalogue=catalogue)
    assert "not a recommendation" in result["note"]


# --- appointment --------------------------------------------------------------------------------------


def test_appointment_summary_includes_questions_monitoring_and_disclaimer(catalogue: Catalogue) -> None:
    summary = appointment_summary(catalogue=catalogue, therapy_name="Mavenclad", concerns=["pregnancy"],
                                  start=START, today=date(2026, 2, 1))
    pregnancy = appointment_content()["concerns"]["pregnancy"]
    assert summary["therapy"]["id"] == "cladribine"
    assert [c["id"] for c in summary["concerns"]] == ["pregnancy"]
    assert summary["concerns"][0]["questions"] == pregnancy["questions"]
    # The record asks for lymphocyte counts at month 2: 15 March 2026 is within 3 months of 1 February.
    assert {"date": "2026-03-15", "test": "lymphocyte count"} in summary["monitoring_due"]
    assert all("2026-02-01" <= e["date"] <= "2026-05-04" for e in summary["monitoring_due"])
    assert summary["note"] == DISCLAIMER
    assert set(pregnancy["sources"]) <= set(summary["sources"])

    markdown = appointment_markdown(summary, catalogue)
    assert markdown.startswith("# My MS appointment")
    assert "## Tests due in the next 3 months" in markdown
    assert "- 2026-03-15: lymphocyte count" in markdown
    assert f"## {pregnancy['label']}" in markdown
    for question in pregnancy["questions"]:
        assert f"- [ ] {question}" in markdown
    assert f"*{DISCLAIMER}*" in markdown
    for source in catalogue.sources_of(summary["sources"]):
        assert source.url in markdown


def test_appointment_without_concerns_lists_them_all(catalogue: Catalogue) -> None:
    summary = appointment_summary(catalogue=catalogue, concerns=[])
    assert [c["id"] for c in summary["concerns"]] == concern_choices()
    assert summary["therapy"] is None and summary["monitoring_due"] == []


def test_appointment_unknown_concern_raises(catalogue: Catalogue) -> None:
    with pytest.raises(AppointmentError, match="unknown concern 'money'"):
        appointment_summary(catalogue=catalogue, concerns=["pregnancy", "money"])


def test_appointment_unknown_therapy_raises(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownTherapy):
        appointment_summary(catalogue=catalogue, therapy_name="zzzz", concerns=["pregnancy"])


# --- CLI ----------------------------------------------------------------------------------------------


def invoke(runner: CliRunner, app: typer.Typer, *args: str):
    return runner.invoke(app, list(args))


def test_cli_monitoring_json(runner: CliRunner, cli_app: typer.Typer, catalogue: Catalogue) -> None:
    result = invoke(runner, cli_app, "monitoring", "natalizumab", "--start", "2026-01-15", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"therapy", "events", "notes"} <= set(data)
    assert data["therapy"] == "natalizumab"
    for event in data["events"]:
        assert set(event) == {"date", "kind", "test", "why", "sources"}
        date.fromisoformat(event["date"])
    expected = monitoring_schedule(therapy=catalogue.lookup("natalizumab"), start=START).to_json()
    assert data["events"] == expected["events"]
    assert "2026-07-15" in [e["date"] for e in data["events"] if "JC virus" in e["test"]]


def test_cli_monitoring_text(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "monitoring", "tysabri", "--start", "2026-01-15", "--months", "12")
    assert result.exit_code == 0, result.output
    heading = "Treatment and monitoring for natalizumab (Tysabri): first dose 2026-01-15, 12 months, US label"
    assert heading in result.stdout
    assert "15 July 2026" in result.stdout  # the 6-month JC virus retest
    assert "TREATMENT: Dose 2: 300 mg IV infusion" in result.stdout
    assert "\n  - \n" not in result.stdout and "\n  + \n" not in result.stdout  # no empty bullets
    assert "not personal medical advice" in result.stdout


def test_cli_monitoring_rejects_an_impossible_date(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "monitoring", "natalizumab", "--start", "2026-02-30")
    assert result.exit_code == 2
    assert "start: enter a real date as YYYY-MM-DD, for example 2026-01-15." in result.stderr


def test_cli_monitoring_rejects_months_out_of_range(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "monitoring", "natalizumab", "--start", "2026-01-15", "--months", "500")
    assert result.exit_code == 2
    assert "months: enter a number from 1 to 120." in result.stderr


def test_cli_monitoring_unknown_therapy(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "monitoring", "zzzz", "--start", "2026-01-15")
    assert result.exit_code == 2
    assert "No therapy called 'zzzz'" in result.stderr


def test_cli_monitoring_writes_an_ics_file(runner: CliRunner, cli_app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "alemtuzumab.ics"
    result = invoke(runner, cli_app, "monitoring", "alemtuzumab", "--start", "2026-01-15", "--months", "60",
                    "--ics", str(path), "--json")
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)["events"]
    vevents = list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
    assert len(vevents) == len(events)
    assert [v.decoded("dtstart").isoformat() for v in vevents] == [e["date"] for e in events]


def test_cli_monitoring_ics_to_an_unwritable_place(runner: CliRunner, cli_app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "x.ics"
    result = invoke(runner, cli_app, "monitoring", "alemtuzumab", "--start", "2026-01-15", "--ics", str(path))
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_cli_compare_json(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "compare", "tysabri", "ocrevus", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"therapies", "rows"} <= set(data)
    assert data["therapies"] == ["natalizumab", "ocrelizumab"]
    for row in data["rows"]:
        assert set(row) == {"field", "values", "differs", "sources"}
        assert all(row["sources"][t] for t in row["values"])  # every cell is cited
        assert set(row["values"]) == {"natalizumab", "ocrelizumab"}
        assert row["differs"] == (len(set(row["values"].values())) > 1)


def test_cli_compare_needs_two(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "compare", "tysabri", "natalizumab")
    assert result.exit_code == 2
    assert "at least two different therapies" in result.stderr


def test_cli_relapse_check_json(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "relapse-check", "--symptoms", "legs weak", "--hours", "48", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"outcome", "advice", "reasons", "sources"}
    assert data["outcome"] == "likely_relapse"


def test_cli_relapse_check_fever_flag(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "relapse-check", "--symptoms", "old tingling is back", "--hours", "30",
                    "--fever", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outcome"] == "possible_pseudo_relapse"


def test_cli_relapse_check_negative_hours(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "relapse-check", "--symptoms", "legs weak", "--hours", "-2")
    assert result.exit_code == 2
    assert "hours: enter a number of hours from 0 to 8760 (a year)." in result.stderr


def test_cli_mitoxantrone_dose_json(runner: CliRunner, cli_app: typer.Typer, catalogue: Catalogue) -> None:
    limit = catalogue.therapies["mitoxantrone"].dose_limit
    assert limit is not None and limit.us is not None and limit.eu is not None
    result = invoke(runner, cli_app, "mitoxantrone-dose", "--dose", "12", "--dose", "12", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["cumulative"] == 24
    assert data["limits"]["us"]["remaining"] == limit.us - 24
    assert data["limits"]["eu"]["remaining"] == limit.eu - 24


def test_cli_mitoxantrone_negative_dose(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "mitoxantrone-dose", "--dose", "-3")
    assert result.exit_code == 2
    assert "dose: enter each dose as a number of mg/m² above 0." in result.stderr


def test_cli_options_json(runner: CliRunner, cli_app: typer.Typer, catalogue: Catalogue) -> None:
    result = invoke(runner, cli_app, "options", "--ms-type", "rrms", "--route", "oral", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"profile", "fits", "ruled_out", "note"} <= set(data)
    assert data["fits"]
    for fit in data["fits"]:
        assert "oral" in catalogue.therapies[fit["id"]].routes
    assert "natalizumab" in {o["id"] for o in data["ruled_out"]}


def test_cli_options_bad_ms_type(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "options", "--ms-type", "relapsing")
    assert result.exit_code == 2
    assert "ms_type: choose 'cis', 'rrms', 'active_spms', 'spms' or 'ppms'." in result.stderr


def test_cli_appointment_prints_markdown(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "appointment", "--therapy", "cladribine", "--concern", "pregnancy")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("# My MS appointment")
    assert "**Current treatment:** cladribine" in out
    assert "## Pregnancy and family planning" in out
    for question in appointment_content()["concerns"]["pregnancy"]["questions"]:
        assert f"- [ ] {question}" in out
    assert "## Switching treatment" not in out  # only the chosen concern
    assert DISCLAIMER in out


def test_cli_appointment_unknown_concern(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "appointment", "--concern", "money")
    assert result.exit_code == 2
    assert "unknown concern 'money'" in result.stderr


def test_relapse_check_interactive_prompts(runner, cli_app) -> None:
    answers = "\n".join(["my left leg is numb and weak", "30", "", "n", "n", "n", "n", "n"]) + "\n"
    result = runner.invoke(cli_app, ["relapse-check", "--interactive"], input=answers)
    assert result.exit_code == 0, result.output
    assert "Warning signs:" in result.output and "Outcome: likely relapse" in result.output
    urgent = runner.invoke(cli_app, ["relapse-check", "-i"], input="blurry eye\n3\nx\n1\nn\nn\nn\nn\nn\n")
    assert "Please type numbers" in urgent.output and "Outcome: urgent" in urgent.output


def test_options_use_the_chosen_regions_own_indication(catalogue) -> None:
    from mscare.care.options import Profile, decision_options

    eu = decision_options(profile=Profile(ms_type="rrms", region="eu"), catalogue=catalogue)
    ruled = {r["id"]: r["reasons"] for r in eu["ruled_out"]}
    fits = {f["id"] for f in eu["fits"]}
    # Siponimod's EU licence is for secondary progressive MS only; the US label covers relapsing forms.
    assert "siponimod" in ruled and "secondary progressive" in ruled["siponimod"][0]["text"]
    us = decision_options(profile=Profile(ms_type="rrms", region="us"), catalogue=catalogue)
    assert "siponimod" in {f["id"] for f in us["fits"]}
    # Glatiramer acetate has no central EU licence but is licensed country by country.
    assert "glatiramer-acetate" in fits


def test_cli_compare_names_therapies_as_people_know_them(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "compare", "tecfidera", "vumerity")
    assert result.exit_code == 0, result.output
    assert "Comparing dimethyl fumarate (Tecfidera) and diroximel fumarate (Vumerity)" in result.stdout
    assert "  dimethyl fumarate (Tecfidera):" in result.stdout
    assert "dimethyl-fumarate:" not in result.stdout


def test_cli_options_bullets_carry_their_text(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = invoke(runner, cli_app, "options", "--ms-type", "rrms", "--route", "oral")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("  + ") and len(line) > 6 for line in lines)
    assert not [line for line in lines if line.strip() in {"+", "-"}]
