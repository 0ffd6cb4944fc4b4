"""The one place that reads and writes diary rows. Every query filters by owner; every write is one transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from mscare.catalogue import Catalogue
from mscare.diary.db import Diary
from mscare.diary.inputs import (
    DiaryInputError,
    ListQuery,
    RelapseInput,
    SymptomInput,
    TestInput,
    TherapyInput,
    TherapyStopInput,
    symptom_names,
)
from mscare.diary.models import ROWS, RelapseRow, SymptomRow, TestRow, TherapyRow

PREFIX = {"therapy": "th", "relapse": "re", "symptom": "sy", "test": "te"}
Row = TherapyRow | RelapseRow | SymptomRow | TestRow


@dataclass(frozen=True)
class Entry:
    """One diary entry as every face shows it: ``id``, ``kind``, ``date`` and the kind's own fields."""

    id: str
    kind: str
    date: dt.date
    recorded_at: dt.datetime
    fields: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        values = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in self.fields.items()}
        return {"id": self.id, "kind": self.kind, "date": self.date.isoformat(), **values,
                "recorded_at": self.recorded_at.isoformat()}


@contextmanager
def transaction(diary: Diary) -> Iterator[Session]:
    """A session whose work commits as one transaction on success and rolls back on any error."""
    with diary.sessions.begin() as session:
        yield session


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_id(kind: str) -> str:
    return f"{PREFIX[kind]}-{secrets.token_hex(4)}"


def therapy_name(catalogue: Catalogue, therapy_id: str | None) -> str | None:
    if therapy_id is None:
        return None
    therapy = catalogue.therapies.get(therapy_id)
    return therapy.generic_name if therapy else therapy_id


def to_entry(row: Row, catalogue: Catalogue) -> Entry:
    """A row as an ``Entry``; therapy ids also carry the catalogue's generic name."""
    if isinstance(row, TherapyRow):
        return Entry(row.id, "therapy", row.start, row.recorded_at, {
            "therapy": row.therapy_id, "name": therapy_name(catalogue, row.therapy_id), "start": row.start,
            "stop": row.stop, "reason": row.reason})
    if isinstance(row, RelapseRow):
        return Entry(row.id, "relapse", row.date, row.recorded_at, {
            "symptoms": row.symptoms, "treated_with": row.treated_with,
            "treated_with_name": therapy_name(catalogue, row.treated_with), "recovery": row.recovery})
    if isinstance(row, SymptomRow):
        return Entry(row.id, "symptom", row.date, row.recorded_at, {
            "symptom": row.symptom, "label": symptom_names().get(row.symptom, row.symptom), "score": row.score,
            "note": row.note})
    return Entry(row.id, "test", row.date, row.recorded_at, {
        "test": row.test, "due_id": row.due_id, "therapy": row.therapy_id, "result": row.result})


def add_therapy(session: Session, *, owner: str, data: TherapyInput, catalogue: Catalogue) -> Entry:
    """Record a period on a therapy; the name goes through the catalogue lookup (``UnknownTherapy``)."""
    therapy = catalogue.lookup(data.name)
    for other in session.scalars(select(TherapyRow).where(TherapyRow.owner_id == owner,
                                                           TherapyRow.therapy_id == therapy.id)):
        if data.start <= (other.stop or dt.date.max) and other.start <= (data.stop or dt.date.max):
            until = other.stop or "now"
            raise DiaryInputError(f"the diary already has {therapy.generic_name} from {other.start} to {until} "
                                  f"({other.id}); stop or delete that entry first")
    row = TherapyRow(owner_id=owner, id=new_id("therapy"), recorded_at=now(), therapy_id=therapy.id,
                     start=data.start, stop=data.stop, reason=data.reason)
    session.add(row)
    session.flush()
    return to_entry(row, catalogue)


def stop_therapy(session: Session, *, owner: str, data: TherapyStopInput, catalogue: Catalogue) -> Entry:
    """Close the open period of a therapy on ``data.date``."""
    therapy = catalogue.lookup(data.name)
    row = session.scalars(select(TherapyRow).where(
        TherapyRow.owner_id == owner, TherapyRow.therapy_id == therapy.id, TherapyRow.stop.is_(None),
    ).order_by(TherapyRow.start.desc())).first()
    if row is None:
        raise DiaryInputError(f"no current {therapy.generic_name} in the diary; add it with 'mscare diary therapy add'")
    if data.date < row.start:
        raise DiaryInputError(f"--date {data.date} is before the start of {therapy.generic_name} ({row.start})")
    row.stop = data.date
    if data.reason:
        row.reason = data.reason
    session.flush()
    return to_entry(row, catalogue)


def add_relapse(session: Session, *, owner: str, data: RelapseInput, catalogue: Catalogue) -> Entry:
    treated = catalogue.lookup(data.treated_with).id if data.treated_with else None
    row = RelapseRow(owner_id=owner, id=new_id("relapse"), recorded_at=now(), date=data.date,
                     symptoms=data.symptoms, treated_with=treated, recovery=data.recovery)
    session.add(row)
    session.flush()
    return to_entry(row, catalogue)


def add_symptom(session: Session, *, owner: str, data: SymptomInput, catalogue: Catalogue) -> Entry:
    row = SymptomRow(owner_id=owner, id=new_id("symptom"), recorded_at=now(), date=data.date,
                     symptom=data.symptom, score=data.score, note=data.note)
    session.add(row)
    session.flush()
    return to_entry(row, catalogue)


def add_test(session: Session, *, owner: str, data: TestInput, catalogue: Catalogue,
             due_tests: dict[str, tuple[str, str]] | None = None) -> Entry:
    """Record a test done; ``--for`` must name a due item (``due_tests``: due id -> (therapy id, test))."""
    therapy_id, test = None, data.test
    if data.due_id is not None:
        if due_tests is None or data.due_id not in due_tests:
            raise DiaryInputError(f"--for {data.due_id!r} is not a due item; see 'mscare diary due'")
        therapy_id, test = due_tests[data.due_id]
    row = TestRow(owner_id=owner, id=new_id("test"), recorded_at=now(), date=data.date, test=test or "",
                  due_id=data.due_id, therapy_id=therapy_id, result=data.result)
    session.add(row)
    session.flush()
    return to_entry(row, catalogue)


def rows_of(session: Session, owner: str, kind: str) -> list[Row]:
    model = ROWS[kind]
    return list(session.scalars(select(model).where(model.owner_id == owner)))


def therapy_periods(session: Session, *, owner: str) -> list[TherapyRow]:
    return list(session.scalars(select(TherapyRow).where(TherapyRow.owner_id == owner)
                                .order_by(TherapyRow.start, TherapyRow.recorded_at)))


def tests_done(session: Session, *, owner: str) -> list[TestRow]:
    return list(session.scalars(select(TestRow).where(TestRow.owner_id == owner).order_by(TestRow.date)))


def list_entries(session: Session, *, owner: str, query: ListQuery, catalogue: Catalogue) -> list[Entry]:
    """The owner's entries in date order; ``since`` keeps therapy periods still running on that date."""
    entries: list[Entry] = []
    for kind in ([query.kind] if query.kind else list(ROWS)):
        for row in rows_of(session, owner, kind):
            entry = to_entry(row, catalogue)
            if query.since is not None:
                last = (row.stop or dt.date.max) if isinstance(row, TherapyRow) else entry.date
                if last < query.since:
                    continue
            entries.append(entry)
    entries.sort(key=lambda e: (e.date, e.recorded_at, e.id))
    return entries


def delete_entry(session: Session, *, owner: str, entry_id: str) -> str:
    """Delete one of the owner's entries by id; returns its kind."""
    for kind, model in ROWS.items():
        row = session.get(model, (owner, entry_id))
        if row is not None:
            session.delete(row)
            session.flush()
            return kind
    raise DiaryInputError(f"no diary entry with id {entry_id!r}; see 'mscare diary list'")


def existing_ids(session: Session, owner: str, model: type[Row], ids: list[str]) -> set[str]:
    found: set[str] = set()
    for at in range(0, len(ids), 500):
        chunk = ids[at:at + 500]
        found |= set(session.scalars(select(model.id).where(model.owner_id == owner, model.id.in_(chunk))))
    return found


def insert_rows(session: Session, *, owner: str, rows: list[Row]) -> tuple[int, int]:
    """Add imported rows under ``owner``, skipping ids already there; returns (added, skipped)."""
    seen: set[tuple[type[Row], str]] = set()
    for model in ROWS.values():
        ids = [r.id for r in rows if isinstance(r, model)]
        seen |= {(model, i) for i in existing_ids(session, owner, model, ids)}
    added = 0
    for row in rows:
        if (type(row), row.id) in seen:
            continue
        seen.add((type(row), row.id))
        row.owner_id = owner
        session.add(row)
        added += 1
    session.flush()
    return added, len(rows) - added


def get_entry(session: Session, *, owner: str, entry_id: str, catalogue: Catalogue) -> Entry | None:
    """One of the owner's entries by id; another owner's id is simply not found."""
    for model in ROWS.values():
        row = session.get(model, (owner, entry_id))
        if row is not None:
            return to_entry(cast(Row, row), catalogue)
    return None


def delete_owner(session: Session, *, owner: str) -> int:
    """Delete every entry of one owner (an account being deleted); returns how many."""
    count = 0
    for model in ROWS.values():
        rows = list(session.scalars(select(model).where(model.owner_id == owner)))
        for row in rows:
            session.delete(row)
        count += len(rows)
    session.flush()
    return count
