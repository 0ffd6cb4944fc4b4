"""``mscare build``, ``ask`` and ``eval`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

DEV_SET = Path(__file__).parent / "fixtures" / "eval" / "qa_dev.jsonl"


def test_ask_json_follows_the_contract(runner: CliRunner, cli_app: typer.Typer, mscare_home: Path) -> None:
    result = runner.invoke(cli_app, ["ask", "What is a relapse?", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"question", "answer", "passages", "related"}
    assert set(data["answer"]) >= {"text", "sources", "topic", "confidence", "refused", "urgent"}
    assert data["answer"]["sources"] and all(set(s) >= {"id", "title", "publisher", "url"}
                                             for s in data["answer"]["sources"])
    assert (mscare_home / "index.sqlite").exists()  # built on first use


def test_ask_prints_sources_and_urgent_marker(runner: CliRunner, cli_app: typer.Typer, mscare_home: Path) -> None:
    result = runner.invoke(cli_app, ["ask", "my wife says she wants to die, what should I do"])
    assert result.exit_code == 0
    assert "URGENT" in result.stdout and "988" in result.stdout and "Sources:" in result.stdout


@pytest.mark.parametrize("question", ["", "   ", "x" * 1001])
def test_ask_rejects_empty_and_overlong_questions(runner: CliRunner, cli_app: typer.Typer, mscare_home: Path,
                                                  question: str) -> None:
    result = runner.invoke(cli_app, ["ask", question])
    assert result.exit_code == 2
    assert "question" in result.stderr and "Traceback" not in result.output


def test_build_reports_what_it_indexed(runner: CliRunner, cli_app: typer.Typer, mscare_home: Path) -> None:
    result = runner.invoke(cli_app, ["build", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["passages"] > 500 and Path(data["path"]).parent == mscare_home


def test_eval_prints_rates_by_kind(runner: CliRunner, cli_app: typer.Typer, mscare_home: Path) -> None:
    result = runner.invoke(cli_app, ["eval", str(DEV_SET), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"urgent", "out_of_scope", "drug"} <= set(data["by_kind"]) and 0 <= data["rate"] <= 1


def test_eval_names_a_bad_file(runner: CliRunner, cli_app: typer.Typer, mscare_home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json}\n", encoding="utf-8")
    result = runner.invoke(cli_app, ["eval", str(bad)])
    assert result.exit_code == 2 and "bad.jsonl:1" in result.stderr
    missing = runner.invoke(cli_app, ["eval", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "none.jsonl" in missing.stderr


def test_eval_reports_each_split_by_name(runner: CliRunner, cli_app: typer.Typer, mscare_home: Path,
                                         tmp_path: Path) -> None:
    for name in ("qa_consumer_test", "triage_test"):
        rows = (DEV_SET.parent / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()[:3]
        (tmp_path / f"{name}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(cli_app, ["eval", "test", "triage_test", "--dir", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.stderr
    splits = json.loads(result.stdout)["splits"]
    assert [s["name"] for s in splits] == ["qa_consumer_test", "triage_test"]
    assert all(s["total"] == 3 and "false_alarms" in s and "median_words" in s for s in splits)
    text = runner.invoke(cli_app, ["eval", "test", "--dir", str(tmp_path)])
    assert "== qa_consumer_test" in text.stdout and "false alarms" in text.stdout
    unknown = runner.invoke(cli_app, ["eval", "nosuchsplit", "--dir", str(tmp_path)])
    assert unknown.exit_code == 2 and "nosuchsplit" in unknown.stderr
