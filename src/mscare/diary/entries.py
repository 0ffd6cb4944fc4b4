"""One input model for a new entry of any kind (``kind`` picks the fields) and the one call that stores it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, cast

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from mscare.catalogue import Catalogue
from mscare.diary.due import due_lookup
from mscare.diary.inputs import DiaryInputError, RelapseInput, SymptomInput, TestInput, TherapyInput
from mscare.diary.io import FORMAT, VERSION
from mscare.diary.models import ROWS, RelapseRow, SymptomRow, TestRow, TherapyRow
from mscare.diary.store import Entry, Row, add_relapse, add_symptom, add_test, add_therapy, to_entry


class NewTherapy(TherapyInput):
    kind: Literal["therapy"]


class NewRelapse(RelapseInput):
    kind: Literal["relapse"]


class NewSymptom(SymptomInput):
    kind: Literal["symptom"]


class NewTest(TestInput):
    __test__ = False  # not a pytest class
    kind: Literal["test"]


NewEntry = Annotated[NewTherapy | NewRelapse | NewSymptom | NewTest, Field(discriminator="kind")]


def add_entry(session: Session, *, owner: str, data: NewTherapy | NewRelapse | NewSymptom | NewTest,
              catalogue: Catalogue, today: dt.date | None = None) -> Entry:
    """Store a new entry of ``data.kind`` for ``owner``; a test ``due_id`` must name one of the owner's due items."""
    if isinstance(data, NewTherapy):
        return add_therapy(session, owner=owner, data=data, catalogue=catalogue)
    if isinstance(data, NewRelapse):
        return add_relapse(session, owner=owner, data=data, catalogue=catalogue)
    if isinstance(data, NewSymptom):
        return add_symptom(session, owner=owner, data=data, catalogue=catalogue)
    due = None
    if data.due_id is not None:
        day = max(today or dt.date.today(), data.date)
        due = due_lookup(session, owner=owner, catalogue=catalogue, today=day)
    return add_test(session, owner=owner, data=data, catalogue=catalogue, due_tests=due)


def check_document(data: Any) -> dict[str, Any]:
    """An export document to import (``io.import_document``), or ``DiaryInputError`` saying what is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), list):
        raise DiaryInputError("not an mscare diary export (a JSON object with format 'mscare-diary' and entries)")
    if data.get("version") != VERSION:
        raise DiaryInputError(f"export version {data.get('version')!r} is not supported (expected {VERSION})")
    return data


class EntryNotFound(LookupError):
    """No entry with this id in the owner's diary (another owner's entry is not found either)."""


def find_row(session: Session, owner: str, entry_id: str) -> tuple[str, Row]:
    for kind, model in ROWS.items():
        row = session.get(model, (owner, entry_id))
        if row is not None:
            return kind, cast(Row, row)
    raise EntryNotFound(entry_id)


def update_entry(session: Session, *, owner: str, entry_id: str,
                 data: NewTherapy | NewRelapse | NewSymptom | NewTest, catalogue: Catalogue,
                 today: dt.date | None = None) -> Entry:
    """Change one of the owner's entries in place (same id, same kind), with the same checks as adding it."""
    kind, row = find_row(session, owner, entry_id)
    if kind != data.kind:
        raise DiaryInputError(f"this entry is a {kind}; delete it and add a new {data.kind} instead")
    if isinstance(row, TherapyRow) and isinstance(data, NewTherapy):
        therapy = catalogue.lookup(data.name)
        for other in session.scalars(select(TherapyRow).where(
                TherapyRow.owner_id == owner, TherapyRow.therapy_id == therapy.id, TherapyRow.id != row.id)):
            if data.start <= (other.stop or dt.date.max) and other.start <= (data.stop or dt.date.max):
                raise DiaryInputError(f"the diary already has {therapy.generic_name} from {other.start} to "
                                      f"{other.stop or 'now'} ({other.id})")
        row.therapy_id, row.start, row.stop, row.reason = therapy.id, data.start, data.stop, data.reason
    elif isinstance(row, RelapseRow) and isinstance(data, NewRelapse):
        row.treated_with = catalogue.lookup(data.treated_with).id if data.treated_with else None
        row.date, row.symptoms, row.recovery = data.date, data.symptoms, data.recovery
    elif isinstance(row, SymptomRow) and isinstance(data, NewSymptom):
        row.date, row.symptom, row.score, row.note = data.date, data.symptom, data.score, data.note
    elif isinstance(row, TestRow) and isinstance(data, NewTest):
        therapy_id, test = None, data.test or ""
        if data.due_id is not None:
            due = due_lookup(session, owner=owner, catalogue=catalogue,
                             today=max(today or dt.date.today(), data.date))
            if data.due_id not in due:
                raise DiaryInputError(f"due_id {data.due_id!r} is not one of your due tests")
            therapy_id, test = due[data.due_id]
        row.date, row.test, row.due_id, row.therapy_id, row.result = data.date, test, data.due_id, therapy_id, \
            data.result
    session.flush()
    return to_entry(row, catalogue)
