"""Decisions by resemblance: red-flag wordings no triage rule covers are flagged when they read like the triage
bank's red-flag examples, never when the question says the symptom has passed; personal questions no refusal
pattern covers are declined when they read like the decline bank's; the shipped vectors match banks and model."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from mscare.ask.declines import refusal_reason, rule_reason
from mscare.ask.encoder import default_encoder
from mscare.ask.lexicon import Lookalike, load_lexicon
from mscare.ask.lookalike import (
    BANKS,
    Bank,
    bank_path,
    default_bank,
    fit_score,
    nearest_labels,
    stored_key,
    vectors_key,
)
from mscare.ask.triage import prepared, red_flags, rule_flags
from mscare.ask.understand import understand
from mscare.catalogue import default_catalogue
from mscare.check import run_check


def parse(question: str):
    return understand(question, catalogue=default_catalogue(), lexicon=load_lexicon())


def flags(question: str) -> tuple[list[str], list[str]]:
    """(what the rules raise, what triage raises) for a question."""
    lexicon, parsed = load_lexicon(), parse(question)
    return [f.id for f in rule_flags(parsed, lexicon)], [f.id for f in red_flags(parsed, lexicon)]


def in_bank(name: str, question: str) -> bool:
    return any(json.loads(line)["text"] == question
               for line in bank_path(name).read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("question", [
    "my knees keep folding under me today and I have to grab the wall",
    "my legs turned to cooked noodles this afternoon and I ended up on the floor, new for me",
    "this afternoon my legs just would not carry me across the kitchen, never happened before",
])
def test_a_new_weakness_no_rule_words_is_flagged_by_resemblance(question: str) -> None:
    assert not in_bank("triage", question)
    assert flags(question) == ([], ["new-weakness"])


def test_a_symptom_that_has_passed_is_not_flagged_however_close() -> None:
    question = "my legs gave way last month but that has cleared up now"
    triage = load_lexicon().triage
    settings = triage.lookalike
    assert settings is not None and "resolved" in settings.unless
    no_exclusions = Lookalike(neighbours=settings.neighbours, floor=settings.floor, margin=0.0, threshold=None,
                              unless=frozenset())
    assert nearest_labels(prepared(question, triage), no_exclusions, default_bank("triage"))
    assert flags(question) == ([], [])  # close enough on its own, but the rules' "resolved" concept stops it


def test_a_label_the_question_names_comes_with_the_nearest_examples_label_it_does_not() -> None:
    encoder = default_encoder()
    texts = ["my arm went weak this morning", "my arm went weak today", "my leg went weak this morning"]
    vectors = np.stack([encoder.embed_one(t) for t in texts])
    bank = Bank(labelled=vectors, labels=[["suicide"], ["suicide"], ["new-weakness"]],
                others=np.stack([encoder.embed_one(t) for t in ("what is the weather tomorrow", "who won the football",
                                                                 "how do I store my pens")]),
                weights=np.zeros(vectors.shape[1], dtype=np.float32), bias=0.0)
    anything = Lookalike(neighbours=3, floor=0.0, margin=-1.0, threshold=None, unless=frozenset())
    assert nearest_labels(texts[0], anything, bank) == ["suicide"]  # the vote of the nearest examples
    assert nearest_labels(texts[0], anything, bank, fits={"new-weakness"}) == ["suicide", "new-weakness"]
    assert nearest_labels(texts[0], anything, bank, fits={"suicide"}) == ["suicide"]
    assert flags("My brother (MS) he wake up and his left side is weak, arm and leg, he cannot button the shirt. "
                 "It come over the night.")[1][-1] in {"new-weakness", "stroke"}


@pytest.mark.parametrize("question", [
    "Can MS make your legs give way?",
    "how do i store my copaxone pens?",
    "What does optic neuritis feel like?",
    "What is the weather tomorrow?",
    "who won the football",
    "Been feeling low since the winter. Not suicidal, just flat. Could it be vitamin D?",
])
def test_general_or_denied_questions_are_not_flagged(question: str) -> None:
    assert flags(question) == ([], [])


@pytest.mark.parametrize(("question", "reason"), [
    ("my sister keeps dropping cups and her hands tingle, is it MS like mum had?", "diagnosis"),
])
def test_a_personal_question_no_pattern_covers_is_declined_by_resemblance(question: str, reason: str) -> None:
    lexicon = load_lexicon()
    assert not in_bank("decline", question)
    assert rule_reason(parse(question), lexicon) is None
    assert refusal_reason(parse(question), lexicon) == (reason, {})


@pytest.mark.parametrize(("question", "reason"), [
    ("would you go on lemtrada if you had two kids under 5?", "personal_decision"),
    ("my nan is 79 and has had ms for ages, how long has she got?", "personal_prognosis"),
])
def test_the_learned_score_declines_what_the_nearest_examples_leave_open(question: str, reason: str) -> None:
    lexicon = load_lexicon()
    settings = lexicon.decline_lookalike
    assert settings is not None and settings.threshold is not None
    text = prepared(parse(question).lower, lexicon.triage)
    nearest_only = dataclasses.replace(settings, threshold=None)
    assert not in_bank("decline", question) and rule_reason(parse(question), lexicon) is None
    assert not nearest_labels(text, nearest_only, default_bank("decline"))
    assert refusal_reason(parse(question), lexicon) == (reason, {})


def test_the_fitted_score_tells_the_classes_apart() -> None:
    rng = np.random.default_rng(0)
    centre = rng.normal(size=384)
    points = np.vstack([centre + rng.normal(size=(40, 384)), -centre + rng.normal(size=(200, 384))])
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    labelled = np.arange(240) < 40
    weights, bias = fit_score(points.astype(np.float32), labelled)
    scores = 1 / (1 + np.exp(-(points @ weights + bias)))
    assert (scores[labelled] > 0.5).all() and (scores[~labelled] < 0.5).all()
    assert np.array_equal(weights, fit_score(points.astype(np.float32), labelled)[0])  # deterministic


@pytest.mark.parametrize("question", [
    "what do people usually weigh up when choosing between infusions and tablets?",
    "how is MS diagnosed?",
    "What is the weather tomorrow?",
])
def test_general_questions_are_not_declined_by_resemblance(question: str) -> None:
    reason = refusal_reason(parse(question), load_lexicon())
    assert reason is None or reason[0] not in ("diagnosis", "personal_decision", "personal_prognosis")


@pytest.mark.parametrize("name", BANKS)
def test_stored_vectors_were_made_from_the_bank_and_the_model(name: str) -> None:
    assert stored_key(name) == vectors_key(name)
    rows = bank_path(name).read_text(encoding="utf-8").splitlines()
    bank = default_bank(name)
    assert len(bank.labelled) + len(bank.others) == len(rows)
    assert len(bank.labels) == len(bank.labelled) > 250


def test_encoder_gives_unit_vectors_closer_for_paraphrases() -> None:
    vectors = default_encoder().embed(["my eye went dark this morning", "sudden loss of sight in one eye",
                                       "how do I store my injections?"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_check_reports_a_bank_edited_without_new_vectors(content_copy: Path) -> None:
    bank = content_copy / "lexicon" / "triage_bank.jsonl"
    bank.write_text(bank.read_text(encoding="utf-8") + json.dumps({"text": "new example", "labels": ["nope"]}) + "\n",
                    encoding="utf-8")
    problems = run_check(content_copy).problems
    assert any("unknown label 'nope'" in p for p in problems)
    assert any("triage_bank.npz" in p and "run scripts/make_banks.py" in p for p in problems)


def test_check_reports_section_examples_edited_without_new_vectors(content_copy: Path) -> None:
    from mscare.ask.meaning import bank, meaning_rows

    assert len(bank()[1]) == len(meaning_rows())  # the shipped vectors match the shipped examples
    assert not any("sections_bank.npz" in p for p in run_check(content_copy).problems)
    examples = content_copy / "lexicon" / "sections.yaml"
    text = examples.read_text(encoding="utf-8")
    first = text.index("examples:") + len("examples:")
    examples.write_text(text[:first] + "\n    - a brand new way to ask this" + text[first:], encoding="utf-8")
    assert any("sections_bank.npz" in p and "run scripts/make_banks.py" in p for p in run_check(content_copy).problems)


def test_half_a_self_harm_rule_is_completed_by_reading_like_the_self_harm_examples() -> None:
    """A way to die with no intent said ("~suicide" in triage.yaml): the rule fires because the question reads like
    the bank's self-harm examples (its own score), and not when that score's threshold cannot be reached."""
    question = "I've stopped taking all my tablets. I'm so tired of this body and I don't see how it ever gets better."
    lexicon = load_lexicon()
    assert "suicide" in default_bank("triage").scores
    assert [f.id for f in rule_flags(parse(question), lexicon)] == ["suicide"]
    settings = dataclasses.replace(lexicon.triage.lookalike, scored={"suicide": 1.01})
    unreachable = dataclasses.replace(lexicon, triage=dataclasses.replace(lexicon.triage, lookalike=settings))
    assert rule_flags(parse(question), unreachable) == []


def test_a_rule_naming_a_resemblance_without_a_score_is_an_error() -> None:
    from mscare.ask.lexicon import load_triage

    data = {"concepts": {"intent": ["had enough"]}, "rules": [{"flag": "suicide", "any": [["intent", "~suicide"]]}]}
    with pytest.raises(ValueError, match="~suicide"):
        load_triage(data)


def test_a_resemblance_may_carry_its_own_threshold() -> None:
    from mscare.ask.lexicon import load_triage, resemblance

    assert resemblance("~suicide@0.9") == ("suicide", 0.9) and resemblance("~suicide") == ("suicide", None)
    data = {"concepts": {"dark": ["hopeless"]}, "lookalike": {"neighbours": 3, "floor": 0.6, "margin": 0.05,
                                                              "scored": {"suicide": 0.4}},
            "rules": [{"flag": "suicide", "any": [["dark", "~suicide@0.9"]]}]}
    assert load_triage(data).rules[0].wants({"dark"}) == {"~suicide@0.9"}
    assert load_triage(data).rules[0].wants(set()) == set()
