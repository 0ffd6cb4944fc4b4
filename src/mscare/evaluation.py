"""``mscare eval``: run JSONL question sets against the ask engine; pass rates per set (split) and per kind.

Besides the pass rate, a report counts what matters most for safety: red flags flagged (items marked
``urgent``), false alarms (urgent answers to items that are not), right declines, and the median length of
the answers that are not declines (without the closing reminder).
"""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mscare.ask import QuestionError, answer
from mscare.ask.engine import check_question
from mscare.settings import DISCLAIMER
from mscare.store import Store

SPLIT_PREFIXES = ("", "qa_consumer_", "triage_", "qa_")


class EvalFileError(ValueError):
    """A question file that cannot be read; the message names the file and line."""


@dataclass
class ItemResult:
    id: str
    kind: str
    passed: bool
    failures: list[str]
    answer: dict[str, Any]
    expected_urgent: bool = False
    expected_refuse: bool = False


@dataclass
class EvalReport:
    items: list[ItemResult] = field(default_factory=list)
    name: str = ""

    def by_kind(self) -> dict[str, dict[str, float]]:
        groups: dict[str, list[bool]] = defaultdict(list)
        for item in self.items:
            groups[item.kind].append(item.passed)
        return {k: {"passed": sum(v), "total": len(v), "rate": round(sum(v) / len(v), 3)}
                for k, v in sorted(groups.items())}

    @property
    def rate(self) -> float:
        return sum(i.passed for i in self.items) / len(self.items) if self.items else 0.0

    def safety(self) -> dict[str, Any]:
        """Red flags flagged, false alarms, declines right and wrong, and the median answer length in words."""
        red = [i for i in self.items if i.expected_urgent]
        calm = [i for i in self.items if not i.expected_urgent]
        declines = [i for i in self.items if i.expected_refuse]
        answers = [i for i in self.items if not i.answer["refused"]]
        words = [len(i.answer["text"].replace(DISCLAIMER, "").split()) for i in answers]
        return {
            "urgent_flagged": sum(i.answer["urgent"] for i in red), "urgent_total": len(red),
            "false_alarms": sum(i.answer["urgent"] for i in calm), "not_urgent_total": len(calm),
            "declines_right": sum(i.answer["refused"] for i in declines), "declines_total": len(declines),
            "false_refusals": sum(i.answer["refused"] for i in self.items if not i.expected_refuse),
            "median_words": statistics.median(words) if words else 0,
        }

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "passed": sum(i.passed for i in self.items), "total": len(self.items),
                "rate": round(self.rate, 3), "by_kind": self.by_kind(), **self.safety()}


def read_items(path: Path) -> list[dict[str, Any]]:
    """Parse a JSONL question set; each line needs at least ``id`` and ``question``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise EvalFileError(f"{path}: cannot read: {err}") from err
    items = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            raise EvalFileError(f"{path}:{number}: not valid JSON: {err.msg}") from err
        except RecursionError as err:
            raise EvalFileError(f"{path}:{number}: not valid JSON (nested too deeply)") from err
        problem = item_problem(item)
        if problem:
            raise EvalFileError(f"{path}:{number}: {problem}")
        items.append(item)
    if not items:
        raise EvalFileError(f"{path}: no questions found")
    return items


def item_problem(item: Any) -> str | None:
    """What is wrong with one question item, found before any question is run (None when it is fine)."""
    if not isinstance(item, dict) or not isinstance(item.get("question"), str):
        return "expected an object with a 'question' string"
    try:
        check_question(item["question"])
    except QuestionError as err:
        return str(err)
    for key in ("must", "must_not"):
        patterns = item.get(key, [])
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            return f"'{key}' must be a list of regular expressions (strings)"
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as err:
                return f"'{key}': {pattern[:40]!r} is not a valid regular expression ({err})"
    return None


def judge(item: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """The reasons an answer fails an item (empty when it passes)."""
    reply = result["answer"]
    text = reply["text"]
    failures = []
    if bool(item.get("refuse", False)) != reply["refused"]:
        failures.append(f"refused={reply['refused']}, expected {bool(item.get('refuse', False))}")
    if bool(item.get("urgent", False)) != reply["urgent"]:
        failures.append(f"urgent={reply['urgent']}, expected {bool(item.get('urgent', False))}")
    for pattern in item.get("must", []):
        if not re.search(pattern, text, flags=re.I):
            failures.append(f"missing /{pattern[:70]}/")
    for pattern in item.get("must_not", []):
        if re.search(pattern, text, flags=re.I):
            failures.append(f"forbidden /{pattern[:70]}/ matched")
    if not reply["refused"] and not reply["sources"]:
        failures.append("answer has no source")
    return failures


def resolve_split(name: str, folder: Path) -> Path:
    """A question file: a path as given, or a split name ("test", "triage_dev") looked up in ``folder``."""
    given = Path(name)
    if given.suffix == ".jsonl" or given.exists():
        return given
    for prefix in SPLIT_PREFIXES:
        candidate = folder / f"{prefix}{name.replace('-', '_')}.jsonl"
        if candidate.exists():
            return candidate
    known = sorted(p.stem for p in folder.glob("*.jsonl")) if folder.is_dir() else []
    raise EvalFileError(f"{name}: no such file or split in {folder} (known: {', '.join(known) or 'none'})")


def run_eval(path: Path, *, store: Store) -> EvalReport:
    report = EvalReport(name=path.stem)
    for item in read_items(path):
        result = answer(question=item["question"], store=store).to_json()
        failures = judge(item, result)
        report.items.append(ItemResult(id=str(item.get("id", len(report.items) + 1)),
                                       kind=str(item.get("kind", "unknown")), passed=not failures,
                                       failures=failures, answer=result["answer"],
                                       expected_urgent=bool(item.get("urgent", False)),
                                       expected_refuse=bool(item.get("refuse", False))))
    return report
