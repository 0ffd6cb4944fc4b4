"""API: the diary. JSON in and out; in shared mode every route needs a session and sees only its account's entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from mscare.accounts.web import diary_of, visitor
from mscare.catalogue import UnknownTherapy
from mscare.diary.db import DiaryConfigError
from mscare.diary.due import due_tests
from mscare.diary.entries import EntryNotFound, NewEntry, add_entry, check_document, update_entry
from mscare.diary.fhir import fhir_bundle
from mscare.diary.inputs import DiaryInputError, ListQuery
from mscare.diary.io import export_document, import_document
from mscare.diary.store import delete_entry, get_entry, list_entries, transaction
from mscare.models import Region

JSON_TYPES = ("application/json",)


def json_only(request: Request) -> None:
    """Bodies are JSON only: a form post (or anything else) is 415, so another site cannot post to the API."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES and not content_type.endswith("+json"):
        raise HTTPException(status_code=415, detail="send a JSON body with Content-Type: application/json")


def owner_of(request: Request) -> str:
    """The diary owner of the request; 401 in shared mode without a live session."""
    try:
        owner = visitor(request).owner
    except (DiaryConfigError, SQLAlchemyError) as err:
        raise HTTPException(status_code=503, detail=database_message(err)) from None
    if owner is None:
        raise HTTPException(status_code=401, detail="log in first (POST /api/login)")
    return owner


Owner = Annotated[str, Depends(owner_of)]
router = APIRouter(tags=["diary"])
body_router = APIRouter(tags=["diary"], dependencies=[Depends(json_only)])


def database_message(err: Exception) -> str:
    if isinstance(err, DiaryConfigError):
        return str(err)
    reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
    return f"the diary database failed, nothing was changed: {reason}"


def invalid(message: str, field: str | None = None) -> RequestValidationError:
    """A domain error in FastAPI's validation shape, so every 422 of the API reads the same."""
    loc = ("body", field) if field else ("body",)
    return RequestValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


@contextmanager
def diary_session(request: Request, *, write: bool = False) -> Iterator[Session]:
    """A session of the diary (one transaction when writing), with its errors mapped to HTTP ones."""
    try:
        diary = diary_of(request)
        if write:
            with transaction(diary) as session:
                yield session
        else:
            with diary.sessions() as session:
                yield session
    except UnknownTherapy as err:
        raise invalid(err.message(), "name") from None
    except DiaryInputError as err:
        raise invalid(str(err)) from None
    except (DiaryConfigError, SQLAlchemyError) as err:
        raise HTTPException(status_code=503, detail=database_message(err)) from None


@router.get("/api/diary/entries")
def list_route(request: Request, owner: Owner, params: Annotated[ListQuery, Query()]) -> dict[str, Any]:
    """Your entries in date order; ``kind`` and ``since`` narrow the list."""
    with diary_session(request) as session:
        entries = list_entries(session, owner=owner, query=params, catalogue=request.app.state.catalogue)
    return {"entries": [e.to_json() for e in entries]}


@body_router.post("/api/diary/entries", status_code=201)
def add_route(request: Request, owner: Owner, data: Annotated[NewEntry, Body()]) -> dict[str, Any]:
    """Add an entry; ``kind`` (therapy, relapse, symptom, test) picks the fields. Returns it with its ``id``."""
    with diary_session(request, write=True) as session:
        entry = add_entry(session, owner=owner, data=data, catalogue=request.app.state.catalogue)
    return entry.to_json()


@router.get("/api/diary/entries/{entry_id}")
def get_route(request: Request, owner: Owner, entry_id: str) -> dict[str, Any]:
    with diary_session(request) as session:
        entry = get_entry(session, owner=owner, entry_id=entry_id, catalogue=request.app.state.catalogue)
    if entry is None:
        raise HTTPException(status_code=404, detail=f"no diary entry with id {entry_id!r}")
    return entry.to_json()


@body_router.put("/api/diary/entries/{entry_id}")
def update_route(request: Request, owner: Owner, entry_id: str, data: Annotated[NewEntry, Body()]) -> dict[str, Any]:
    """Change an entry (same id and kind); the body is the whole entry, as for adding one."""
    try:
        with diary_session(request, write=True) as session:
            entry = update_entry(session, owner=owner, entry_id=entry_id, data=data,
                                 catalogue=request.app.state.catalogue)
    except EntryNotFound:
        raise HTTPException(status_code=404, detail=f"no diary entry with id {entry_id!r}") from None
    return entry.to_json()


@router.delete("/api/diary/entries/{entry_id}")
def delete_route(request: Request, owner: Owner, entry_id: str) -> dict[str, Any]:
    try:
        with diary_session(request, write=True) as session:
            kind = delete_entry(session, owner=owner, entry_id=entry_id)
    except RequestValidationError:
        raise HTTPException(status_code=404, detail=f"no diary entry with id {entry_id!r}") from None
    return {"deleted": entry_id, "kind": kind}


@router.get("/api/diary/due")
def due_route(request: Request, owner: Owner, today: dt.date | None = None,
              region: Annotated[Region, Query(description="Whose label timetable.")] = "us") -> dict[str, Any]:
    """Tests overdue, due in the next 30 days and next up (``today`` defaults to the server's date)."""
    with diary_session(request) as session:
        report = due_tests(session, owner=owner, catalogue=request.app.state.catalogue,
                           today=today or dt.date.today(), region=region)
    return report.to_json()


@router.get("/api/diary/export", response_model=None)
def export_route(request: Request, owner: Owner,
                 format: Annotated[Literal["json", "fhir"], Query(description="json or fhir")] = "json",
                 ) -> JSONResponse:
    """All your entries: ``json`` (read back by import) or ``fhir`` (an R4 collection Bundle)."""
    catalogue = request.app.state.catalogue
    with diary_session(request) as session:
        if format == "fhir":
            document = fhir_bundle(session, owner=owner, catalogue=catalogue)
        else:
            document = export_document(session, owner=owner, catalogue=catalogue)
    name = f"mscare-diary-{dt.date.today().isoformat()}{'.fhir' if format == 'fhir' else ''}.json"
    return JSONResponse(document, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@body_router.post("/api/diary/import")
def import_route(request: Request, owner: Owner, document: Annotated[dict[str, Any], Body()]) -> dict[str, int]:
    """Add the entries of a JSON export; entries already in your diary (same id) are skipped."""
    with diary_session(request, write=True) as session:
        return import_document(session, owner=owner, data=check_document(document),
                               catalogue=request.app.state.catalogue)
