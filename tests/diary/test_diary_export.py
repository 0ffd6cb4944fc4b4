"""JSON export and import (lossless, idempotent), the FHIR bundle and backups, on both engines."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

Cli = Callable[..., Result]


def ok(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if result.stdout.lstrip().startswith("{") else result.stdout


def fill(cli: Cli) -> None:
    ok(cli("therapy", "add", "tecfidera", "--start", "2019-01-01", "--stop", "2025-12-31", "--reason",
           "relapses: «two» in 2025", "--json"))
    ok(cli("therapy", "add", "ocrevus", "--start", "2026-01-10", "--json"))
    ok(cli("relapse", "add", "--date", "2026-03-05", "--symptoms", "numb legs", "--treated-with", "methylprednisolone",
           "--recovery", "partial", "--json"))
    ok(cli("symptom", "add", "--date", "2026-02-01", "--symptom", "fatigue", "--score", "7", "--note", "hot week",
           "--json"))
    ok(cli("symptom", "add", "--date", "2026-04-01", "--symptom", "walking", "--score", "0", "--json"))
    due = ok(cli("due", "--today", "2026-07-01", "--json"))["due"]
    ok(cli("test", "add", "--date", "2026-01-09", "--for", due[0]["id"], "--result", "negative", "--json"))
    ok(cli("test", "add", "--date", "2026-05-01", "--test", "MRI brain", "--json"))


def test_json_round_trip_and_idempotent_import(cli: Cli, tmp_path: Path, snapshot: Callable[[], list[Any]]) -> None:
    fill(cli)
    first = tmp_path / "diary.json"
    assert "7 entries written" in ok(cli("export", "--json", str(first)))
    document = json.loads(first.read_text(encoding="utf-8"))
    assert document["format"] == "mscare-diary" and len(document["entries"]) == 7
    assert first.stat().st_mode & 0o777 == 0o600
    before = snapshot()

    for entry in ok(cli("list", "--json"))["entries"]:
        ok(cli("delete", entry["id"], "--json"))
    assert ok(cli("list", "--json"))["entries"] == []
    assert ok(cli("import", str(first), "--json")) == {"added": 7, "skipped": 0}
    assert snapshot() == before  # every column of every row, recorded_at included
    second = tmp_path / "again.json"
    ok(cli("export", "--json", str(second)))
    assert json.loads(second.read_text(encoding="utf-8")) == document

    assert ok(cli("import", str(first), "--json")) == {"added": 0, "skipped": 7}
    assert snapshot() == before


def test_bad_import_stores_nothing(cli: Cli, tmp_path: Path, snapshot: Callable[[], list[Any]]) -> None:
    fill(cli)
    path = tmp_path / "diary.json"
    ok(cli("export", "--json", str(path)))
    document = json.loads(path.read_text(encoding="utf-8"))
    for entry in ok(cli("list", "--json"))["entries"]:
        ok(cli("delete", entry["id"], "--json"))
    before = snapshot()
    broken = dict(document, entries=[*document["entries"], {**document["entries"][3], "id": "sy-0000000f",
                                                            "score": 12}])
    path.write_text(json.dumps(broken), encoding="utf-8")
    result = cli("import", str(path))
    assert result.exit_code == 2 and "entries[7].score" in result.stderr, result.output
    (tmp_path / "not.json").write_text("{oops", encoding="utf-8")
    assert cli("import", str(tmp_path / "not.json")).exit_code == 2
    (tmp_path / "other.json").write_text('{"entries": []}', encoding="utf-8")
    assert "not an mscare diary export" in cli("import", str(tmp_path / "other.json")).stderr
    assert cli("import", str(tmp_path / "missing.json")).exit_code == 2
    assert snapshot() == before == []


def test_fhir_bundle_validates(cli: Cli, tmp_path: Path) -> None:
    from fhir.resources.R4B.bundle import Bundle

    fill(cli)
    path = tmp_path / "diary.fhir.json"
    assert "FHIR bundle with 9 resources" in ok(cli("export", "--fhir", str(path)))
    raw = json.loads(path.read_text(encoding="utf-8"))
    bundle = Bundle.model_validate(raw)
    assert bundle.type == "collection"
    resources = [e.resource for e in bundle.entry]
    kinds = [r.get_resource_type() for r in resources]
    assert kinds.count("Patient") == 1 and kinds.count("Condition") == 1
    assert kinds.count("MedicationStatement") == 2 and kinds.count("Observation") == 5
    patient = resources[kinds.index("Patient")]
    assert not patient.identifier and not patient.name
    condition = resources[kinds.index("Condition")]
    assert (condition.code.coding[0].system, condition.code.coding[0].code) == ("http://snomed.info/sct", "24700007")
    statements = {r.medicationCodeableConcept.text: r for r in resources
                  if r.get_resource_type() == "MedicationStatement"}
    assert statements["dimethyl fumarate"].status == "completed"
    assert str(statements["dimethyl fumarate"].effectivePeriod.end) == "2025-12-31"
    assert statements["ocrelizumab"].status == "active"
    scores = {r.code.text: r.valueInteger for r in resources
              if r.get_resource_type() == "Observation" and r.valueInteger is not None}
    assert scores == {"Fatigue score (0 = none, 10 = worst)": 7, "Walking score (0 = none, 10 = worst)": 0}
    patient_url = raw["entry"][0]["fullUrl"]
    assert all(r["resource"].get("subject", {"reference": patient_url})["reference"] == patient_url
               for r in raw["entry"])
    again = tmp_path / "again.json"
    ok(cli("export", "--fhir", str(again)))
    assert json.loads(again.read_text())["entry"] == raw["entry"]  # stable ids


def test_export_needs_one_target(cli: Cli, tmp_path: Path) -> None:
    assert cli("export").exit_code == 2
    result = cli("export", "--json", str(tmp_path / "a.json"), "--fhir", str(tmp_path / "b.json"))
    assert result.exit_code == 2 and "one of" in result.stderr
    assert cli("export", "--json", str(tmp_path / "no" / "such" / "dir.json")).exit_code == 2


def test_backup(cli: Cli, tmp_path: Path, engine_name: str) -> None:
    fill(cli)
    path = tmp_path / "backup.db"
    result = ok(cli("backup", str(path), "--json"))
    assert result["path"] == str(path)
    if engine_name == "sqlite":
        assert result["format"] == "sqlite" and path.stat().st_mode & 0o777 == 0o600
        with sqlite3.connect(path) as conn:
            counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("diary_therapy", "diary_relapse", "diary_symptom", "diary_test")]
        conn.close()
        assert counts == [2, 1, 2, 2]
    else:
        assert result["format"] == "json"
        assert len(json.loads(path.read_text(encoding="utf-8"))["entries"]) == 7
        assert ok(cli("import", str(path), "--json")) == {"added": 0, "skipped": 7}
