"""Pages: the care tools (compare, monitoring, relapse check, options, mitoxantrone dose, appointment)."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mscare.ask.lexicon import load_lexicon
from mscare.care.appointment import AppointmentError, appointment_summary, concern_choices
from mscare.care.compare import MAX_NAMES_CHARS, CompareError, compare
from mscare.care.inputs import AppointmentQuery, CompareQuery, DoseQuery, MonitoringQuery, OptionsQuery, RelapseQuery
from mscare.care.mitoxantrone import DoseError, cumulative_dose
from mscare.care.monitoring import DEFAULT_MONTHS, Schedule, ScheduleError, monitoring_schedule, schedule_ics
from mscare.care.options import MS_TYPES, PRIORITIES, ROUTE_GROUPS, ProfileError, decision_options
from mscare.care.relapse import RelapseInputError, check_relapse
from mscare.catalogue import Catalogue, UnknownTherapy
from mscare.inputs import BadInput, InputProblem, parse_input
from mscare.models import Therapy
from mscare.settings import DISCLAIMER, MAX_QUESTION_CHARS
from mscare.web.common import ListParam, citation_numbers, environment, error_page, page, title_for

router = APIRouter(include_in_schema=False)


def picker_choices(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(value, label) for the compare picker: every generic name (by id) and every brand (by name), sorted."""
    choices = {(t.id, t.display_name) for t in catalogue.by_category()}
    choices |= {(brand, f"{brand} ({t.generic_name})") for t in catalogue.by_category() for brand in t.brands}
    return sorted(choices, key=lambda c: c[1].lower())


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, names: str = "", pick: ListParam = None) -> HTMLResponse:
    catalogue = request.app.state.catalogue
    picked = [n.strip() for n in names.split(",") if n.strip()] + [p for p in pick or [] if p.strip()]
    result, error = None, None
    if len(names) > MAX_NAMES_CHARS:
        error, picked = f"Please name fewer therapies (at most {MAX_NAMES_CHARS} characters).", []
    if picked or (pick is not None and not error):
        try:
            result = compare(names=list(parse_input(CompareQuery, {"names": picked}).names), catalogue=catalogue)
        except BadInput as err:
            error = str(err)
        except (UnknownTherapy, CompareError) as err:
            error = err.message() if isinstance(err, UnknownTherapy) else f"names: {err}."
    title = f"Compare {' and '.join(result.names.values())}" if result else "Compare therapies"
    sources = catalogue.sources_of(result.sources) if result else []
    return page(request, "compare.html", status=422 if error else 200, title=title_for(title, error),
                result=result, error=error, names=names, choices=picker_choices(catalogue),
                picked=[p for p in pick] if pick else (result.therapies if result else []),
                sources=sources, numbers=citation_numbers(sources))


def page_schedule(request: Request, therapy: str, start: str, months: str, region: str
                  ) -> tuple[Schedule | None, Therapy | None, list[InputProblem]]:
    """The schedule a monitoring form asks for, or the problems to fix (one per field)."""
    try:
        query = parse_input(MonitoringQuery, {"start": start or date.today().isoformat(), "months": months,
                                              "region": region})
        record = request.app.state.catalogue.lookup(therapy)
        schedule = monitoring_schedule(therapy=record, start=query.start, months=query.months, region=query.region)
        return schedule, record, []
    except BadInput as err:
        return None, None, err.problems
    except UnknownTherapy as err:
        return None, None, [InputProblem("therapy", err.message())]
    except ScheduleError as err:
        return None, None, [InputProblem("start", str(err))]


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring_page(request: Request, therapy: str = "", start: str = "", months: str = str(DEFAULT_MONTHS),
                    region: str = "us") -> HTMLResponse:
    catalogue = request.app.state.catalogue
    schedule, record, problems = page_schedule(request, therapy, start, months, region) if therapy else (None, None, [])
    sources = catalogue.sources_of([s for e in schedule.events for s in e.sources]) if schedule else []
    visits = [(day, list(events)) for day, events in groupby(schedule.events, key=lambda e: e.date)] if schedule else []
    this_year = visits[0][0].year if visits else None
    title = f"Calendar for {record.display_name}" if record else "Treatment and monitoring calendar"
    return page(request, "monitoring.html", status=422 if problems else 200, title=title_for(title, problems),
                schedule=schedule, record=record, problems=problems, therapy=therapy, start=start, months=months,
                region=region, visits=visits, this_year=this_year,
                therapies=[t for t in catalogue.by_category() if t.monitoring or t.dosing], sources=sources)


@router.get("/monitoring.ics")
def monitoring_calendar(request: Request, therapy: str = "", start: str = "", months: str = str(DEFAULT_MONTHS),
                        region: str = "us") -> Response:
    """The same schedule as a calendar file to import into a phone or computer calendar."""
    schedule, record, problems = page_schedule(request, therapy, start, months, region)
    if schedule is None or record is None:
        return error_page(request, 422 if therapy else 404,
                          "; ".join(p.message for p in problems) or "Choose a therapy first.")
    filename = f"mscare-{record.id}-{schedule.start.isoformat()}.ics"
    return Response(schedule_ics(schedule, record.display_name), media_type="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/relapse-check", response_class=HTMLResponse)
def relapse_page(request: Request, symptoms: str = "", hours: str = "", fever: bool = False, infection: bool = False,
                 heat: bool = False, stress: bool = False, recent_steroids: bool = False,
                 red_flag: ListParam = None, submitted: bool = False) -> HTMLResponse:
    result, problems = None, []
    if submitted:
        try:
            query = parse_input(RelapseQuery, {
                "symptoms": symptoms[:MAX_QUESTION_CHARS], "hours": hours, "fever": fever, "infection": infection,
                "heat": heat, "stress": stress, "recent_steroids": recent_steroids, "red_flag": red_flag})
            result = check_relapse(query.answers(), lexicon=load_lexicon())
        except BadInput as err:
            problems = err.problems
        except RelapseInputError as err:
            problems = [InputProblem("symptoms", f"red_flag: {err}")]
    sources = request.app.state.catalogue.sources_of(result.sources) if result else []
    outcomes = {"urgent": "Urgent: seek care now", "likely_relapse": "Likely relapse: contact your MS team today",
                "possible_pseudo_relapse": "Possible pseudo-relapse", "unclear": "Not enough to say"}
    title = f"{outcomes[result.outcome]} - relapse check" if result else "Relapse check"
    return page(request, "relapse.html", status=422 if problems else 200, title=title_for(title, problems),
                result=result, outcomes=outcomes, problems=problems,
                flags=[(f.id, f.label) for f in load_lexicon().red_flags],
                form={"symptoms": symptoms, "hours": hours, "fever": fever, "infection": infection, "heat": heat,
                      "stress": stress, "recent_steroids": recent_steroids, "red_flag": red_flag or []},
                sources=sources)


@router.get("/options", response_class=HTMLResponse)
def options_page(request: Request, ms_type: str = "", age: str = "", pregnancy_planned: bool = False,
                 jcv: str = "unknown", route: ListParam = None, region: str = "",
                 priority: ListParam = None, no_monthly_tests: bool = False) -> HTMLResponse:
    result, problems = None, []
    if ms_type:
        try:
            query = parse_input(OptionsQuery, {
                "ms_type": ms_type, "age": age, "pregnancy_planned": pregnancy_planned, "jcv": jcv, "route": route,
                "region": region or None, "priority": priority, "monthly_tests_ok": not no_monthly_tests})
            result = decision_options(profile=query.profile(), catalogue=request.app.state.catalogue)
        except BadInput as err:
            problems = err.problems
        except ProfileError as err:
            problems = [InputProblem("ms_type", str(err))]
    fits = cast(list[dict[str, Any]], result["fits"]) if result else []
    cited = [sid for f in fits for r in [*f["reasons_for"], *f["reasons_against"]] for sid in r["sources"]]
    sources = request.app.state.catalogue.sources_of(list(dict.fromkeys(cited)))
    title = f"{len(fits)} therapies fit - treatment options" if result else "Treatment options"
    return page(request, "options.html", status=422 if problems else 200, title=title_for(title, problems),
                result=result, problems=problems,
                sources=sources, numbers=citation_numbers(sources), cited_once={"seen": []},
                ms_types=MS_TYPES, routes=list(ROUTE_GROUPS), priorities=PRIORITIES,
                form={"ms_type": ms_type, "age": age, "pregnancy_planned": pregnancy_planned, "jcv": jcv,
                      "route": route or [], "region": region, "priority": priority or [],
                      "no_monthly_tests": no_monthly_tests},
                catalogue=request.app.state.catalogue)


@router.get("/mitoxantrone-dose", response_class=HTMLResponse)
def mitoxantrone_page(request: Request, doses: str = "") -> HTMLResponse:
    result, problems = None, []
    if doses.strip():
        try:
            query = parse_input(DoseQuery, {"dose": [d for d in doses.replace(";", ",").split(",") if d.strip()]})
            result = cumulative_dose(doses=query.dose, catalogue=request.app.state.catalogue)
        except BadInput as err:
            problems = err.problems
        except DoseError as err:
            problems = [InputProblem("dose", f"dose: {err}")]
    sources = request.app.state.catalogue.sources_of(result["sources"]) if result else []
    title = title_for("Mitoxantrone cumulative dose", problems)
    return page(request, "mitoxantrone.html", status=422 if problems else 200, title=title,
                result=result, problems=problems, doses=doses, sources=sources)


@router.get("/appointment", response_class=HTMLResponse)
def appointment_page(request: Request, therapy: str = "", concern: ListParam = None, start: str = "",
                     submitted: bool = False) -> HTMLResponse:
    catalogue = request.app.state.catalogue
    summary, problems = None, []
    if submitted:
        try:
            query = parse_input(AppointmentQuery, {"therapy": therapy, "concern": concern, "start": start})
            summary = appointment_summary(catalogue=catalogue, therapy_name=query.therapy,
                                          concerns=list(query.concern), start=query.start)
        except BadInput as err:
            problems = err.problems
        except UnknownTherapy as err:
            problems = [InputProblem("therapy", err.message())]
        except (AppointmentError, ScheduleError) as err:
            problems = [InputProblem("start" if isinstance(err, ScheduleError) else "concern", str(err))]
    title = title_for("Prepare for your appointment", problems)
    return page(request, "appointment.html", status=422 if problems else 200, title=title,
                summary=summary, problems=problems, choices=concern_choices(), therapies=catalogue.by_category(),
                form={"therapy": therapy, "concern": concern or [], "start": start},
                sources=catalogue.sources_of(summary["sources"]) if summary else [])


def render_appointment_html(summary: dict[str, Any], catalogue: Catalogue) -> str:
    """The print-ready appointment page as a standalone HTML document (for ``--format html``)."""
    return environment().get_template("appointment_print.html").render(
        summary=summary, sources=catalogue.sources_of(summary["sources"]), disclaimer=DISCLAIMER)
