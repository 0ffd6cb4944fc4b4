"""The ``mscare trials`` commands, run through the real CLI against a temporary MSCARE_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from mscare.cli import register_commands
from mscare.cli.common import app

register_commands()

FIXTURE = Path(__file__).parent / "fixtures" / "clinicaltrials" / "search_ms_portland.json"
MS_IDS = {"NCT06441617", "NCT06408259", "NCT06433752", "NCT04047628"}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MSCARE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def imported(home: Path) -> Path:
    result = run("trials", "import", str(FIXTURE), "--json")
    assert result.exit_code == 0, result.output
    return home


def test_import_json_counts_and_progress(home: Path) -> None:
    result = run("trials", "import", str(FIXTURE), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"imported": 4, "updated": 0, "skipped": 1, "skipped_older": 0, "errors": [],
                                          "notes": []}
    assert "search_ms_portland.json" in result.stderr  # progress goes to stderr
    assert (home / "trials.sqlite").is_file()
    assert not (home / "index.sqlite").exists()  # trials never touch the content index


def test_reimport_and_include_all(imported: Path) -> None:
    again = run("trials", "import", str(FIXTURE), "--all", "--json")
    assert json.loads(again.stdout) == {"imported": 1, "updated": 4, "skipped": 0, "skipped_older": 0, "errors": [],
                                          "notes": []}


def test_import_human_output(home: Path) -> None:
    result = run("trials", "import", str(FIXTURE))
    assert result.exit_code == 0
    assert "Imported 4 new, updated 0, skipped 1 not about MS" in result.stdout


def test_import_bad_file_names_it_and_exits_2(imported: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("not json at all", encoding="utf-8")
    result = run("trials", "import", str(broken), "--json")
    assert result.exit_code == 2
    body = json.loads(result.stdout)
    assert body["errors"] and body["errors"][0].startswith("broken.json:")
    assert "broken.json" in result.stderr
    assert "Traceback" not in result.output
    assert len(json.loads(run("trials", "search", "--json").stdout)) == 4  # nothing stored was lost


def test_import_missing_path(home: Path) -> None:
    result = run("trials", "import", str(home / "missing.json"))
    assert result.exit_code == 2
    assert "no file or folder" in result.stderr


def test_search_json_shape(imported: Path) -> None:
    result = run("trials", "search", "--near", "45.5152,-122.6784", "--within", "50", "--phase", "3", "--json")
    assert result.exit_code == 0
    hits = json.loads(result.stdout)
    assert {h["nct_id"] for h in hits} == {"NCT06408259", "NCT04047628"}
    for hit in hits:
        assert {"nct_id", "title", "status", "phases", "nearest_site", "distance_km", "summary"} <= set(hit)
        assert hit["nearest_site"]["city"] == "Portland" and hit["distance_km"] < 2


def test_search_text_and_status(imported: Path) -> None:
    result = run("trials", "search", "fatigue", "--status", "recruiting", "--json")
    assert [h["nct_id"] for h in json.loads(result.stdout)] == ["NCT06441617"]
    assert json.loads(run("trials", "search", '"NEAR *', "--json").stdout) == []


def test_search_human_output(imported: Path) -> None:
    result = run("trials", "search", "ozanimod", "--near", "Portland")
    assert result.exit_code == 0
    assert "NCT06408259" in result.stdout
    assert "testing ozanimod vs fingolimod in children with relapsing MS" in result.stdout
    assert "https://clinicaltrials.gov/study/NCT06408259" in result.stdout


def test_search_before_any_import_says_how(home: Path) -> None:
    result = run("trials", "search", "fatigue")
    assert result.exit_code == 0
    assert "mscare trials import" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--status", "open"], "status"), (["--phase", "9"], "phase"), (["--near", "Atlantis"], "Atlantis"),
    (["--within", "10"], "near"), (["--near", "Portland", "--within", "0"], "within"),
])
def test_search_bad_input_exits_2(imported: Path, args: list[str], message: str) -> None:
    result = run("trials", "search", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_screen_json_shape(imported: Path) -> None:
    result = run("trials", "screen", "NCT04047628", "--age", "60", "--json")
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert {"nct_id", "verdict", "reasons", "note"} <= set(body)
    assert body["verdict"] == "likely_not"
    assert {"criterion": "maximumAge: 55 Years"}.items() <= next(
        r for r in body["reasons"] if r["criterion"].startswith("maximumAge")).items()
    assert all({"criterion", "finding"} <= set(r) for r in body["reasons"])


def test_screen_profile_flags(imported: Path) -> None:
    result = run("trials", "screen", "nct06408259", "--age", "12", "--sex", "F", "--ms-type", "rrms", "--edss", "2",
                 "--dmt", "gilenya", "--dmt", "copaxone", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["verdict"] == "may_qualify"


def test_screen_human_output(imported: Path) -> None:
    result = run("trials", "screen", "NCT06408259", "--age", "12", "--ms-type", "rrms")
    assert result.exit_code == 0
    assert "Verdict: Can't tell" in result.stdout
    assert "minimumAge: 10 Years" in result.stdout
    assert "pre-screen" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["NCT00000000", "--age", "30"], "No imported trial"),
    (["NCT04047628", "--age", "thirty"], "age: enter a number."),
    (["NCT04047628"], "--age"),
    (["NCT04047628", "--age", "30", "--sex", "x"], "sex"),
    (["NCT04047628", "--age", "30", "--ms-type", "mild"], "MS type"),
    (["NCT04047628", "--age", "30", "--edss", "12"], "EDSS"),
    (["NCT04047628", "--age", "30", "--dmt", "qqqzzz"], "No therapy"),
])
def test_screen_bad_input_exits_2(imported: Path, args: list[str], message: str) -> None:
    result = run("trials", "screen", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
