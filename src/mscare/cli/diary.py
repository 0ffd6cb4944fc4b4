"""``mscare diary``: the personal MS diary on the command line (one local owner)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from mscare.catalogue import Catalogue, UnknownTherapy, default_catalogue
from mscare.cli.common import JsonFlag, app, emit_json, fail
from mscare.diary import io as diary_io
from mscare.diary.db import LOCAL_OWNER, Diary, DiaryConfigError, open_diary
from mscare.diary.due import due_ics, due_lookup, due_tests
from mscare.diary.fhir import fhir_bundle
from mscare.diary.inputs import (
    DiaryInputError,
    ListQuery,
    RelapseInput,
    SymptomInput,
    TestInput,
    TherapyInput,
    TherapyStopInput,
    parse,
    symptom_names,
)
from mscare.diary.store import (
    Entry,
    add_relapse,
    add_symptom,
    add_test,
    add_therapy,
    delete_entry,
    list_entries,
    stop_therapy,
    transaction,
)
from mscare.diary.summary import build_summary, summary_html, summary_markdown
from mscare.models import REGIONS, Region
from mscare.render import table

diary_app = typer.Typer(no_args_is_help=True, help="My MS diary: therapies, relapses, symptoms and tests, kept "
                                                   "on this computer (or in MSCARE_DATABASE_URL).")
therapy_app = typer.Typer(no_args_is_help=True, help="Therapies you take or took.")
relapse_app = typer.Typer(no_args_is_help=True, help="Relapses.")
symptom_app = typer.Typer(no_args_is_help=True, help="Symptom scores (0 = none, 10 = worst).")
test_app = typer.Typer(no_args_is_help=True, help="Tests and scans done.")
app.add_typer(diary_app, name="diary")
for sub, name in ((therapy_app, "therapy"), (relapse_app, "relapse"), (symptom_app, "symptom"), (test_app, "test")):
    diary_app.add_typer(sub, name=name)

DateOpt = Annotated[str, typer.Option("--date", help="YYYY-MM-DD.")]
RegionOpt = Annotated[str, typer.Option("--region", help="Whose label timetable: us, eu or uk.")]
TodayOpt = Annotated[str | None, typer.Option("--today", help="Count from this day instead of today (YYYY-MM-DD).")]
T = TypeVar("T")


def open_or_fail() -> Diary:
    try:
        return open_diary()
    except DiaryConfigError as err:
        fail(str(err))


@contextmanager
def diary_errors() -> Iterator[None]:
    """Turn the diary's input errors into one line on stderr and exit 2."""
    try:
        yield
    except UnknownTherapy as err:
        fail(err.cli_message())
    except DiaryInputError as err:
        fail(str(err))
    except SQLAlchemyError as err:  # e.g. the PostgreSQL server went away: nothing of this command was stored
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        fail(f"the diary database failed, nothing was changed: {reason}", code=1)


def write(action: Callable[[Session, Catalogue], T]) -> T:
    """Run one write as one transaction: all of it is stored, or (on bad input) none of it."""
    catalogue = default_catalogue()
    diary = open_or_fail()
    try:
        with diary_errors(), transaction(diary) as session:
            return action(session, catalogue)
    finally:
        diary.close()


def read(action: Callable[[Diary, Session, Catalogue], T]) -> T:
    catalogue = default_catalogue()
    diary = open_or_fail()
    try:
        with diary_errors(), diary.sessions() as session:
            return action(diary, session, catalogue)
    finally:
        diary.close()


def today_or(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--today must be a real date as YYYY-MM-DD, got {value!r}")


def region_or_fail(value: str) -> Region:
    key = value.strip().lower()
    if key not in REGIONS:
        fail(f"--region must be one of {', '.join(REGIONS)}, got {value!r}")
    return cast(Region, key)


def show_entry(entry: Entry, as_json: bool, verb: str = "Added") -> None:
    if as_json:
        emit_json(entry.to_json())
        return
    detail = ", ".join(f"{k}: {v}" for k, v in entry.fields.items() if v not in (None, "") and k != "label")
    typer.echo(f"{verb} {entry.kind} {entry.id} on {entry.date}: {detail}")


@therapy_app.command("add")
def therapy_add(
    name: Annotated[str, typer.Argument(help="The therapy: any name the catalogue accepts (brand, generic).")],
    start: Annotated[str, typer.Option(help="First dose, YYYY-MM-DD.")],
    stop: Annotated[str | None, typer.Option(help="Last dose, YYYY-MM-DD (leave out while you take it).")] = None,
    reason: Annotated[str | None, typer.Option(help="Why it was stopped.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a therapy. Example: mscare diary therapy add tysabri --start 2025-03-01"""
    with diary_errors():
        data = parse(TherapyInput, name=name, start=start, stop=stop, reason=reason)
    show_entry(write(lambda s, c: add_therapy(s, owner=LOCAL_OWNER, data=data, catalogue=c)), as_json)


@therapy_app.command("stop")
def therapy_stop(
    name: Annotated[str, typer.Argument(help="The therapy you stopped.")],
    date: DateOpt,
    reason: Annotated[str | None, typer.Option(help="Why it was stopped.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record the day a therapy stopped. Example: mscare diary therapy stop tysabri --date 2026-05-01"""
    with diary_errors():
        data = parse(TherapyStopInput, name=name, date=date, reason=reason)
    show_entry(write(lambda s, c: stop_therapy(s, owner=LOCAL_OWNER, data=data, catalogue=c)), as_json, "Stopped")


@relapse_app.command("add")
def relapse_add(
    date: DateOpt,
    symptoms: Annotated[str, typer.Option(help="What happened, in your words.")],
    treated_with: Annotated[str | None, typer.Option(help="A relapse treatment, e.g. methylprednisolone.")] = None,
    recovery: Annotated[str, typer.Option(help="full, partial, none or unknown.")] = "unknown",
    as_json: JsonFlag = False,
) -> None:
    """Record a relapse. Example: mscare diary relapse add --date 2026-02-10 --symptoms "blurred left eye\""""
    with diary_errors():
        data = parse(RelapseInput, date=date, symptoms=symptoms, treated_with=treated_with, recovery=recovery)
    show_entry(write(lambda s, c: add_relapse(s, owner=LOCAL_OWNER, data=data, catalogue=c)), as_json)


@symptom_app.command("add")
def symptom_add(
    date: DateOpt,
    symptom: Annotated[str, typer.Option(help="One of: " + ", ".join(symptom_names()) + ".")],
    score: Annotated[str, typer.Option(help="0 (none) to 10 (worst).")],
    note: Annotated[str | None, typer.Option(help="Anything to remember.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Score a symptom. Example: mscare diary symptom add --date 2026-03-01 --symptom fatigue --score 6"""
    with diary_errors():
        data = parse(SymptomInput, date=date, symptom=symptom, score=score, note=note)
    show_entry(write(lambda s, c: add_symptom(s, owner=LOCAL_OWNER, data=data, catalogue=c)), as_json)


@test_app.command("add")
def test_add(
    date: DateOpt,
    for_due: Annotated[str | None, typer.Option("--for", help="The id of a due test (see 'mscare diary due').")] = None,
    test: Annotated[str | None, typer.Option(help="The test, if it is not a due one.")] = None,
    result: Annotated[str | None, typer.Option(help="The result, as you were told it.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a test or scan. Example: mscare diary test add --date 2026-04-02 --for natalizumab-20260401-1a2b3c"""
    with diary_errors():
        data = parse(TestInput, date=date, due_id=for_due, test=test, result=result)

    def action(session: Session, catalogue: Catalogue) -> Entry:
        due = None
        if data.due_id is not None:
            due = due_lookup(session, owner=LOCAL_OWNER, catalogue=catalogue, today=max(dt.date.today(), data.date))
        return add_test(session, owner=LOCAL_OWNER, data=data, catalogue=catalogue, due_tests=due)

    show_entry(write(action), as_json)


@diary_app.command("list")
def list_cmd(
    kind: Annotated[str | None, typer.Option(help="therapy, relapse, symptom or test.")] = None,
    since: Annotated[str | None, typer.Option(help="Only entries from this day on (YYYY-MM-DD).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List diary entries in date order."""
    with diary_errors():
        query = parse(ListQuery, kind=kind, since=since)
    entries = read(lambda _d, s, c: list_entries(s, owner=LOCAL_OWNER, query=query, catalogue=c))
    if as_json:
        emit_json({"entries": [e.to_json() for e in entries]})
        return
    rows = [[e.id, e.kind, e.date.isoformat(), describe(e)] for e in entries]
    typer.echo(table(["id", "kind", "date", "what"], rows, 70) if rows else "The diary is empty.")


def describe(entry: Entry) -> str:
    f = entry.fields
    if entry.kind == "therapy":
        return f"{f['name']} from {f['start']}" + (f" to {f['stop']}" if f["stop"] else " (current)")
    if entry.kind == "relapse":
        return f"relapse: {f['symptoms']} (recovery {f['recovery']})"
    if entry.kind == "symptom":
        return f"{f['label']}: {f['score']}/10" + (f" ({f['note']})" if f["note"] else "")
    return f["test"] + (f": {f['result']}" if f["result"] else "")


@diary_app.command("delete")
def delete_cmd(entry_id: Annotated[str, typer.Argument(metavar="ID", help="The entry's id.")],
               as_json: JsonFlag = False) -> None:
    """Delete one entry by its id (see 'mscare diary list')."""
    kind = write(lambda s, _c: delete_entry(s, owner=LOCAL_OWNER, entry_id=entry_id))
    if as_json:
        emit_json({"deleted": entry_id, "kind": kind})
    else:
        typer.echo(f"Deleted {kind} {entry_id}.")


@diary_app.command("due")
def due_cmd(
    today: TodayOpt = None,
    region: RegionOpt = "us",
    ics: Annotated[Path | None, typer.Option(help="Also write the due tests to this .ics calendar file.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Tests overdue, due in the next 30 days and next up, from your therapies' monitoring schedules."""
    day, where = today_or(today), region_or_fail(region)
    report = read(lambda _d, s, c: due_tests(s, owner=LOCAL_OWNER, catalogue=c, today=day, region=where))
    if ics is not None:
        save(ics, due_ics(report))
    if as_json:
        emit_json(report.to_json())
        return
    rows = [[i.status.replace("_", " "), i.due.isoformat(), i.test, i.therapy_name, i.id] for i in report.due]
    typer.echo(table(["status", "due", "test", "therapy", "id"], rows, 50) if rows else "No tests due.")
    for note in report.notes:
        typer.echo(f"Note: {note}")
    if ics is not None:
        typer.echo(f"Calendar written to {ics}")


@diary_app.command("summary")
def summary_cmd(
    months: Annotated[int, typer.Option(min=1, max=120, help="How many months back (1-120).")] = 6,
    output_format: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    today: TodayOpt = None,
    region: RegionOpt = "us",
    as_json: JsonFlag = False,
) -> None:
    """A printable summary for your next appointment."""
    if output_format not in ("md", "html"):
        fail(f"--format must be md or html, got {output_format!r}")
    day, where = today_or(today), region_or_fail(region)
    summary = read(lambda _d, s, c: build_summary(s, owner=LOCAL_OWNER, catalogue=c, today=day, months=months,
                                                  region=where))
    if as_json:
        emit_json(summary.to_json())
    else:
        typer.echo(summary_html(summary) if output_format == "html" else summary_markdown(summary))


def save(path: Path, data: bytes) -> None:
    try:
        diary_io.write_atomically(path, data)
    except OSError as err:
        fail(f"cannot write {path}: {err.strerror}")


def dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


@diary_app.command("export")
def export_cmd(
    fhir: Annotated[Path | None, typer.Option(help="Write a FHIR R4 Bundle (JSON) here.")] = None,
    json_file: Annotated[Path | None, typer.Option("--json-file", "--json", help="Write the diary as JSON here "
                                                   "(read back by 'mscare diary import').")] = None,
) -> None:
    """Export the diary: --fhir FILE (for health records) or --json FILE (for backup and import)."""
    if (fhir is None) == (json_file is None):
        fail("give one of --fhir FILE or --json FILE")
    if fhir is not None:
        bundle = read(lambda _d, s, c: fhir_bundle(s, owner=LOCAL_OWNER, catalogue=c))
        save(fhir, dumps(bundle))
        typer.echo(f"FHIR bundle with {len(bundle['entry'])} resources written to {fhir}")
    elif json_file is not None:
        document = read(lambda _d, s, c: diary_io.export_document(s, owner=LOCAL_OWNER, catalogue=c))
        save(json_file, dumps(document))
        typer.echo(f"{len(document['entries'])} entries written to {json_file}")


@diary_app.command("import")
def import_cmd(path: Annotated[Path, typer.Argument(metavar="FILE", help="A file from 'mscare diary export --json'.")],
               as_json: JsonFlag = False) -> None:
    """Add the entries of a JSON export; entries already in the diary are skipped."""
    with diary_errors():
        document = diary_io.read_document(path)
    counts = write(lambda s, c: diary_io.import_document(s, owner=LOCAL_OWNER, data=document, catalogue=c))
    if as_json:
        emit_json(counts)
    else:
        typer.echo(f"Imported {counts['added']} entries ({counts['skipped']} already in the diary).")


@diary_app.command("backup")
def backup_cmd(path: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write the backup.")],
               as_json: JsonFlag = False) -> None:
    """Back up the diary: a copy of the SQLite file, or a JSON export when the diary is on PostgreSQL."""

    def action(diary: Diary, _session: Session, catalogue: Catalogue) -> dict[str, Any]:
        try:
            return diary_io.backup(diary, owner=LOCAL_OWNER, path=path, catalogue=catalogue)
        except OSError as err:
            fail(f"cannot write {path}: {err.strerror}")

    result = read(action)
    if as_json:
        emit_json(result)
    else:
        typer.echo(f"Backup ({result['format']}) written to {result['path']}")
