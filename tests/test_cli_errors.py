"""Every CLI error is one ``Error:`` line on stderr with exit 2: usage errors, impossible values, bad files and
data folders that cannot be written. ``run`` is what the ``mscare`` console script calls."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mscare.cli import register_commands
from mscare.cli.main import run

FIXTURE = Path(__file__).parent / "fixtures" / "clinicaltrials" / "search_ms_portland.json"
PROGRESS = ("Building", "  ", "Done")  # progress lines on stderr, not errors


def one_line_error(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    register_commands()
    code = run(args)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith(PROGRESS)]
    assert code == 2, (args, code, err)
    assert "Traceback" not in err
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    return lines[0]


@pytest.mark.parametrize(("args", "expected"), [
    (["ask", "what is ms", "--k", "abc"], "'--k'"),
    (["nosuch"], "No such command"),
    (["trials", "screen", "NCT06441617"], "--age"),
    (["check", "extra"], "extra"),
])
def test_usage_errors_are_one_line(mscare_home: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                   expected: str) -> None:
    line = one_line_error(capsys, args)
    assert expected in line and "--help" in line


def test_options_age_that_is_not_a_number_says_so(mscare_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(capsys, ["options", "--ms-type", "rrms", "--age", "abc"])
    assert line == "Error: age: enter a whole number."


def test_monitoring_months_that_are_not_whole_say_so(mscare_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(capsys, ["monitoring", "natalizumab", "--start", "2026-01-15", "--months", "1.5"])
    assert line == "Error: months: enter a whole number."


@pytest.mark.parametrize("start", ["1900-01-01", "9999-12-31", "2026-02-30"])
def test_appointment_start_out_of_range_or_impossible(mscare_home: Path, capsys: pytest.CaptureFixture[str],
                                                      start: str) -> None:
    assert "start" in one_line_error(capsys, ["appointment", "--therapy", "ocrevus", "--start", start])


@pytest.mark.parametrize("hours", ["nan", "inf", "-inf", "1e309", "99999999"])
def test_relapse_hours_must_be_finite_and_at_most_a_year(mscare_home: Path, capsys: pytest.CaptureFixture[str],
                                                         hours: str) -> None:
    line = one_line_error(capsys, ["relapse-check", "--symptoms", "left leg weak", "--hours", hours])
    assert "8760" in line


@pytest.mark.parametrize("within", ["nan", "inf", "1e309", "99999999"])
def test_trial_distance_must_be_finite_and_on_earth(mscare_home: Path, capsys: pytest.CaptureFixture[str],
                                                    within: str) -> None:
    line = one_line_error(capsys, ["trials", "search", "--near", "45.5,-122.6", "--within", within])
    assert "40075" in line


def test_trials_import_of_an_empty_path_imports_nothing(mscare_home: Path, capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work" / "sub"
    work.mkdir(parents=True)
    (work / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    monkeypatch.chdir(work.parent)
    assert one_line_error(capsys, ["trials", "import", ""]) == "Error: no file or folder given"
    assert not (mscare_home / "trials.sqlite").exists()


EVAL_ITEMS = {
    "empty question": {"id": "a", "question": ""},
    "too long": {"id": "a", "question": "what is ms " * 200},
    "bad regex": {"id": "a", "question": "what is a relapse?", "must": ["("]},
    "number pattern": {"id": "a", "question": "what is a relapse?", "must": [123]},
    "string not list": {"id": "a", "question": "what is a relapse?", "must": "relapse"},
}


@pytest.mark.parametrize("case", list(EVAL_ITEMS))
def test_eval_reports_a_bad_item_by_file_and_line(mscare_home: Path, capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path, case: str) -> None:
    path = tmp_path / "questions.jsonl"
    good = {"id": "ok", "question": "what is a relapse?"}
    path.write_text(json.dumps(good) + "\n" + json.dumps(EVAL_ITEMS[case]) + "\n", encoding="utf-8")
    assert f"{path}:2:" in one_line_error(capsys, ["eval", str(path)])


@pytest.mark.parametrize("command", [["eval"], ["trials", "import"]])
def test_deeply_nested_json_is_one_line(mscare_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        command: list[str]) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "nested too deeply" in one_line_error(capsys, [*command, str(path)])


def test_serve_refuses_an_invalid_host(mscare_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "--host" in one_line_error(capsys, ["serve", "--host", "\u202e", "--port", "8799"])


@pytest.mark.parametrize("command", [["build"], ["ask", "what is a relapse?"], ["trials", "import", str(FIXTURE)]])
def test_a_data_folder_that_cannot_be_written_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str],
                                                          command: list[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MSCARE_HOME", str(blocker / "home"))  # no one, root included, can make this folder
    line = one_line_error(capsys, command)
    assert str(blocker) in line


def test_an_index_path_that_is_a_folder_is_one_line(mscare_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (mscare_home / "index.sqlite").mkdir()
    assert "is a folder" in one_line_error(capsys, ["ask", "what is a relapse?"])


def test_interactive_relapse_check_with_no_input_is_one_line(mscare_home: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert "no answer given" in one_line_error(capsys, ["relapse-check", "-i"])
