"""When to get urgent help: one wording of what to do per red flag, and emergency numbers by region.

The data lives in ``content/care/urgent.yaml``; the ask engine, the relapse check and the articles use it, so the
same symptom always gets the same advice with the same urgency.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from mscare.content import ContentError, content_dir, read_yaml, validate
from mscare.models import SLUG, Strict

Urgency = Literal["emergency", "same-day"]
SLUG_RE = re.compile(SLUG)


class UrgentError(ContentError):
    """urgent.yaml is missing or does not validate."""


class EmergencyNumber(Strict):
    region: str = Field(min_length=2)
    number: str = Field(pattern=r"^[0-9]{3}$")
    sources: list[str] = Field(min_length=1)


class CrisisLine(Strict):
    region: str = Field(min_length=2)
    name: str = Field(min_length=3)
    how: str = Field(min_length=3)
    sources: list[str] = Field(min_length=1)


class UrgentAdvice(Strict):
    """What to do for one red flag: one wording, its urgency and its sources."""

    label: str = Field(min_length=3)
    urgency: Urgency
    text: str = Field(min_length=40)
    sources: list[str] = Field(min_length=1)


class UrgentData(Strict):
    numbers: list[EmergencyNumber] = Field(min_length=1)
    crisis_lines: list[CrisisLine] = Field(default_factory=list)
    advice: dict[str, UrgentAdvice] = Field(min_length=1)

    def cited(self) -> set[str]:
        items: list[EmergencyNumber | CrisisLine | UrgentAdvice] = [*self.numbers, *self.crisis_lines,
                                                                     *self.advice.values()]
        return {s for item in items for s in item.sources}


def load_urgent(root: Path | None = None) -> UrgentData:
    """Read and validate care/urgent.yaml; text is joined onto one line; raise ``UrgentError`` on any fault."""
    root = root or content_dir()
    path = root / "care" / "urgent.yaml"
    if not path.exists():
        raise UrgentError(["care/urgent.yaml: file is missing"])
    raw, problems = read_yaml(path, root)
    if problems:
        raise UrgentError(problems)
    if isinstance(raw, dict) and isinstance(raw.get("advice"), dict):
        for item in raw["advice"].values():
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                item["text"] = " ".join(item["text"].split())
    data, problems = validate(UrgentData, raw, "care/urgent.yaml")
    if data is not None:
        problems += [f"care/urgent.yaml: advice: {key!r} is not a red-flag id (lower case, hyphens)"
                     for key in data.advice if not SLUG_RE.match(key)]
    if data is None or problems:
        raise UrgentError(problems)
    return data


@lru_cache(maxsize=1)
def default_urgent() -> UrgentData:
    return load_urgent()


def urgent_advice(flag_id: str, data: UrgentData | None = None) -> UrgentAdvice:
    """The advice for one red flag; ``KeyError`` names the id when there is none."""
    data = data or default_urgent()
    try:
        return data.advice[flag_id]
    except KeyError:
        raise KeyError(f"no urgent advice for red flag {flag_id!r} in care/urgent.yaml") from None


def emergency_numbers(data: UrgentData | None = None) -> list[EmergencyNumber]:
    return list((data or default_urgent()).numbers)


def numbers_line(data: UrgentData | None = None) -> str:
    """``"911 (US), 999 (UK) or 112 (EU)"``: the emergency numbers as one phrase."""
    parts = [f"{n.number} ({n.region})" for n in emergency_numbers(data)]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def help_lines(data: UrgentData | None = None) -> tuple[str, list[str]]:
    """The emergency numbers and the crisis lines as two sentences, with their sources: what any reply that cannot
    read a question still says."""
    data = data or default_urgent()
    text = f"In an emergency, call {numbers_line(data)}."
    if data.crisis_lines:
        text += " For thoughts of suicide: " + "; ".join(f"{c.name} ({c.region}), {c.how}"
                                                         for c in data.crisis_lines) + "."
    cited = [s for n in data.numbers for s in n.sources] + [s for c in data.crisis_lines for s in c.sources]
    return text, list(dict.fromkeys(cited))
