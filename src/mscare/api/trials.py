"""REST routes for imported clinical trials: search, one record, eligibility pre-screen."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from mscare.api.common import bad_request, not_found
from mscare.settings import MAX_QUESTION_CHARS
from mscare.trials import TrialInputError, UnknownTrial, get_trial, screen, search_trials

router = APIRouter()
Text = Annotated[str | None, Query(max_length=MAX_QUESTION_CHARS, description="Words to search for.")]
Short = Annotated[str | None, Query(max_length=200)]


def trials_db(request: Request) -> Path:
    return Path(request.app.state.trials_db)


def unknown_trial(err: UnknownTrial) -> JSONResponse:
    return not_found(str(err), ["path", "nct_id"])


@router.get("/api/trials", tags=["trials"])
def search_route(
    request: Request, q: Text = None, status: Short = None, phase: Short = None, near: Short = None,
    within: Annotated[float | None, Query(gt=0, le=40_075, description="km from `near`.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[dict[str, Any]]:
    """Imported trials: the same list as ``mscare trials search --json``."""
    try:
        hits = search_trials(db_path=trials_db(request), text=q, status=status, phase=phase, near=near,
                             within_km=within, limit=limit)
    except TrialInputError as err:
        raise bad_request(str(err)) from err
    return [h.to_json() for h in hits]


@router.get("/api/trials/{nct_id}", tags=["trials"], response_model=None)
def trial_route(request: Request, nct_id: str) -> dict[str, Any] | JSONResponse:
    """One imported trial's stored record."""
    try:
        return get_trial(db_path=trials_db(request), nct_id=nct_id).to_json()
    except UnknownTrial as err:
        return unknown_trial(err)


@router.get("/api/trials/{nct_id}/screen", tags=["trials"], response_model=None)
def screen_route(
    request: Request, nct_id: str, age: Annotated[float, Query(ge=0, lt=120)], sex: Short = None,
    ms_type: Short = None, edss: Annotated[float | None, Query(ge=0, le=10)] = None,
    dmt: Annotated[list[str] | None, Query(description="A treatment taken now or before; repeat for more.")] = None,
) -> dict[str, Any] | JSONResponse:
    """Pre-screen a profile against one trial: the same object as ``mscare trials screen --json``."""
    try:
        return screen(db_path=trials_db(request), nct_id=nct_id, age=age, sex=sex, ms_type=ms_type, edss=edss,
                      dmts=dmt or []).to_json()
    except UnknownTrial as err:
        return unknown_trial(err)
    except TrialInputError as err:
        raise bad_request(str(err)) from err
