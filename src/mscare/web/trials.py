"""Trial pages: search imported ClinicalTrials.gov records and pre-screen one trial."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mscare.trials import TrialsError, UnknownTrial, get_trial, screen, search_trials
from mscare.web.common import ListParam, error_page, page, title_for

router = APIRouter(include_in_schema=False)


@router.get("/trials", response_class=HTMLResponse)
def trials_page(request: Request, q: str = "", status: str = "", phase: str = "", near: str = "",
                within: str = "", submitted: bool = False) -> HTMLResponse:
    db_path = request.app.state.trials_db
    hits, error = [], None
    if submitted or q:
        try:
            hits = search_trials(db_path=db_path, text=q or None, status=status or None, phase=phase or None,
                                 near=near or None, within_km=float(within) if within.strip() else None)
        except (TrialsError, ValueError) as err:
            error = f"Please check the search: {err}"
    return page(request, "trials.html", status=422 if error else 200, title="Clinical trials", hits=hits,
                error=error, imported=db_path.exists(),
                form={"q": q, "status": status, "phase": phase, "near": near, "within": within})


@router.get("/trials/{nct_id}", response_class=HTMLResponse)
def trial_page(request: Request, nct_id: str, age: str = "", sex: str = "", ms_type: str = "", edss: str = "",
               dmt: ListParam = None) -> HTMLResponse:
    db_path = request.app.state.trials_db
    try:
        trial = get_trial(db_path=db_path, nct_id=nct_id)
    except UnknownTrial as err:
        return error_page(request, 404, str(err))
    result, error = None, None
    if age.strip():
        try:
            result = screen(db_path=db_path, nct_id=trial.nct_id, age=float(age), sex=sex or None,
                            ms_type=ms_type or None, edss=float(edss) if edss.strip() else None,
                            dmts=[d for d in dmt or [] if d.strip()])  # an empty optional box means none
        except (TrialsError, ValueError) as err:
            error = f"Please check your answers: {err}"
    catalogue = request.app.state.catalogue
    therapies = [catalogue.therapies[t] for t in trial.therapy_ids if t in catalogue.therapies]
    verdicts = {"may_qualify": "You may qualify", "likely_not": "Likely not eligible", "cant_tell": "We can't tell"}
    title = f"{verdicts[result.verdict]}: {trial.brief_title}" if result else trial.brief_title
    return page(request, "trial.html", status=422 if error else 200, title=title_for(title, error), trial=trial,
                therapies=therapies, result=result, error=error,
                form={"age": age, "sex": sex, "ms_type": ms_type, "edss": edss, "dmt": dmt or []})
