"""JSON export and import (lossless, idempotent) and backups of the diary."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from mscare.catalogue import Catalogue, UnknownTherapy
from mscare.diary.db import Diary
from mscare.diary.inputs import (
    DiaryInputError,
    ListQuery,
    RelapseInput,
    SymptomInput,
    TestInput,
    TherapyInput,
)
from mscare.diary.models import RelapseRow, SymptomRow, TestRow, TherapyRow
from mscare.diary.store import PREFIX, Row, insert_rows, list_entries

FORMAT, VERSION = "mscare-diary", 1
ID_PATTERN = re.compile(r"^[a-z]{2}-[0-9a-f]{8}$")


def export_document(session: Session, *, owner: str, catalogue: Catalogue) -> dict[str, Any]:
    """Everything the owner has recorded, as the JSON document ``import_document`` reads back."""
    entries = list_entries(session, owner=owner, query=ListQuery(), catalogue=catalogue)
    return {"format": FORMAT, "version": VERSION, "entries": [e.to_json() for e in entries]}


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temp file beside ``path`` and rename, so a crash never leaves half a file."""
    path = path.expanduser()
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_document(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DiaryInputError(f"cannot read {path}: {err.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DiaryInputError(f"{path} is not JSON: {err}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), list):
        raise DiaryInputError(f"{path} is not an mscare diary export (made by 'mscare diary export --json')")
    if data.get("version") != VERSION:
        raise DiaryInputError(f"{path}: export version {data.get('version')!r} is not supported (expected {VERSION})")
    return data


def row_from(raw: dict[str, Any], catalogue: Catalogue) -> Row:
    """One exported entry back into a row, through the same input models as the commands."""
    kind, entry_id = raw.get("kind"), raw.get("id")
    if kind not in PREFIX or not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id) \
            or not entry_id.startswith(PREFIX[kind] + "-"):
        raise ValueError(f"bad kind or id ({kind!r}, {entry_id!r})")
    recorded = dt.datetime.fromisoformat(str(raw["recorded_at"]))
    common = {"id": entry_id, "owner_id": "", "recorded_at": recorded}
    if kind == "therapy":
        therapy = TherapyInput(name=raw["therapy"], start=raw["start"], stop=raw.get("stop"), reason=raw.get("reason"))
        return TherapyRow(**common, therapy_id=catalogue.lookup(therapy.name).id, start=therapy.start,
                          stop=therapy.stop, reason=therapy.reason)
    if kind == "relapse":
        relapse = RelapseInput(date=raw["date"], symptoms=raw["symptoms"], treated_with=raw.get("treated_with"),
                               recovery=raw.get("recovery", "unknown"))
        treated = catalogue.lookup(relapse.treated_with).id if relapse.treated_with else None
        return RelapseRow(**common, date=relapse.date, symptoms=relapse.symptoms, treated_with=treated,
                          recovery=relapse.recovery)
    if kind == "symptom":
        symptom = SymptomInput(date=raw["date"], symptom=raw["symptom"], score=raw["score"], note=raw.get("note"))
        return SymptomRow(**common, date=symptom.date, symptom=symptom.symptom, score=symptom.score,
                          note=symptom.note)
    test = TestInput(date=raw["date"], test=raw["test"], result=raw.get("result"))
    return TestRow(**common, date=test.date, test=test.test, due_id=raw.get("due_id"),
                   therapy_id=raw.get("therapy"), result=test.result)


def import_document(session: Session, *, owner: str, data: dict[str, Any], catalogue: Catalogue) -> dict[str, int]:
    """Add every entry not already in the owner's diary (by id): importing twice adds nothing."""
    rows: list[Row] = []
    for index, raw in enumerate(data["entries"]):
        try:
            if not isinstance(raw, dict):
                raise ValueError("not an object")
            rows.append(row_from(raw, catalogue))
        except UnknownTherapy as err:
            raise DiaryInputError(f"entries[{index}]: {err.message()}") from None
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise DiaryInputError(f"entries[{index}].{where}: {first['msg']}") from None
        except (KeyError, TypeError, ValueError) as err:
            raise DiaryInputError(f"entries[{index}]: {err}") from None
    added, skipped = insert_rows(session, owner=owner, rows=rows)
    return {"added": added, "skipped": skipped}


def backup(diary: Diary, *, owner: str, path: Path, catalogue: Catalogue) -> dict[str, Any]:
    """A SQLite diary is copied whole with SQLite's online backup; a PostgreSQL one as the owner's JSON export."""
    path = path.expanduser()
    if diary.dialect == "sqlite":
        source = diary.engine.url.database or ""
        temp = path.with_name(f".{path.name}.partial")
        temp.unlink(missing_ok=True)
        os.close(os.open(temp, os.O_CREAT | os.O_WRONLY, 0o600))
        src, dst = sqlite3.connect(source), sqlite3.connect(temp)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        os.replace(temp, path)
        return {"path": str(path), "format": "sqlite"}
    with diary.sessions() as session:
        document = export_document(session, owner=owner, catalogue=catalogue)
    write_atomically(path, json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8"))
    return {"path": str(path), "format": "json"}
