"""API: the care tools."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from mscare.api.common import bad_request, unknown_therapy
from mscare.ask.lexicon import load_lexicon
from mscare.care.appointment import AppointmentError, appointment_summary
from mscare.care.compare import MAX_NAMES_CHARS, CompareError, compare
from mscare.care.inputs import DoseQuery, MonitoringQuery
from mscare.care.mitoxantrone import DoseError, cumulative_dose
from mscare.care.monitoring import ScheduleError, monitoring_schedule
from mscare.care.options import Profile, ProfileError, decision_options
from mscare.care.relapse import RelapseCheck, RelapseInputError, check_relapse
from mscare.catalogue import UnknownTherapy
from mscare.settings import MAX_QUESTION_CHARS

router = APIRouter()


@router.get("/api/compare", tags=["care"], response_model=None)
def compare_route(request: Request, names: Annotated[str, Query(min_length=1, max_length=MAX_NAMES_CHARS)]
                  ) -> dict[str, Any] | JSONResponse:
    """Compare therapies: ``names`` is a comma-separated list."""
    try:
        return compare(names=[n for n in names.split(",") if n.strip()], catalogue=request.app.state.catalogue
                       ).to_json()
    except UnknownTherapy as err:
        return unknown_therapy(err, ["query", "names"])
    except CompareError as err:
        raise bad_request(str(err)) from err


@router.get("/api/monitoring/{name}", tags=["care"], response_model=None)
def monitoring_route(request: Request, name: str, query: Annotated[MonitoringQuery, Query()]
                     ) -> dict[str, Any] | JSONResponse:
    """Dose days (kind "dose") and monitoring tests (kind "test") from the first dose (``start``)."""
    try:
        therapy = request.app.state.catalogue.lookup(name)
        return monitoring_schedule(therapy=therapy, start=query.start, months=query.months,
                                   region=query.region).to_json()
    except UnknownTherapy as err:
        return unknown_therapy(err, ["path", "name"])
    except ScheduleError as err:
        raise bad_request(str(err), "start") from err


@router.get("/api/options", tags=["care"])
def options_route(
    request: Request, ms_type: str, age: Annotated[int | None, Query(ge=1, le=119)] = None,
    pregnancy_planned: bool = False, jcv: str = "unknown", route: Annotated[list[str] | None, Query()] = None,
    region: str | None = None, priority: Annotated[list[str] | None, Query()] = None, monthly_tests_ok: bool = True,
) -> dict[str, Any]:
    profile = Profile(ms_type=ms_type, age=age, pregnancy_planned=pregnancy_planned, jcv=jcv, routes=route or [],
                      region=region, priorities=priority or [], monthly_tests_ok=monthly_tests_ok)
    try:
        return decision_options(profile=profile, catalogue=request.app.state.catalogue)
    except ProfileError as err:
        raise bad_request(str(err)) from err


@router.get("/api/relapse-check", tags=["care"])
def relapse_route(
    symptoms: Annotated[str, Query(max_length=MAX_QUESTION_CHARS)] = "",
    hours: Annotated[float | None, Query(ge=0, le=24 * 365)] = None,
    fever: bool = False, infection: bool = False, heat: bool = False, stress: bool = False,
    recent_steroids: bool = False, red_flag: Annotated[list[str] | None, Query()] = None,
) -> dict[str, Any]:
    answers = RelapseCheck(symptoms=symptoms, hours=hours, fever=fever, infection=infection, heat=heat,
                           stress=stress, recent_steroids=recent_steroids, red_flags=red_flag or [])
    try:
        return check_relapse(answers, lexicon=load_lexicon()).to_json()
    except RelapseInputError as err:
        raise bad_request(str(err)) from err


@router.get("/api/mitoxantrone-dose", tags=["care"])
def mitoxantrone_route(request: Request, query: Annotated[DoseQuery, Query()]) -> dict[str, Any]:
    try:
        return cumulative_dose(doses=query.dose, catalogue=request.app.state.catalogue)
    except DoseError as err:
        raise bad_request(str(err)) from err


@router.get("/api/appointment", tags=["care"], response_model=None)
def appointment_route(request: Request, therapy: str | None = None,
                      concern: Annotated[list[str] | None, Query()] = None, start: date | None = None
                      ) -> dict[str, Any] | JSONResponse:
    try:
        return appointment_summary(catalogue=request.app.state.catalogue, therapy_name=therapy,
                                   concerns=concern or [], start=start)
    except UnknownTherapy as err:
        return unknown_therapy(err, ["query", "therapy"])
    except ScheduleError as err:
        raise bad_request(str(err), "start") from err
    except AppointmentError as err:
        raise bad_request(str(err)) from err
