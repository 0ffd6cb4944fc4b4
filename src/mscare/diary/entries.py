"""One input model for a new entry of any kind (``kind`` picks the fields) and the one call that stores it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy.orm import Session

from mscare.catalogue import Catalogue
from mscare.diary.due import due_lookup
from mscare.diary.inputs import DiaryInputError, RelapseInput, SymptomInput, TestInput, TherapyInput
from mscare.diary.io import FORMAT, VERSION
from mscare.diary.store import Entry, add_relapse, add_symptom, add_test, add_therapy


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
