"""API: the care tools."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from mscare.api.common import bad_request, unknown_therapy
from mscare.ask.lexicon import load_lexicon
from mscare.care.appointment import AppointmentError, appointment_summary
from mscare.care.compare import CompareError, compare
from mscare.care.inputs import AppointmentQuery, CompareQuery, DoseQuery, MonitoringQuery, OptionsQuery, RelapseQuery
from mscare.care.mitoxantrone import DoseError, cumulative_dose
from mscare.care.monitoring import ScheduleError, monitoring_schedule
from mscare.care.options import ProfileError, decision_options
from mscare.care.relapse import RelapseInputError, check_relapse
from mscare.catalogue import UnknownTherapy

router = APIRouter()


@router.get("/api/compare", tags=["care"], response_model=None)
def compare_route(request: Request, query: Annotated[CompareQuery, Query()]) -> dict[str, Any] | JSONResponse:
    """Compare two to five therapies: ``names`` repeated, or one comma-separated list."""
    try:
        return compare(names=list(query.names), catalogue=request.app.state.catalogue).to_json()
    except UnknownTherapy as err:
        return unknown_therapy(err, ["query", "names"])
    except CompareError as err:
        raise bad_request(f"names: {err}.", "names") from err


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
def options_route(request: Request, query: Annotated[OptionsQuery, Query()]) -> dict[str, Any]:
    """Therapies that fit a profile, with cited reasons for and against each."""
    try:
        return decision_options(profile=query.profile(), catalogue=request.app.state.catalogue)
    except ProfileError as err:
        raise bad_request(str(err)) from err


@router.get("/api/relapse-check", tags=["care"])
def relapse_route(query: Annotated[RelapseQuery, Query()]) -> dict[str, Any]:
    """Relapse, possible pseudo-relapse, urgent, or not enough to say."""
    try:
        return check_relapse(query.answers(), lexicon=load_lexicon()).to_json()
    except RelapseInputError as err:
        raise bad_request(str(err), "red_flag") from err


@router.get("/api/mitoxantrone-dose", tags=["care"])
def mitoxantrone_route(request: Request, query: Annotated[DoseQuery, Query()]) -> dict[str, Any]:
    try:
        return cumulative_dose(doses=query.dose, catalogue=request.app.state.catalogue)
    except DoseError as err:
        raise bad_request(str(err)) from err


@router.get("/api/appointment", tags=["care"], response_model=None)
def appointment_route(request: Request, query: Annotated[AppointmentQuery, Query()]) -> dict[str, Any] | JSONResponse:
    """A one-page summary and questions for the next appointment."""
    try:
        return appointment_summary(catalogue=request.app.state.catalogue, therapy_name=query.therapy,
                                   concerns=list(query.concern), start=query.start)
    except UnknownTherapy as err:
        return unknown_therapy(err, ["query", "therapy"])
    except ScheduleError as err:
        raise bad_request(str(err), "start") from err
    except AppointmentError as err:
        raise bad_request(str(err), "concern") from err
