"""``mscare diary`` commands, each run for real on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

from mscare.care.monitoring import monitoring_schedule
from mscare.catalogue import Catalogue

Cli = Callable[..., Result]


def ok(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def bad(result: Result, *words: str) -> None:
    """Exit 2 with one line on stderr that names the problem."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]


def entries(cli: Cli, *args: str) -> list[dict[str, Any]]:
    return ok(cli("list", "--json", *args))["entries"]


def test_therapy_add_stop_and_list(cli: Cli) -> None:
    added = ok(cli("therapy", "add", "Tysabri", "--start", "2025-03-01", "--json"))
    assert (added["kind"], added["therapy"], added["name"], added["date"]) == (
        "therapy", "natalizumab", "natalizumab", "2025-03-01")
    assert added["stop"] is None
    stopped = ok(cli("therapy", "stop", "natalizumab", "--date", "2026-04-30", "--reason", "JCV positive", "--json"))
    assert (stopped["id"], stopped["stop"], stopped["reason"]) == (added["id"], "2026-04-30", "JCV positive")
    ok(cli("therapy", "add", "ocrevus", "--start", "2026-05-15", "--json"))
    listed = entries(cli, "--kind", "therapy")
    assert [(e["name"], e["start"], e["stop"]) for e in listed] == [
        ("natalizumab", "2025-03-01", "2026-04-30"), ("ocrelizumab", "2026-05-15", None)]
    text = cli("list")
    assert text.exit_code == 0 and "ocrelizumab from 2026-05-15 (current)" in text.stdout


def test_therapy_bad_input_stores_nothing(cli: Cli, snapshot: Callable[[], list[Any]]) -> None:
    ok(cli("therapy", "add", "ocrelizumab", "--start", "2024-01-01", "--json"))
    before = snapshot()
    bad(cli("therapy", "add", "notadrug", "--start", "2024-01-01"), "No therapy called 'notadrug'")
    bad(cli("therapy", "add", "ocrelizumb", "--start", "2024-02-30"), "--start", "YYYY-MM-DD")
    bad(cli("therapy", "add", "tysabri", "--start", "2024-05-01", "--stop", "2024-01-01"), "before --start")
    bad(cli("therapy", "add", "ocrevus", "--start", "2025-01-01"), "already has ocrelizumab")
    bad(cli("therapy", "stop", "tysabri", "--date", "2025-01-01"), "no current natalizumab")
    bad(cli("therapy", "stop", "ocrelizumab", "--date", "2023-01-01"), "before the start")
    assert snapshot() == before


def test_unknown_therapy_gets_suggestions(cli: Cli) -> None:
    result = cli("therapy", "add", "ocrelizum", "--start", "2024-01-01", "--json")
    if result.exit_code == 0:  # the catalogue accepts close misspellings outright
        assert json.loads(result.stdout)["therapy"] == "ocrelizumab"
    bad(cli("therapy", "add", "xyzzy", "--start", "2024-01-01"), "No therapy called 'xyzzy'")
    bad(cli("therapy", "add", "tecfider", "--start", "2024-01-01", "--stop", "2023-01-01"), "before --start")


def test_relapse_add(cli: Cli, snapshot: Callable[[], list[Any]]) -> None:
    relapse = ok(cli("relapse", "add", "--date", "2026-02-10", "--symptoms", "blurred left eye",
                     "--treated-with", "methylprednisolone", "--recovery", "partial", "--json"))
    assert (relapse["kind"], relapse["symptoms"], relapse["recovery"]) == ("relapse", "blurred left eye", "partial")
    assert relapse["treated_with"].startswith("methylprednisolone")
    before = snapshot()
    bad(cli("relapse", "add", "--date", "2026-02-10", "--symptoms", "x", "--recovery", "mostly"), "--recovery")
    bad(cli("relapse", "add", "--date", "2026-02-10", "--symptoms", "  "), "--symptoms")
    bad(cli("relapse", "add", "--date", "10/02/2026", "--symptoms", "x"), "--date", "YYYY-MM-DD")
    bad(cli("relapse", "add", "--date", "2026-02-10", "--symptoms", "x", "--treated-with", "xyzzy"), "xyzzy")
    assert snapshot() == before
    assert [e["kind"] for e in entries(cli)] == ["relapse"]


def test_symptom_add(cli: Cli, snapshot: Callable[[], list[Any]]) -> None:
    score = ok(cli("symptom", "add", "--date", "2026-03-01", "--symptom", "Fatigue", "--score", "6",
                   "--note", "worse in the heat", "--json"))
    assert (score["symptom"], score["score"], score["note"], score["label"]) == (
        "fatigue", 6, "worse in the heat", "Fatigue")
    ok(cli("symptom", "add", "--date", "2026-03-02", "--symptom", "memory and thinking", "--score", "0", "--json"))
    before = snapshot()
    bad(cli("symptom", "add", "--date", "2026-03-01", "--symptom", "fatigue", "--score", "11"), "--score", "11")
    bad(cli("symptom", "add", "--date", "2026-03-01", "--symptom", "fatigue", "--score", "-1"), "--score")
    bad(cli("symptom", "add", "--date", "2026-03-01", "--symptom", "fatigue", "--score", "high"), "--score")
    bad(cli("symptom", "add", "--date", "2026-03-01", "--symptom", "tiredness", "--score", "3"), "--symptom", "fatigue")
    assert snapshot() == before


def test_test_add_and_delete(cli: Cli, snapshot: Callable[[], list[Any]]) -> None:
    done = ok(cli("test", "add", "--date", "2026-04-02", "--test", "MRI brain", "--result", "no new lesions", "--json"))
    assert (done["test"], done["result"], done["due_id"]) == ("MRI brain", "no new lesions", None)
    before = snapshot()
    bad(cli("test", "add", "--date", "2026-04-02"), "--for", "--test")
    bad(cli("test", "add", "--date", "2026-04-02", "--test", "MRI", "--for", "x"), "either")
    bad(cli("test", "add", "--date", "2026-04-02", "--for", "natalizumab-20260101-abcdef"), "not a due item")
    bad(cli("delete", "th-00000000"), "no diary entry")
    assert snapshot() == before
    gone = ok(cli("delete", done["id"], "--json"))
    assert gone == {"deleted": done["id"], "kind": "test"}
    assert entries(cli) == []


def test_list_filters(cli: Cli) -> None:
    ok(cli("therapy", "add", "tecfidera", "--start", "2020-01-01", "--stop", "2024-12-31", "--json"))
    ok(cli("therapy", "add", "kesimpta", "--start", "2025-01-15", "--json"))
    ok(cli("symptom", "add", "--date", "2025-06-01", "--symptom", "pain", "--score", "2", "--json"))
    ok(cli("symptom", "add", "--date", "2026-06-01", "--symptom", "pain", "--score", "3", "--json"))
    since = entries(cli, "--since", "2026-01-01")
    assert [(e["kind"], e["date"]) for e in since] == [("therapy", "2025-01-15"), ("symptom", "2026-06-01")]
    assert [e["score"] for e in entries(cli, "--kind", "symptom")] == [2, 3]
    assert {"id", "kind", "date"} <= set(entries(cli)[0])
    bad(cli("list", "--kind", "mood"), "--kind")
    bad(cli("list", "--since", "yesterday"), "--since")


def expected_statuses(catalogue: Catalogue, therapy: str, start: dt.date, today: dt.date) -> dict[str, set[str]]:
    """Independent of the diary code: which scheduled (date, test) pairs fall in each status window."""
    events = [e for e in monitoring_schedule(therapy=catalogue.lookup(therapy), start=start, months=24).events
              if getattr(e, "kind", "test") != "dose"]
    soon = today + dt.timedelta(days=30)
    latest_past: dict[str, dt.date] = {}
    for e in events:
        if e.date < today:
            latest_past[e.test] = max(latest_past.get(e.test, e.date), e.date)
    return {
        "overdue": {f"{d} {t}" for t, d in latest_past.items()},
        "due_soon": {f"{e.date} {e.test}" for e in events if today <= e.date <= soon},
    }


def test_due_statuses_and_clearing(cli: Cli, catalogue: Catalogue, tmp_path: Path) -> None:
    start, today = dt.date(2026, 1, 10), dt.date(2026, 7, 1)
    ok(cli("therapy", "add", "ocrevus", "--start", start.isoformat(), "--json"))
    report = ok(cli("due", "--today", today.isoformat(), "--json"))
    due = report["due"]
    assert due, report
    for item in due:
        assert set(item) >= {"id", "therapy", "test", "due", "status", "why", "sources"}
        assert item["therapy"] == "ocrelizumab" and item["sources"]
        assert item["id"].startswith("ocrelizumab-" + item["due"].replace("-", ""))
    expected = expected_statuses(catalogue, "ocrelizumab", start, today)
    for status in ("overdue", "due_soon"):
        assert {f"{i['due']} {i['test']}" for i in due if i["status"] == status} == expected[status]
    assert all(dt.date.fromisoformat(i["due"]) > today + dt.timedelta(days=30)
               for i in due if i["status"] == "upcoming")
    assert ok(cli("due", "--today", today.isoformat(), "--json"))["due"] == due  # ids and order are stable

    overdue = next(i for i in due if i["status"] == "overdue")
    logged = ok(cli("test", "add", "--date", "2026-06-20", "--for", overdue["id"], "--result", "normal", "--json"))
    assert (logged["due_id"], logged["test"], logged["therapy"]) == (overdue["id"], overdue["test"], "ocrelizumab")
    after = ok(cli("due", "--today", today.isoformat(), "--json"))["due"]
    assert overdue["id"] not in {i["id"] for i in after}
    assert not [i for i in after if i["test"] == overdue["test"] and i["due"] <= overdue["due"]]
    assert len(after) == len(due) - 1

    text = cli("due", "--today", today.isoformat())
    assert text.exit_code == 0 and "due soon" in text.stdout and "ocrelizumab" in text.stdout
    bad(cli("due", "--today", "2026-02-31"), "--today")


def test_due_ics_parses_back(cli: Cli, tmp_path: Path) -> None:
    from icalendar import Calendar

    ok(cli("therapy", "add", "tysabri", "--start", "2025-11-01", "--json"))
    path = tmp_path / "due.ics"
    report = ok(cli("due", "--today", "2026-06-01", "--ics", str(path), "--json"))
    calendar = Calendar.from_ical(path.read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == len(report["due"]) > 0
    by_uid = {str(e["UID"]).removesuffix("@mscare.local"): e for e in events}
    for item in report["due"]:
        event = by_uid[item["id"]]
        assert event.decoded("DTSTART") == dt.date.fromisoformat(item["due"])
        assert item["test"] in str(event["SUMMARY"])


def test_due_without_therapies(cli: Cli) -> None:
    assert ok(cli("due", "--json"))["due"] == []
    assert "No tests due" in cli("due").stdout


def test_summary(cli: Cli) -> None:
    ok(cli("therapy", "add", "tecfidera", "--start", "2019-01-01", "--stop", "2025-12-31",
           "--reason", "relapses", "--json"))
    ok(cli("therapy", "add", "ocrevus", "--start", "2026-01-10", "--json"))
    ok(cli("relapse", "add", "--date", "2026-03-05", "--symptoms", "numb legs", "--recovery", "full", "--json"))
    ok(cli("relapse", "add", "--date", "2025-01-05", "--symptoms", "old relapse", "--json"))
    for day, score in (("2026-02-01", 7), ("2026-04-01", 5), ("2026-06-01", 2)):
        ok(cli("symptom", "add", "--date", day, "--symptom", "fatigue", "--score", str(score), "--json"))
    ok(cli("test", "add", "--date", "2026-05-01", "--test", "MRI brain", "--result", "stable", "--json"))

    markdown = cli("summary", "--months", "6", "--today", "2026-07-01")
    assert markdown.exit_code == 0, markdown.output
    md = markdown.stdout
    assert "ocrelizumab: from 2026-01-10 (current)" in md
    assert "dimethyl fumarate: from 2019-01-01 to 2025-12-31; stopped because: relapses" in md
    assert "2026-03-05: numb legs" in md and "old relapse" not in md
    assert "Fatigue: ▆▅▂  7 → 2" in md
    assert "2026-05-01: MRI brain: stable" in md
    assert "## Tests due" in md and "overdue" in md
    assert "## Questions:" in md and "- [ ] " in md

    html = cli("summary", "--today", "2026-07-01", "--format", "html").stdout
    assert html.startswith("<!doctype html>") and "<svg" in html and "<polyline" in html
    assert html.count("<circle") == 3 and "numb legs" in html
    data = ok(cli("summary", "--today", "2026-07-01", "--json"))
    assert data["symptoms"]["Fatigue"] == [{"date": "2026-02-01", "score": 7}, {"date": "2026-04-01", "score": 5},
                                           {"date": "2026-06-01", "score": 2}]
    assert [t["therapy"] for t in data["current_therapies"]] == ["ocrelizumab"]
    assert data["questions"] and all(q["questions"] for q in data["questions"])
    bad(cli("summary", "--format", "pdf"), "--format")


def test_every_diary_command_is_in_the_readme(cli_app: Any) -> None:
    import re

    import typer.main

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## My MS diary", 1)[1].split("\n## ", 1)[0]
    diary_group = typer.main.get_command(cli_app).commands["diary"]  # type: ignore[attr-defined]
    paths = []
    for name, command in diary_group.commands.items():
        paths += [f"{name} {sub}" for sub in getattr(command, "commands", {})] or [name]
    missing = [p for p in paths if not re.search(rf"mscare diary {re.escape(p)}\b", section)]
    assert missing == [] and len(paths) == 12
    assert "MSCARE_DATABASE_URL=postgresql://" in section and "mscare[postgres]" in section


def test_due_after_stopping(cli: Cli) -> None:
    """A stopped therapy's missed tests are no longer listed; a fixed course keeps its follow-up tests."""
    ok(cli("therapy", "add", "tecfidera", "--start", "2024-01-01", "--stop", "2025-12-31", "--json"))
    assert ok(cli("due", "--today", "2026-07-01", "--json"))["due"] == []
    ok(cli("therapy", "add", "lemtrada", "--start", "2024-01-01", "--stop", "2025-01-05", "--json"))
    due = ok(cli("due", "--today", "2026-07-01", "--json"))["due"]
    assert due and {i["therapy"] for i in due} == {"alemtuzumab"}
    assert any(i["due"] > "2026-07-01" for i in due)


def test_due_follows_the_region(cli: Cli) -> None:
    """Mitoxantrone: the EU/UK label stops at fewer doses than the US one, so the before-dose checks end sooner."""
    ok(cli("therapy", "add", "mitoxantrone", "--start", "2024-01-01", "--json"))
    us = ok(cli("due", "--today", "2025-08-01", "--region", "us", "--json"))
    eu = ok(cli("due", "--today", "2025-08-01", "--region", "eu", "--json"))
    assert (us["region"], eu["region"]) == ("us", "eu")
    last = {r["region"]: max(i["due"] for i in r["due"] if i["status"] == "overdue") for r in (us, eu)}
    assert last["eu"] < last["us"] <= "2025-08-01"
    bad(cli("due", "--region", "mars"), "--region")
    eu_summary = cli("summary", "--today", "2025-08-01", "--region", "eu").stdout
    assert [line for line in eu_summary.splitlines() if "overdue" in line][0].startswith(f"- {last['eu']}")


def test_symptom_list_is_content_with_sources(catalogue: Catalogue) -> None:
    import yaml

    from mscare.content import content_dir
    from mscare.diary.inputs import symptom_names

    data = yaml.safe_load((content_dir() / "diary" / "symptoms.yaml").read_text(encoding="utf-8"))
    assert data["sources"] and set(data["sources"]) <= set(catalogue.sources)
    assert list(symptom_names()) == ["fatigue", "pain", "walking", "balance", "bladder", "bowel", "vision", "mood",
                                     "memory and thinking", "spasticity", "numbness", "sleep", "other"]


def test_summary_of_an_empty_diary(cli: Cli) -> None:
    result = cli("summary", "--today", "2026-07-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("- none recorded") == 4 and "## Questions:" in result.stdout


def test_summary_html_escapes_what_people_typed(cli: Cli) -> None:
    ok(cli("relapse", "add", "--date", "2026-03-05", "--symptoms", "<script>alert(1)</script> & tingling", "--json"))
    html = cli("summary", "--today", "2026-07-01", "--format", "html").stdout
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; tingling" in html
