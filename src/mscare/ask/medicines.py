"""General advice that holds for any medicine, and cutting a record part down to the sentences on one aspect.

The advice is data (``content/care/medicines.yaml``): what to do after an overdose, given before a record's own
facts, and a short note for an aspect (storage, missed dose, diet) that a therapy's record has nothing on, which
points to the leaflet and the pharmacist instead of answering with an unrelated part of the record.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from mscare.content import ContentError, content_dir, read_yaml, validate
from mscare.models import Strict, Therapy
from mscare.passages import Passage, therapy_label

FILE = "care/medicines.yaml"


class MedicinesError(ContentError):
    """care/medicines.yaml is missing or does not validate."""


class Advice(Strict):
    text: str = Field(min_length=40)
    sources: list[str] = Field(min_length=1)


class MedicineAdvice(Strict):
    general: dict[str, Advice] = Field(default_factory=dict)
    missing: dict[str, Advice] = Field(default_factory=dict)

    def cited(self) -> set[str]:
        return {s for group in (self.general, self.missing) for advice in group.values() for s in advice.sources}


def load_medicine_advice(root: Path | None = None) -> MedicineAdvice:
    """Read and validate care/medicines.yaml (text joined onto one line); ``MedicinesError`` on any fault."""
    root = root or content_dir()
    path = root / FILE
    if not path.exists():
        raise MedicinesError([f"{FILE}: file is missing"])
    raw, problems = read_yaml(path, root)
    if problems:
        raise MedicinesError(problems)
    for group in (raw or {}).values() if isinstance(raw, dict) else []:
        for item in group.values() if isinstance(group, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                item["text"] = " ".join(item["text"].split())
    data, problems = validate(MedicineAdvice, raw, FILE)
    if data is None or problems:
        raise MedicinesError(problems)
    return data


@lru_cache(maxsize=1)
def default_advice() -> MedicineAdvice:
    return load_medicine_advice()


def advice_part(therapy: Therapy, group: str, key: str, item: str | None = None) -> Passage | None:
    """The general advice (``group`` "general") or the missing-part note ("missing") for one therapy, if any.

    With an ``item`` ("grapefruit"), the note for that one thing (key ``<key>_item``) when the file has one.
    """
    found = getattr(default_advice(), group)
    advice = (found.get(f"{key}_item") if item else None) or found.get(key)
    if advice is None:
        return None
    text = advice.text.replace("{name}", therapy.generic_name).replace("{item}", item or "")
    return Passage(pid=f"therapy:{therapy.id}:{group}.{key}", kind="therapy", ref=therapy.id,
                   field=f"{group}.{key}", title=therapy_label(therapy), text=text, sources=list(advice.sources))


SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")


def cut_to_cues(passage: Passage, cues: frozenset[str]) -> Passage | None:
    """The passage cut to its sentences that use a cue word or phrase (None when no sentence does)."""
    kept = []
    for sentence in SENTENCE.split(passage.text):
        lower = sentence.lower()
        words = set(re.findall(r"[a-z0-9]+", lower))
        if any((c in lower) if " " in c else (c in words) for c in cues):
            kept.append(sentence.strip())
    if not kept:
        return None
    text = " ".join(kept)
    return passage if text == passage.text.strip() else replace(passage, text=text, stems=frozenset())


def first_sentence(passage: Passage) -> Passage:
    opening = SENTENCE.split(passage.text.strip(), maxsplit=1)[0]
    return passage if opening == passage.text.strip() else replace(passage, text=opening, stems=frozenset())
