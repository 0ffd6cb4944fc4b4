"""REST routes for imported clinical trials: search, one record, eligibility pre-screen."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from mscare.api.common import bad_request, not_found
from mscare.settings import MAX_QUESTION_CHARS
from mscare.trials import TrialInputError, UnknownTrial, get_trial, screen, search_trials
from mscare.trials.inputs import ScreenQuery, TrialSearchQuery

router = APIRouter()
Text = Annotated[str | None, Query(max_length=MAX_QUESTION_CHARS, description="Words to search for.")]
Short = Annotated[str | None, Query(max_length=200)]


def trials_db(request: Request) -> Path:
    return Path(request.app.state.trials_db)


def unknown_trial(err: UnknownTrial) -> JSONResponse:
    return not_found(str(err), ["path", "nct_id"])


@router.get("/api/trials", tags=["trials"])
def search_route(request: Request, query: Annotated[TrialSearchQuery, Query()]) -> list[dict[str, Any]]:
    """Imported trials: the same list as ``mscare trials search --json``."""
    try:
        hits = search_trials(db_path=trials_db(request), text=query.q, status=query.status, phase=query.phase,
                             near=query.near, within_km=query.within, limit=query.limit)
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
def screen_route(request: Request, nct_id: str, query: Annotated[ScreenQuery, Query()]
                 ) -> dict[str, Any] | JSONResponse:
    """Pre-screen a profile against one trial: the same object as ``mscare trials screen --json``."""
    try:
        return screen(db_path=trials_db(request), nct_id=nct_id, age=query.age, sex=query.sex,
                      ms_type=query.ms_type, edss=query.edss, dmts=list(query.dmt)).to_json()
    except UnknownTrial as err:
        return unknown_trial(err)
    except TrialInputError as err:
        raise bad_request(str(err)) from err
