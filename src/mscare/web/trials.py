"""Trial pages: search imported ClinicalTrials.gov records and pre-screen one trial."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mscare.inputs import BadInput, InputProblem, parse_input
from mscare.trials import TrialsError, UnknownTrial, get_trial, screen, search_trials
from mscare.trials.inputs import ScreenQuery, TrialSearchQuery
from mscare.web.common import ListParam, error_page, page, title_for

router = APIRouter(include_in_schema=False)


@router.get("/trials", response_class=HTMLResponse)
def trials_page(request: Request, q: str = "", status: str = "", phase: str = "", near: str = "",
                within: str = "", submitted: bool = False) -> HTMLResponse:
    db_path = request.app.state.trials_db
    hits, problems = [], []
    if submitted or q:
        try:
            query = parse_input(TrialSearchQuery, {"q": q, "status": status, "phase": phase, "near": near,
                                                   "within": within})
            hits = search_trials(db_path=db_path, text=query.q, status=query.status, phase=query.phase,
                                 near=query.near, within_km=query.within)
        except BadInput as err:
            problems = err.problems
        except TrialsError as err:
            problems = [InputProblem(str(err).split(":")[0] if ":" in str(err) else "q", str(err))]
    return page(request, "trials.html", status=422 if problems else 200, title=title_for("Clinical trials", problems),
                hits=hits, problems=problems, imported=db_path.exists(),
                form={"q": q, "status": status, "phase": phase, "near": near, "within": within})


@router.get("/trials/{nct_id}", response_class=HTMLResponse)
def trial_page(request: Request, nct_id: str, age: str = "", sex: str = "", ms_type: str = "", edss: str = "",
               dmt: ListParam = None) -> HTMLResponse:
    db_path = request.app.state.trials_db
    try:
        trial = get_trial(db_path=db_path, nct_id=nct_id)
    except UnknownTrial as err:
        return error_page(request, 404, str(err))
    result, problems = None, []
    if age.strip():
        try:
            query = parse_input(ScreenQuery, {"age": age, "sex": sex, "ms_type": ms_type, "edss": edss,
                                              "dmt": [d.strip() for d in dmt or []]})
            result = screen(db_path=db_path, nct_id=trial.nct_id, age=query.age, sex=query.sex,
                            ms_type=query.ms_type, edss=query.edss, dmts=list(query.dmt))
        except BadInput as err:
            problems = err.problems
        except TrialsError as err:
            problems = [InputProblem("dmt", str(err))]
    catalogue = request.app.state.catalogue
    therapies = [catalogue.therapies[t] for t in trial.therapy_ids if t in catalogue.therapies]
    verdicts = {"may_qualify": "You may qualify", "likely_not": "Likely not eligible", "cant_tell": "We can't tell"}
    title = f"{verdicts[result.verdict]}: {trial.brief_title}" if result else trial.brief_title
    return page(request, "trial.html", status=422 if problems else 200, title=title_for(title, problems),
                trial=trial, therapies=therapies, result=result, problems=problems,
                form={"age": age, "sex": sex, "ms_type": ms_type, "edss": edss, "dmt": dmt or []})
