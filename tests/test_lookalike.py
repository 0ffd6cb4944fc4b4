"""Red flags by resemblance: wordings no triage rule covers are flagged when they read like the bank's red-flag
examples, never when the question says the symptom has passed; the shipped vectors match the bank and model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mscare.ask.encoder import default_encoder
from mscare.ask.lexicon import Lookalike, load_lexicon
from mscare.ask.lookalike import bank_path, default_bank, lookalike_flag, stored_key, vectors_key
from mscare.ask.triage import red_flags, rule_flags
from mscare.ask.understand import understand
from mscare.catalogue import default_catalogue
from mscare.check import run_check


def flags(question: str) -> tuple[list[str], list[str]]:
    """(what the rules raise, what triage raises) for a question."""
    lexicon = load_lexicon()
    parsed = understand(question, catalogue=default_catalogue(), lexicon=lexicon)
    return [f.id for f in rule_flags(parsed, lexicon)], [f.id for f in red_flags(parsed, lexicon)]


@pytest.mark.parametrize("question", [
    "since teatime my legs feel like they belong to someone else and I nearly fell twice",
    "woke up and my right leg just would not do what I told it, first time ever",
    "both legs went from under me this afternoon, new for me",
])
def test_a_new_weakness_no_rule_words_is_flagged_by_resemblance(question: str) -> None:
    bank = {json.loads(line)["text"] for line in bank_path().read_text(encoding="utf-8").splitlines()}
    assert question not in bank
    assert flags(question) == ([], ["new-weakness"])


def test_a_symptom_that_has_passed_is_not_flagged_however_close() -> None:
    question = "my legs gave way last month but that has cleared up now"
    settings = load_lexicon().triage.lookalike
    assert settings is not None and "resolved" in settings.unless
    no_exclusions = Lookalike(neighbours=settings.neighbours, margin=settings.margin, floor=settings.floor,
                              unless=frozenset())
    assert lookalike_flag(question, no_exclusions) is not None  # close enough on its own...
    assert flags(question) == ([], [])  # ...but the rules' "resolved" concept stops it


@pytest.mark.parametrize("question", [
    "Can MS make your legs give way?",
    "how do i store my copaxone pens?",
    "What does optic neuritis feel like?",
    "What is the weather tomorrow?",
    "who won the football",
])
def test_general_questions_are_not_flagged(question: str) -> None:
    assert flags(question) == ([], [])


def test_stored_vectors_were_made_from_the_bank_and_the_model() -> None:
    assert stored_key() == vectors_key()
    rows = bank_path().read_text(encoding="utf-8").splitlines()
    bank = default_bank()
    assert len(bank.red) + len(bank.calm) == len(rows)
    assert len(bank.flags) == len(bank.red) > 1000


def test_encoder_gives_unit_vectors_closer_for_paraphrases() -> None:
    vectors = default_encoder().embed(["my eye went dark this morning", "sudden loss of sight in one eye",
                                       "how do I store my injections?"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_check_reports_a_bank_edited_without_new_vectors(content_copy: Path) -> None:
    bank = content_copy / "lexicon" / "triage_bank.jsonl"
    bank.write_text(bank.read_text(encoding="utf-8") + json.dumps({"text": "new example", "flags": ["nope"]}) + "\n",
                    encoding="utf-8")
    problems = run_check(content_copy).problems
    assert any("unknown red flag 'nope'" in p for p in problems)
    assert any("run scripts/make_triage_bank.py" in p for p in problems)
