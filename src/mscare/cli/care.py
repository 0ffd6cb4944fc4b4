"""Care-tool commands: compare, monitoring, options, relapse-check, mitoxantrone-dose, appointment."""

from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path
from typing import Annotated

import typer

from mscare.ask.lexicon import load_lexicon
from mscare.care.appointment import (
    AppointmentError,
    appointment_markdown,
    appointment_summary,
    concern_choices,
)
from mscare.care.compare import CompareError, compare
from mscare.care.inputs import (
    AppointmentQuery,
    CompareQuery,
    DoseQuery,
    MonitoringQuery,
    OptionsQuery,
    RelapseQuery,
)
from mscare.care.mitoxantrone import DoseError, cumulative_dose
from mscare.care.monitoring import DEFAULT_MONTHS, Schedule, ScheduleError, monitoring_schedule, schedule_ics
from mscare.care.options import ProfileError, decision_options
from mscare.care.relapse import RelapseCheck, RelapseInputError, check_relapse, red_flag_ids
from mscare.catalogue import UnknownTherapy, default_catalogue
from mscare.cli.common import JsonFlag, app, emit_json, fail
from mscare.inputs import BadInput, parse_input
from mscare.render import REGION_NAMES, bullet, wrap
from mscare.settings import DISCLAIMER


@app.command("compare")
def compare_cmd(
    names: Annotated[list[str], typer.Argument(help="Two or more therapy names, ids or brands.")],
    as_json: JsonFlag = False,
) -> None:
    """Compare therapies side by side. Example: mscare compare tysabri ocrevus"""
    catalogue = default_catalogue()
    try:
        result = compare(names=parse_input(CompareQuery, {"names": names}).names, catalogue=catalogue)
    except BadInput as err:
        fail(str(err))
    except UnknownTherapy as err:
        fail(err.cli_message())
    except CompareError as err:
        fail(f"names: {err}.")
    if as_json:
        emit_json(result.to_json())
        return
    typer.echo(f"Comparing {' and '.join(result.names.values())} (fields that differ are marked *differs*)")
    for row in result.rows:
        mark = " *differs*" if row["differs"] else ""
        typer.echo(f"\n{row['field']}{mark}")
        for therapy_id, value in row["values"].items():  # type: ignore[attr-defined]
            typer.echo(wrap(f"  {result.names[therapy_id]}:", str(value)))
    typer.echo(f"\nSources: {', '.join(result.sources)}\n{DISCLAIMER}")


@app.command("monitoring")
def monitoring_cmd(
    name: Annotated[str, typer.Argument(help="The therapy (any name the catalogue accepts).")],
    start: Annotated[str, typer.Option(help="Date of the first dose, YYYY-MM-DD.")],
    months: Annotated[str, typer.Option(help="How many months ahead (1-120).")] = str(DEFAULT_MONTHS),
    region: Annotated[str, typer.Option(help="Whose label to follow: us, eu or uk.")] = "us",
    ics: Annotated[Path | None, typer.Option(help="Also write an .ics calendar file here.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Dose days and dated monitoring tests for a therapy, from the first dose.

    Example: mscare monitoring natalizumab --start 2026-01-15 --region eu
    """
    catalogue = default_catalogue()
    try:
        query = parse_input(MonitoringQuery, {"start": start, "months": months, "region": region.lower()})
        therapy = catalogue.lookup(name)
        schedule = monitoring_schedule(therapy=therapy, start=query.start, months=query.months, region=query.region)
    except BadInput as err:
        fail(str(err))
    except UnknownTherapy as err:
        fail(err.cli_message())
    except ScheduleError as err:
        fail(str(err))
    if ics is not None:
        try:
            ics.write_bytes(schedule_ics(schedule, therapy.generic_name))
        except OSError as err:
            fail(f"cannot write {ics}: {err.strerror}")
    if as_json:
        emit_json(schedule.to_json())
        return
    typer.echo(f"Treatment and monitoring for {therapy.display_name}: first dose {schedule.start.isoformat()}, "
               f"{schedule.months} months, {REGION_NAMES[schedule.region]} label\n")
    typer.echo(schedule_text(schedule))
    for note in schedule.notes:
        typer.echo(wrap("Note:", note))
    if ics is not None:
        typer.echo(f"Calendar written to {ics}")
    typer.echo(DISCLAIMER)


def schedule_text(schedule: Schedule) -> str:
    """The schedule grouped by day: dose days marked, then what is checked that day and why."""
    lines: list[str] = []
    for day, events in groupby(schedule.events, key=lambda e: e.date):
        lines.append(day.strftime("%d %B %Y").lstrip("0"))
        for event in events:
            if event.kind == "dose":
                lines.append(bullet("*", f"TREATMENT: {event.test}"))
            else:
                lines.append(bullet("-", f"{event.test}. Why: {event.why}"))
    return "\n".join(lines) + "\n"


@app.command("options")
def options_cmd(
    ms_type: Annotated[str, typer.Option(help="cis, rrms, active_spms, spms or ppms.")],
    age: Annotated[str | None, typer.Option(help="Age in years.")] = None,
    pregnancy_planned: Annotated[bool, typer.Option("--pregnancy-planned", help="Planning a pregnancy.")] = False,
    jcv: Annotated[str, typer.Option(help="JC virus antibody: positive, negative or unknown.")] = "unknown",
    route: Annotated[list[str] | None, typer.Option(help="Acceptable routes: oral, injection, infusion.")] = None,
    region: Annotated[str | None, typer.Option(help="Use US or EU approvals: us or eu.")] = None,
    priority: Annotated[list[str] | None, typer.Option(
        help="efficacy, fewer_side_effects, less_often or fewer_tests.")] = None,
    no_monthly_tests: Annotated[bool, typer.Option("--no-monthly-tests",
                                                   help="Rule out therapies needing monthly tests.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Therapies that fit a profile, with cited reasons. Example: mscare options --ms-type rrms --route oral"""
    try:
        query = parse_input(OptionsQuery, {
            "ms_type": ms_type, "age": age, "pregnancy_planned": pregnancy_planned, "jcv": jcv, "route": route,
            "region": region, "priority": priority, "monthly_tests_ok": not no_monthly_tests})
        result = decision_options(profile=query.profile(), catalogue=default_catalogue())
    except BadInput as err:
        fail(str(err))
    except ProfileError as err:
        fail(str(err))
    if as_json:
        emit_json(result)
        return
    for fit in result["fits"]:  # type: ignore[attr-defined]
        typer.echo(f"\n{fit['name']} ({', '.join(fit['brands'][:2])})")
        for item in fit["reasons_for"]:
            typer.echo(bullet("+", item["text"]))
        for item in fit["reasons_against"]:
            typer.echo(bullet("-", item["text"]))
    typer.echo("\nRuled out:")
    for out in result["ruled_out"]:  # type: ignore[attr-defined]
        typer.echo(bullet("-", f"{out['name']}: {'; '.join(r['text'] for r in out['reasons'])}"))
    typer.echo(f"\n{result['note']}")


def ask_warning_signs() -> list[str]:
    """One question listing the red flags by number; the answer is the numbers that apply (or nothing)."""
    flags = load_lexicon().red_flags
    typer.echo("Warning signs:")
    for number, flag in enumerate(flags, 1):
        typer.echo(f"  {number}. {flag.label}")
    while True:
        reply = typer.prompt("Numbers of any that apply (for example 1,3), or press Enter for none", default="",
                             show_default=False)
        picked = [p.strip() for p in reply.replace(" ", ",").split(",") if p.strip()]
        if all(p.isdigit() and 1 <= int(p) <= len(flags) for p in picked):
            return [flags[int(p) - 1].id for p in picked]
        typer.echo(f"Please type numbers from 1 to {len(flags)}, separated by commas.")


def ask_interactively() -> RelapseCheck:
    """The relapse-check questions, one at a time, for a person at a terminal."""
    symptoms = typer.prompt("What changed (new or worse symptoms)?")
    hours = typer.prompt("How many hours has it lasted?", type=float)
    warning_signs = ask_warning_signs()
    return RelapseCheck(
        symptoms=symptoms, hours=hours, red_flags=warning_signs,
        fever=typer.confirm("Do you have a fever?", default=False),
        infection=typer.confirm("Any sign of infection (for example burning when you pee, a cold)?", default=False),
        heat=typer.confirm("Have you been hot (weather, bath, exercise)?", default=False),
        stress=typer.confirm("Have you been under unusual stress or very tired?", default=False),
        recent_steroids=typer.confirm("Have you had a steroid course in the last month?", default=False),
    )


@app.command("relapse-check")
def relapse_check_cmd(
    symptoms: Annotated[str | None, typer.Option(help="What changed, in your words.")] = None,
    hours: Annotated[str | None, typer.Option(help="How long it has lasted, in hours.")] = None,
    fever: Annotated[bool, typer.Option("--fever")] = False,
    infection: Annotated[bool, typer.Option("--infection")] = False,
    heat: Annotated[bool, typer.Option("--heat")] = False,
    stress: Annotated[bool, typer.Option("--stress")] = False,
    recent_steroids: Annotated[bool, typer.Option("--recent-steroids")] = False,
    red_flag: Annotated[list[str] | None, typer.Option(help="A red flag: " + ", ".join(
        red_flag_ids(load_lexicon())))] = None,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Ask the questions one by one.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Relapse, pseudo-relapse or urgent? Asks interactively when run with no answers in a terminal."""
    no_answers = symptoms is None and hours is None and not red_flag
    try:
        if interactive or (no_answers and sys.stdin.isatty() and not as_json):
            answers = ask_interactively()
        else:
            answers = parse_input(RelapseQuery, {
                "symptoms": symptoms, "hours": hours, "fever": fever, "infection": infection, "heat": heat,
                "stress": stress, "recent_steroids": recent_steroids, "red_flag": red_flag}).answers()
        result = check_relapse(answers, lexicon=load_lexicon())
    except BadInput as err:
        fail(str(err))
    except RelapseInputError as err:
        fail(str(err))
    if as_json:
        emit_json(result.to_json())
        return
    typer.echo(f"Outcome: {result.outcome.replace('_', ' ')}")
    typer.echo(wrap("", result.advice).lstrip("\n"))
    for reason in result.reasons:
        typer.echo(f"  - {reason}")
    typer.echo(f"Sources: {', '.join(result.sources)}\n{DISCLAIMER}")


@app.command("mitoxantrone-dose")
def mitoxantrone_dose_cmd(
    dose: Annotated[list[str], typer.Option(help="A dose received, in mg/m² (repeat for each).")],
    as_json: JsonFlag = False,
) -> None:
    """Cumulative mitoxantrone dose against the lifetime limits. Example: --dose 12 --dose 12"""
    try:
        query = parse_input(DoseQuery, {"dose": dose})
        result = cumulative_dose(doses=query.dose, catalogue=default_catalogue())
    except BadInput as err:
        fail(str(err))
    except DoseError as err:
        fail(str(err))
    if as_json:
        emit_json(result)
        return
    typer.echo(f"Cumulative dose: {result['cumulative']} {result['unit']}")
    for region, limit in result["limits"].items():  # type: ignore[attr-defined]
        if limit is None:
            typer.echo(f"  {region.upper()}: no limit recorded")
        else:
            typer.echo(f"  {region.upper()}: limit {limit['limit']}, remaining {limit['remaining']}"
                       + (" (LIMIT REACHED)" if limit["reached"] else ""))
    typer.echo(wrap("Note:", str(result["note"])))
    typer.echo(DISCLAIMER)


@app.command("appointment")
def appointment_cmd(
    therapy: Annotated[str | None, typer.Option(help="Your current therapy.")] = None,
    concern: Annotated[list[str] | None, typer.Option(help="What to discuss: " + ", ".join(concern_choices()))] = None,
    start: Annotated[str | None, typer.Option(help="When you started the therapy (YYYY-MM-DD).")] = None,
    output_format: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    as_json: JsonFlag = False,
) -> None:
    """A printable one-page summary for your next appointment."""
    if output_format not in ("md", "html"):
        fail(f"--format must be md or html, got {output_format!r}")
    catalogue = default_catalogue()
    try:
        query = parse_input(AppointmentQuery, {"therapy": therapy, "concern": concern, "start": start})
        summary = appointment_summary(catalogue=catalogue, therapy_name=query.therapy, concerns=list(query.concern),
                                      start=query.start)
    except BadInput as err:
        fail(str(err))
    except UnknownTherapy as err:
        fail(err.cli_message())
    except (AppointmentError, ScheduleError) as err:
        fail(str(err))
    if as_json:
        emit_json(summary)
    elif output_format == "html":
        from mscare.web.care import render_appointment_html

        typer.echo(render_appointment_html(summary, catalogue))
    else:
        typer.echo(appointment_markdown(summary, catalogue))
