"""Server-rendered pages (Jinja2). Each page calls the same core function as its API route."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from mscare.ask import QuestionError
from mscare.ask.lexicon import load_lexicon
from mscare.care.appointment import AppointmentError, appointment_summary, concern_choices
from mscare.care.compare import CompareError, compare
from mscare.care.mitoxantrone import DoseError, cumulative_dose
from mscare.care.monitoring import DEFAULT_MONTHS, ScheduleError, monitoring_schedule
from mscare.care.options import MS_TYPES, PRIORITIES, ROUTE_GROUPS, Profile, ProfileError, decision_options
from mscare.care.relapse import RelapseCheck, RelapseInputError, check_relapse
from mscare.catalogue import Catalogue, UnknownTherapy
from mscare.cli_common import CATEGORIES
from mscare.render import approval_text
from mscare.settings import DISCLAIMER, MAX_QUESTION_CHARS
from mscare.topics import CITATION, LIST_ITEM, UnknownTopic, find_topic
from mscare.trials import trials_for_therapy

router = APIRouter(include_in_schema=False)
ListParam = Annotated[list[str] | None, Query()]  # repeated query parameters (?concern=a&concern=b)
COMMON_QUESTIONS = [
    "What is the best MS treatment?", "What is the latest treatment for MS?", "What is a relapse?",
    "Are there natural remedies for MS?", "How does natalizumab work?", "Can I breastfeed with MS?",
]


LINK = re.compile(r"\[([^\]]+)\]\(([a-z0-9][a-z0-9-]*)\)")
BOLD = re.compile(r"\*\*([^*]+)\*\*")
ITALIC = re.compile(r"(?<![*\w])[*_]([^*_]+)[*_](?![*\w])")


def inline_markdown(text: str) -> Markup:
    """Escape a paragraph's Markdown, then allow only bold, italics and links to other topics ("[text](slug)")."""
    html = str(escape(CITATION.sub("", text).strip()))
    html = LINK.sub(r'<a href="/topics/\2">\1</a>', html)
    html = BOLD.sub(r"<strong>\1</strong>", html)
    return Markup(ITALIC.sub(r"<em>\1</em>", html))


def paragraph_html(markdown: str) -> Markup:
    """A topic paragraph as HTML: a list becomes <ul>, other text a run of inline Markdown."""
    lines = [line for line in markdown.splitlines() if line.strip()]
    if lines and all(LIST_ITEM.match(line) for line in lines):
        items = "".join(f"<li>{inline_markdown(LIST_ITEM.sub('', line))}</li>" for line in lines)
        return Markup(f"<ul>{items}</ul>")
    return inline_markdown(" ".join(lines))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("mscare", "templates"), autoescape=select_autoescape(["html"]))
    env.globals.update(disclaimer=DISCLAIMER, max_question=MAX_QUESTION_CHARS, approval_text=approval_text)
    env.filters["paragraph_html"] = paragraph_html
    return env


templates = Jinja2Templates(env=environment())


def latest_review(catalogue: Catalogue, topics: dict[str, Any]) -> date:
    """The newest last_reviewed date of any record or article: the content date every page shows."""
    dates = [t.last_reviewed for t in catalogue.therapies.values()]
    dates += [t.meta.last_reviewed for t in topics.values()]
    return max(dates) if dates else date.today()


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("title", "mscare")
    return templates.TemplateResponse(request, name, {"content_date": request.app.state.content_date, **context},
                                      status_code=status)


def error_page(request: Request, status: int, message: str, suggestions: list[str] | None = None,
               base: str = "/therapies/") -> HTMLResponse:
    return page(request, "error.html", status=status, title="Not found" if status == 404 else "Please check",
                message=message, suggestions=suggestions or [], suggestion_base=base)


def install_error_pages(app: FastAPI) -> None:
    """HTML error pages for the site; JSON ``{"detail": ...}`` for the API."""

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith(("/api/", "/healthz", "/openapi"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse | HTMLResponse:
        if wants_json(request):
            return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail})
        return error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse | HTMLResponse:
        if wants_json(request):
            return JSONResponse(status_code=422, content={"detail": jsonable_errors(exc)})
        return error_page(request, 422, "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}"
                                                  for e in exc.errors()))


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]


def citation_numbers(sources: list[dict[str, str]]) -> dict[str, int]:
    return {s["id"]: i for i, s in enumerate(sources, 1)}


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return page(request, "home.html", title="mscare: MS treatment and care, explained with sources",
                questions=COMMON_QUESTIONS, topics=sorted(request.app.state.topics.values(),
                                                          key=lambda t: t.meta.title))


@router.get("/ask", response_class=HTMLResponse)
def ask_page(request: Request, q: str = "") -> HTMLResponse:
    try:
        result = request.app.state.answer(q.strip(), 5)
    except QuestionError as err:
        return page(request, "home.html", status=422, title="Ask a question", error=str(err), q=q[:2000],
                    questions=COMMON_QUESTIONS, topics=[])
    return page(request, "answer.html", title=f"Answer: {q[:60]}", result=result, q=q,
                numbers=citation_numbers(result.sources), topics=request.app.state.topics)


def therapy_filter(catalogue: Catalogue, category: str, route: str, us: str, eu: str) -> list[Any]:
    items = catalogue.by_category(category or None)
    if route:
        items = [t for t in items if route in t.routes]
    if us:
        items = [t for t in items if t.approvals.us.status == us]
    if eu:
        items = [t for t in items if t.approvals.eu.status == eu]
    return items


@router.get("/therapies", response_class=HTMLResponse)
def therapies_page(request: Request, category: str = "", route: str = "", us: str = "", eu: str = "") -> HTMLResponse:
    catalogue = request.app.state.catalogue
    if category and category not in CATEGORIES:
        return error_page(request, 422, f"Unknown category {category!r}.")
    items = therapy_filter(catalogue, category, route, us, eu)
    routes = sorted({r for t in catalogue.therapies.values() for r in t.routes})
    return page(request, "therapies.html", title="Therapies", therapies=items, categories=CATEGORIES,
                routes=routes, statuses=["approved", "not_approved", "under_review", "withdrawn", "off_label"],
                selected={"category": category, "route": route, "us": us, "eu": eu})


@router.get("/therapies/{name}", response_class=HTMLResponse)
def therapy_page(request: Request, name: str) -> HTMLResponse:
    catalogue = request.app.state.catalogue
    try:
        therapy = catalogue.lookup(name)
    except UnknownTherapy as err:
        return error_page(request, 404, err.message(), err.suggestions)
    trials = linked_trials(request, therapy.id)
    return page(request, "therapy.html", title=therapy.generic_name, t=therapy,
                sources=catalogue.sources_of(sorted(therapy.cited())), trials=trials)


def linked_trials(request: Request, therapy_id: str) -> list[Any]:
    if not request.app.state.trials_db.exists():
        return []
    return list(trials_for_therapy(db_path=request.app.state.trials_db, therapy_id=therapy_id))


@router.get("/topics", response_class=HTMLResponse)
def topics_page(request: Request) -> HTMLResponse:
    topics = sorted(request.app.state.topics.values(), key=lambda t: t.meta.title)
    return page(request, "topics.html", title="Topics", topics=topics)


@router.get("/topics/{slug}", response_class=HTMLResponse)
def topic_page(request: Request, slug: str) -> HTMLResponse:
    try:
        topic = find_topic(request.app.state.topics, slug)
    except UnknownTopic as err:
        return error_page(request, 404, err.message(), err.suggestions, base="/topics/")
    sources = request.app.state.catalogue.sources_of(topic.cited())
    numbers = {s.id: i for i, s in enumerate(sources, 1)}
    return page(request, "topic.html", title=topic.meta.title, topic=topic, sources=sources, numbers=numbers,
                topics=request.app.state.topics)


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request) -> HTMLResponse:
    sources = sorted(request.app.state.catalogue.sources.values(), key=lambda s: s.id)
    return page(request, "sources.html", title="Source registry", sources=sources)


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, names: str = "") -> HTMLResponse:
    catalogue = request.app.state.catalogue
    picked = [n.strip() for n in names.split(",") if n.strip()]
    result, error = None, None
    if picked:
        try:
            result = compare(names=picked, catalogue=catalogue)
        except (UnknownTherapy, CompareError) as err:
            error = err.message() if isinstance(err, UnknownTherapy) else str(err)
    return page(request, "compare.html", status=422 if error else 200, title="Compare therapies", result=result,
                error=error, names=names, therapies=catalogue.by_category(),
                sources=catalogue.sources_of(result.sources) if result else [])


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring_page(request: Request, therapy: str = "", start: str = "", months: int = DEFAULT_MONTHS
                    ) -> HTMLResponse:
    catalogue = request.app.state.catalogue
    schedule, error, record = None, None, None
    if therapy:
        try:
            record = catalogue.lookup(therapy)
            schedule = monitoring_schedule(therapy=record, start=date.fromisoformat(start or date.today().isoformat()),
                                           months=months)
        except UnknownTherapy as err:
            error = err.message()
        except (ScheduleError, ValueError) as err:
            error = f"Please check the start date (YYYY-MM-DD) and months: {err}"
    sources = catalogue.sources_of([s for e in schedule.events for s in e.sources]) if schedule else []
    return page(request, "monitoring.html", status=422 if error else 200, title="Monitoring schedule",
                schedule=schedule, record=record, error=error, therapy=therapy, start=start, months=months,
                therapies=[t for t in catalogue.by_category() if t.monitoring], sources=sources)


@router.get("/relapse-check", response_class=HTMLResponse)
def relapse_page(request: Request, symptoms: str = "", hours: str = "", fever: bool = False, infection: bool = False,
                 heat: bool = False, stress: bool = False, recent_steroids: bool = False,
                 red_flag: ListParam = None, submitted: bool = False) -> HTMLResponse:
    result, error = None, None
    if submitted:
        try:
            hours_value = float(hours) if hours.strip() else None
            answers = RelapseCheck(symptoms=symptoms[:MAX_QUESTION_CHARS], hours=hours_value, fever=fever,
                                   infection=infection, heat=heat, stress=stress, recent_steroids=recent_steroids,
                                   red_flags=red_flag or [])
            result = check_relapse(answers, lexicon=load_lexicon())
        except (ValueError, RelapseInputError) as err:
            error = f"Please check your answers: {err}"
    sources = request.app.state.catalogue.sources_of(result.sources) if result else []
    return page(request, "relapse.html", status=422 if error else 200, title="Relapse check", result=result,
                error=error, flags=[(f.id, f.label) for f in load_lexicon().red_flags],
                form={"symptoms": symptoms, "hours": hours, "fever": fever, "infection": infection, "heat": heat,
                      "stress": stress, "recent_steroids": recent_steroids, "red_flag": red_flag or []},
                sources=sources)


@router.get("/options", response_class=HTMLResponse)
def options_page(request: Request, ms_type: str = "", age: str = "", pregnancy_planned: bool = False,
                 jcv: str = "unknown", route: ListParam = None, region: str = "",
                 priority: ListParam = None, no_monthly_tests: bool = False) -> HTMLResponse:
    result, error = None, None
    if ms_type:
        try:
            profile = Profile(ms_type=ms_type, age=int(age) if age.strip() else None,
                              pregnancy_planned=pregnancy_planned, jcv=jcv, routes=route or [], region=region or None,
                              priorities=priority or [], monthly_tests_ok=not no_monthly_tests)
            result = decision_options(profile=profile, catalogue=request.app.state.catalogue)
        except (ValueError, ProfileError) as err:
            error = f"Please check your answers: {err}"
    return page(request, "options.html", status=422 if error else 200, title="Treatment options", result=result,
                error=error, ms_types=MS_TYPES, routes=list(ROUTE_GROUPS), priorities=PRIORITIES,
                form={"ms_type": ms_type, "age": age, "pregnancy_planned": pregnancy_planned, "jcv": jcv,
                      "route": route or [], "region": region, "priority": priority or [],
                      "no_monthly_tests": no_monthly_tests},
                catalogue=request.app.state.catalogue)


@router.get("/mitoxantrone-dose", response_class=HTMLResponse)
def mitoxantrone_page(request: Request, doses: str = "") -> HTMLResponse:
    result, error = None, None
    if doses.strip():
        try:
            values = [float(d) for d in doses.replace(";", ",").split(",") if d.strip()]
            result = cumulative_dose(doses=values, catalogue=request.app.state.catalogue)
        except (ValueError, DoseError) as err:
            error = f"Please enter doses in mg/m² separated by commas: {err}"
    sources = request.app.state.catalogue.sources_of(result["sources"]) if result else []
    return page(request, "mitoxantrone.html", status=422 if error else 200, title="Mitoxantrone cumulative dose",
                result=result, error=error, doses=doses, sources=sources)


@router.get("/appointment", response_class=HTMLResponse)
def appointment_page(request: Request, therapy: str = "", concern: ListParam = None, start: str = "",
                     submitted: bool = False) -> HTMLResponse:
    catalogue = request.app.state.catalogue
    summary, error = None, None
    if submitted:
        try:
            summary = appointment_summary(catalogue=catalogue, therapy_name=therapy or None, concerns=concern or [],
                                          start=date.fromisoformat(start) if start else None)
        except UnknownTherapy as err:
            error = err.message()
        except (AppointmentError, ValueError) as err:
            error = f"Please check your answers: {err}"
    return page(request, "appointment.html", status=422 if error else 200, title="Prepare for your appointment",
                summary=summary, error=error, choices=concern_choices(), therapies=catalogue.by_category(),
                form={"therapy": therapy, "concern": concern or [], "start": start},
                sources=catalogue.sources_of(summary["sources"]) if summary else [])


def render_appointment_html(summary: dict[str, Any], catalogue: Catalogue) -> str:
    """The print-ready appointment page as a standalone HTML document (for ``--format html``)."""
    return environment().get_template("appointment_print.html").render(
        summary=summary, sources=catalogue.sources_of(summary["sources"]), disclaimer=DISCLAIMER)
