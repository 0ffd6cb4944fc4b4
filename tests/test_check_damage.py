"""``mscare check`` on damaged content: an emptied record and an impossible date are problems, never a pass or a
traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mscare.check import run_check


@pytest.mark.parametrize("text", ["", "# nothing here yet\n", "\n\n"])
def test_an_emptied_therapy_file_fails_the_check(content_copy: Path, text: str) -> None:
    (content_copy / "therapies" / "natalizumab.yaml").write_text(text, encoding="utf-8")
    report = run_check(content_copy)
    assert not report.ok
    assert "therapies/natalizumab.yaml: empty file (no therapy record)" in report.problems


def test_an_emptied_source_file_fails_the_check(content_copy: Path) -> None:
    (content_copy / "sources" / "symptomatic.yaml").write_text("", encoding="utf-8")
    assert "sources/symptomatic.yaml: empty file (no sources)" in run_check(content_copy).problems


@pytest.mark.parametrize(("path", "pattern"), [
    ("therapies/natalizumab.yaml", r"^last_reviewed: \d{4}-\d\d-\d\d"),
    ("topics/relapses.md", r"^last_reviewed: \d{4}-\d\d-\d\d"),
    ("sources/core.yaml", r"accessed: \d{4}-\d\d-\d\d"),
])
def test_an_impossible_date_is_a_problem_naming_the_field(content_copy: Path, path: str, pattern: str) -> None:
    file = content_copy / path
    text = file.read_text(encoding="utf-8")
    field = pattern.lstrip("^").split(":")[0]
    file.write_text(re.sub(pattern, f"{field}: 2026-02-30", text, count=1, flags=re.M), encoding="utf-8")
    report = run_check(content_copy)
    assert not report.ok
    assert f"{path}: {field}: 2026-02-30 is not a valid date (day is out of range for month)" in report.problems
