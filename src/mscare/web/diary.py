"""Pages: the diary under /diary (timeline, add, chart, due tests, appointment summary, export and import).

Forms post without JavaScript; each carries a CSRF token. In shared mode every page needs a log-in.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, cast

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import UploadFile

from mscare.accounts.web import Visitor, diary_of, visitor
from mscare.catalogue import UnknownTherapy
from mscare.diary.db import DiaryConfigError
from mscare.diary.due import DueReport, due_ics, due_tests
from mscare.diary.entries import NewEntry, add_entry, check_document
from mscare.diary.fhir import fhir_bundle
from mscare.diary.inputs import KINDS, RECOVERY, DiaryInputError, ListQuery, TherapyStopInput, symptom_names
from mscare.diary.io import export_document, import_document
from mscare.diary.store import delete_entry, list_entries, stop_therapy, transaction
from mscare.diary.summary import Summary, build_summary, chart_points
from mscare.models import REGIONS
from mscare.web.diary_common import (
    checked_form,
    diary_page,
    form_values,
    in_thread,
    login_redirect,
    unavailable,
    validation_message,
    who,
)

router = APIRouter(include_in_schema=False)
ENTRY: TypeAdapter[Any] = TypeAdapter(cast(Any, NewEntry))  # a discriminated union, typed loosely on purpose
ENTRY_FIELDS = ("kind", "name", "start", "stop", "reason", "date", "symptoms", "treated_with", "recovery", "symptom",
                "score", "note", "test", "due_id", "result")
Months = Annotated[int, Query(ge=1, le=120)]


def owner_or_none(request: Request) -> Visitor:
    try:
        return visitor(request)
    except (DiaryConfigError, SQLAlchemyError) as err:
        raise HTTPException(status_code=503, detail=f"the diary database is not available: {err}") from None


def read(request: Request, action: Any) -> Any:
    """Run a read on a diary session; a database that cannot be reached is a 503 page."""
    try:
        with diary_of(request).sessions() as session:
            return action(session)
    except (DiaryConfigError, SQLAlchemyError) as err:
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        raise HTTPException(status_code=503, detail=f"The diary database is not available: {reason}") from None


@router.get("/diary", response_class=HTMLResponse)
def timeline_page(request: Request, added: str = "", deleted: str = "", imported: str = "") -> Response:
    you = owner_or_none(request)
    if you.owner is None:
        return login_redirect(request)
    catalogue = request.app.state.catalogue
    entries = read(request, lambda s: list_entries(s, owner=you.owner, query=ListQuery(), catalogue=catalogue))
    current = [e for e in entries if e.kind == "therapy" and e.fields["stop"] is None]
    return diary_page(request, "diary/timeline.html", you, title="My MS diary", entries=list(reversed(entries)),
                      current=current, added=added, deleted=deleted, imported=imported,
                      today=dt.date.today().isoformat())


def add_form(request: Request, you: Visitor, status: int = 200, error: str | None = None,
             form: dict[str, Any] | None = None, kind: str = "relapse") -> HTMLResponse:
    catalogue = request.app.state.catalogue
    due = read(request, lambda s: due_tests(s, owner=str(you.owner), catalogue=catalogue, today=dt.date.today()))
    title = "Add to my diary"
    return diary_page(request, "diary/add.html", you, status=status,
                      title=f"Please check your answers: {title}" if error else title, error=error, form=form or {},
                      kind=kind, kinds=KINDS, recovery=RECOVERY, symptoms=symptom_names(), due=due.due,
                      today=dt.date.today().isoformat(),
                      therapies=sorted(t.display_name for t in catalogue.therapies.values()))


@router.get("/diary/add", response_class=HTMLResponse)
def add_page(request: Request, kind: str = "relapse") -> Response:
    you = owner_or_none(request)
    if you.owner is None:
        return login_redirect(request)
    return add_form(request, you, kind=kind if kind in KINDS else "relapse")


@router.post("/diary/entries", response_class=HTMLResponse)
async def add_post(request: Request) -> Response:
    you = await who(request)
    form = await checked_form(request, you)
    if you.owner is None:
        return login_redirect(request)
    values = form_values(form, *ENTRY_FIELDS)
    owner, catalogue = you.owner, request.app.state.catalogue

    def store() -> str:
        data = ENTRY.validate_python(values)
        with transaction(diary_of(request)) as session:
            return add_entry(session, owner=owner, data=data, catalogue=catalogue).id

    try:
        entry_id = await in_thread(store)
    except ValidationError as err:
        error = validation_message(err)
    except UnknownTherapy as err:
        error = f"Therapy: {err.message()}"
    except DiaryInputError as err:
        error = str(err)
    except (DiaryConfigError, SQLAlchemyError) as err:
        return unavailable(request, err)
    else:
        return RedirectResponse(f"/diary?added={entry_id}#entry-{entry_id}", status_code=303)
    kind = str(values.get("kind", "relapse"))
    return await in_thread(add_form, request, you, 422, error, values, kind)


@router.post("/diary/entries/{entry_id}/delete", response_class=HTMLResponse)
async def delete_post(request: Request, entry_id: str) -> Response:
    you = await who(request)
    await checked_form(request, you)
    if you.owner is None:
        return login_redirect(request)
    owner = you.owner

    def delete() -> str:
        with transaction(diary_of(request)) as session:
            return delete_entry(session, owner=owner, entry_id=entry_id)

    try:
        await in_thread(delete)
    except DiaryInputError:
        raise HTTPException(status_code=404, detail="There is no such entry in your diary.") from None
    return RedirectResponse(f"/diary?deleted={entry_id}", status_code=303)


@router.post("/diary/therapy/stop", response_class=HTMLResponse)
async def stop_post(request: Request) -> Response:
    you = await who(request)
    form = await checked_form(request, you)
    if you.owner is None:
        return login_redirect(request)
    owner, catalogue = you.owner, request.app.state.catalogue
    values = form_values(form, "name", "date", "reason")

    def stop() -> str:
        data = TherapyStopInput.model_validate(values)
        with transaction(diary_of(request)) as session:
            return stop_therapy(session, owner=owner, data=data, catalogue=catalogue).id

    try:
        entry_id = await in_thread(stop)
    except ValidationError as err:
        raise HTTPException(status_code=422, detail=validation_message(err)) from None
    except (UnknownTherapy, DiaryInputError) as err:
        raise HTTPException(status_code=422, detail=err.message() if isinstance(err, UnknownTherapy) else str(err)
                            ) from None
    return RedirectResponse(f"/diary?added={entry_id}#entry-{entry_id}", status_code=303)


def summary_of(request: Request, owner: str, months: int) -> Summary:
    """The owner's summary of the last ``months`` months, as of today (chart and appointment pages)."""
    catalogue = request.app.state.catalogue
    return read(request, lambda s: build_summary(s, owner=owner, catalogue=catalogue, today=dt.date.today(),
                                                 months=months))


def due_report(request: Request, owner: str, region: str) -> tuple[DueReport, str]:
    """The owner's due tests for a region ("us" when the region is not one we know), and that region."""
    where = region if region in REGIONS else "us"
    catalogue = request.app.state.catalogue
    return read(request, lambda s: due_tests(s, owner=owner, catalogue=catalogue, today=dt.date.today(),
                                             region=where)), where


@router.get("/diary/chart", response_class=HTMLResponse)
def chart_page(request: Request, months: Months = 12) -> Response:
    you = owner_or_none(request)
    if you.owner is None:
        return login_redirect(request)
    summary = summary_of(request, you.owner, months)
    return diary_page(request, "diary/chart.html", you, title="Symptom chart", summary=summary, months=months,
                      chart_points=chart_points)


@router.get("/diary/due", response_class=HTMLResponse)
def due_page(request: Request, region: str = "us") -> Response:
    you = owner_or_none(request)
    if you.owner is None:
        return login_redirect(request)
    report, where = due_report(request, you.owner, region)
    sources = request.app.state.catalogue.sources_of(sorted({s for i in report.due for s in i.sources}))
    return diary_page(request, "diary/due.html", you, title="Tests due", report=report, region=where,
                      regions=REGIONS, sources=sources)


@router.get("/diary/due.ics")
def due_calendar(request: Request, region: str = "us") -> Response:
    you = owner_or_none(request)
    if you.owner is None:
        return login_redirect(request)
    report, _ = due_report(request, you.owner, region)
    return Response(due_ics(report), media_type="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="mscare-tests-due.ics"'})


@router.get("/diary/summary", response_class=HTMLResponse)
def summary_page(request: Request, months: Months = 6) -> Response:
    you = owner_or_none(request)
    if you.owner is None:
        return login_redirect(request)
    summary = summary_of(request, you.owner, months)
    return diary_page(request, "diary/summary.html", you, title="Summary for my appointment", summary=summary,
                      months=months, chart_points=chart_points)


@router.get("/diary/export", response_class=HTMLResponse)
def export_page(request: Request) -> Response:
    you = owner_or_none(request)
    if you.owner is None:
        return login_redirect(request)
    return diary_page(request, "diary/export.html", you, title="Export and import", error=None, result=None)


@router.get("/diary/export.json")
def export_json(request: Request) -> Response:
    return download(request, "json")


@router.get("/diary/export.fhir.json")
def export_fhir(request: Request) -> Response:
    return download(request, "fhir")


def download(request: Request, kind: str) -> Response:
    you = owner_or_none(request)
    if you.owner is None:
        return login_redirect(request)
    catalogue = request.app.state.catalogue
    build = fhir_bundle if kind == "fhir" else export_document
    document = read(request, lambda s: build(s, owner=you.owner, catalogue=catalogue))
    name = f"mscare-diary-{dt.date.today().isoformat()}{'.fhir' if kind == 'fhir' else ''}.json"
    return JSONResponse(document, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/diary/import", response_class=HTMLResponse)
async def import_post(request: Request) -> Response:
    you = await who(request)
    form = await checked_form(request, you)
    if you.owner is None:
        await form.close()
        return login_redirect(request)
    upload = form.get("file")
    try:
        raw = await upload.read() if isinstance(upload, UploadFile) else b""
    finally:
        await form.close()
    owner, catalogue = you.owner, request.app.state.catalogue

    def store() -> dict[str, int]:
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise DiaryInputError("the file is not JSON; choose a file from 'Download my diary (JSON)'") from None
        with transaction(diary_of(request)) as session:
            return import_document(session, owner=owner, data=check_document(document), catalogue=catalogue)

    try:
        counts = await in_thread(store)
    except DiaryInputError as err:
        return diary_page(request, "diary/export.html", you, status=422, title="Please check: export and import",
                          error=f"Import: {err}", result=None)
    return diary_page(request, "diary/export.html", you, title="Export and import", error=None, result=counts)
