"""Rebuild the look-alike banks (``content/lexicon/{triage,decline}_bank.jsonl``) and their vectors.

Examples come from the tuning sets only, never the test splits. The triage bank: the urgent questions, each
labelled with the red flags the triage rules raise for it (or, when they raise none, the flag its concept calls
for; an urgent question with neither is left out), beside the other questions and the written section and aspect
examples as calm ones. The decline bank: the questions to decline, each labelled with the reason the refusal
patterns give (or, when they give none or another one, the reason of the nearest labelled example), beside the
questions to answer and the written examples. The examples' vectors (the shipped encoder's) and labels are stored
with each bank's learned score in ``ask/model/<bank>_bank.npz``, keyed by the bank file and the model, so
``mscare check`` can tell a stale pair. The section examples (headings and ``lexicon/sections*.yaml``) go to
``ask/model/sections_bank.npz`` the same way, to find the section a question means.

    python scripts/make_banks.py
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from mscare.ask.declines import DECLINE_REASONS, rule_reason
from mscare.ask.encoder import default_encoder
from mscare.ask.lexicon import load_lexicon
from mscare.ask.lookalike import bank_path, save_vectors
from mscare.ask.meaning import meaning_rows, save_bank
from mscare.ask.sections import written_examples
from mscare.ask.triage import prepared, rule_flags
from mscare.ask.understand import understand
from mscare.catalogue import default_catalogue
from mscare.content import content_dir

EVAL = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "eval"
TUNING = ["triage_dev", "triage_calm_dev", "declines_dev", "qa_fresh_dev", "qa_consumer_dev", "qa_extra", "qa_dev"]
# The red flag an example of each triage-set concept calls for, when the rules raise none for it.
CONCEPT_FLAG = {"vision": "vision-loss", "weakness": "new-weakness", "numbness": "new-weakness",
                "fever": "fever-weakness", "pml": "pml", "allergy": "anaphylaxis", "stroke": "stroke",
                "selfharm": "suicide"}


def tuning_items() -> list[dict[str, Any]]:
    return [json.loads(line) for name in TUNING
            for line in (EVAL / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]


def written() -> list[str]:
    """The section and aspect example questions ("X" in an aspect example stands for a therapy)."""
    texts = [t for examples in written_examples().values() for t in examples]
    aspects = yaml.safe_load((content_dir() / "lexicon" / "aspects.yaml").read_text(encoding="utf-8"))
    return texts + [t.replace("X", "my medicine") for a in aspects["aspects"] for t in a.get("examples", [])]


def write_bank(name: str, rows: dict[str, list[str]], vectors: np.ndarray, scored: Iterable[str] = ()) -> None:
    path = bank_path(name)
    path.write_text("".join(json.dumps({"text": t, "labels": labels}) + "\n" for t, labels in rows.items()),
                    encoding="utf-8")
    save_vectors(name, vectors, list(rows.values()), scored=frozenset(scored))
    labelled = sum(1 for labels in rows.values() if labels)
    print(f"{name}: {len(rows)} examples ({labelled} labelled) -> {path}")  # noqa: T201 - a script reports


def triage_bank(items: list[dict[str, Any]]) -> None:
    lexicon, catalogue = load_lexicon(), default_catalogue()
    rows: dict[str, list[str]] = {}
    for item in items:
        text = item["question"]
        if not item["urgent"]:
            rows.setdefault(text, [])
            continue
        flags = [f.id for f in rule_flags(understand(text, catalogue=catalogue, lexicon=lexicon), lexicon)]
        flags = flags or ([CONCEPT_FLAG[item["concept"]]] if item.get("concept") in CONCEPT_FLAG else [])
        if flags:
            rows[text] = flags
    for text in written():
        rows.setdefault(text, [])
    write_bank("triage", rows, default_encoder().embed([prepared(t, lexicon.triage) for t in rows]),
               scored=lexicon.triage.lookalike.scored if lexicon.triage.lookalike else ())


def decline_bank(items: list[dict[str, Any]]) -> None:
    lexicon, catalogue = load_lexicon(), default_catalogue()
    rows: dict[str, list[str]] = {}
    for item in items:
        if item["urgent"]:
            continue
        text = item["question"]
        if not item["refuse"]:
            rows.setdefault(text, [])
            continue
        reason = rule_reason(understand(text, catalogue=catalogue, lexicon=lexicon), lexicon)
        rows[text] = [reason[0]] if reason and reason[0] in DECLINE_REASONS else ["?"]
    for text in written():
        rows.setdefault(text, [])
    texts = list(rows)
    vectors = default_encoder().embed([prepared(t, lexicon.triage) for t in texts])
    known = [i for i, t in enumerate(texts) if rows[t] and rows[t] != ["?"]]
    for i, text in enumerate(texts):
        if rows[text] == ["?"]:  # the reason of the nearest example the patterns decline
            rows[text] = list(rows[texts[known[int(np.argmax(vectors[known] @ vectors[i]))]]])
    write_bank("decline", rows, vectors)


def sections_bank() -> None:
    """The section examples as vectors, to find the section a question means (ask/meaning.py)."""
    triage = load_lexicon().triage
    rows = meaning_rows()
    path = save_bank(rows, default_encoder().embed([prepared(text, triage) for _, text in rows]))
    print(f"sections: {len(rows)} examples of {len({key for key, _ in rows})} sections -> {path}")  # noqa: T201


def main() -> None:
    items = tuning_items()
    triage_bank(items)
    decline_bank(items)
    sections_bank()


if __name__ == "__main__":
    main()
