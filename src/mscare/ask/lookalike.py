"""Decisions by resemblance: a question the rules leave alone is compared with labelled example questions.

Two banks, each a file of example questions with labels (``content/lexicon/<bank>_bank.jsonl``): ``triage``
holds red-flag questions, each with the red flags the rules raise for it, beside calm questions on the same
subjects (old or passing symptoms, general questions); ``decline`` holds questions to decline, each with its
reason (diagnosis, a personal choice or prognosis...), beside general questions to answer. A question resembles
a bank's labelled examples when its nearest labelled examples are close enough (``floor``) and closer than its
nearest unlabelled ones by more than a margin, or, where the bank's settings name a threshold (declines), when the
bank's learned score reaches it: a linear score over sentence vectors fitted to tell the labelled examples from the
others (logistic regression; the classes keep their share of the bank), which reaches wordings whose nearest
examples are mixed. It then gets the label most of those nearest labelled examples carry. This catches wordings
the rules lack ("legs giving way. new. 2 days", "what would you do in my shoes?"). The settings are data
(``lookalike`` in ``triage.yaml`` and ``refusals.yaml``); the vectors (the shipped encoder's), labels and score are
kept in ``ask/model/<bank>_bank.npz``, rebuilt by ``scripts/make_banks.py``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from mscare.ask.encoder import MODEL_FILE, default_encoder, model_dir
from mscare.ask.lexicon import Lookalike
from mscare.content import content_dir

BANKS = ("triage", "decline")
FIT_SCALE, FIT_RATE, FIT_L2, FIT_STEPS = 10.0, 0.5, 1e-5, 4000


@dataclass(frozen=True)
class Bank:
    labelled: np.ndarray  # one unit vector per labelled example
    labels: list[list[str]]  # the labels of each labelled example
    others: np.ndarray  # the unlabelled examples (calm, or to be answered)
    weights: np.ndarray  # the score: sigmoid(weights . vector + bias)
    bias: float
    scores: dict[str, tuple[np.ndarray, float]] = field(default_factory=dict)  # label -> its own score's weights, bias

    def score(self, vector: np.ndarray, label: str | None = None) -> float:
        """The learned score of a vector: for any label, or for the one given (it must be ``scored``)."""
        weights, bias = self.scores[label] if label else (self.weights, self.bias)
        return float(1 / (1 + np.exp(-(vector @ weights + bias))))


def bank_path(name: str, root: Path | None = None) -> Path:
    return (root or content_dir()) / "lexicon" / f"{name}_bank.jsonl"


def vectors_path(name: str) -> Path:
    return model_dir() / f"{name}_bank.npz"


def read_rows(name: str, root: Path | None = None) -> list[dict[str, Any]]:
    text = bank_path(name, root).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def vectors_key(name: str, root: Path | None = None) -> str:
    """The bank file's hash, and the model's: what the stored vectors must have been made from."""
    return digest(bank_path(name, root)) + "-" + digest(model_dir() / MODEL_FILE)


def fit_score(vectors: np.ndarray, labelled: np.ndarray) -> tuple[np.ndarray, float]:
    """A logistic regression telling labelled vectors from the others, by plain gradient descent from zero
    (deterministic, so a rebuilt bank gives the same score). The classes keep their share of the bank, so a score
    of 0.5 already means a question reads more like the few labelled examples than like the many others."""
    x = vectors.astype(np.float64) * FIT_SCALE  # unit vectors: scaled so the logits can spread
    y = labelled.astype(np.float64)
    weights, bias = np.zeros(x.shape[1]), 0.0
    for _ in range(FIT_STEPS):
        error = 1 / (1 + np.exp(-(x @ weights + bias))) - y
        weights -= FIT_RATE * (x.T @ error / len(y) + FIT_L2 * weights)
        bias -= FIT_RATE * float(error.mean())
    return (weights * FIT_SCALE).astype(np.float32), bias


def save_vectors(name: str, vectors: np.ndarray, labels: list[list[str]], scored: AbstractSet[str] = frozenset()
                 ) -> None:
    """Store a bank's vectors and labels ("a|b", "" for none), with its score fitted on them and one score for each
    ``scored`` label (its examples against all the others)."""
    weights, bias = fit_score(vectors, np.array([bool(row) for row in labels]))
    own: dict[str, Any] = {}
    for label in sorted(scored):
        own[f"weights_{label}"], label_bias = fit_score(vectors, np.array([label in row for row in labels]))
        own[f"bias_{label}"] = np.float32(label_bias)
    np.savez_compressed(vectors_path(name), vectors=vectors.astype(np.float16),
                        labels=np.array(["|".join(row) for row in labels]), weights=weights, bias=np.float32(bias),
                        key=vectors_key(name), **own)


def stored_key(name: str) -> str:
    with np.load(vectors_path(name)) as data:
        return str(data["key"])


@lru_cache(maxsize=len(BANKS))
def default_bank(name: str) -> Bank:
    """A bank as stored (``mscare check`` makes sure it was made from the bank file)."""
    with np.load(vectors_path(name)) as data:
        vectors, labels = data["vectors"].astype(np.float32), [str(x) for x in data["labels"]]
        labelled = np.array([bool(x) for x in labels])
        scores = {key.removeprefix("weights_"): (data[key], float(data["bias_" + key.removeprefix("weights_")]))
                  for key in data.files if key.startswith("weights_")}
        return Bank(labelled=vectors[labelled], labels=[x.split("|") for x in labels if x], others=vectors[~labelled],
                    weights=data["weights"], bias=float(data["bias"]), scores=scores)


def nearest_mean(similarities: np.ndarray, k: int) -> float:
    return float(np.partition(similarities, -k)[-k:].mean())


def nearest_labels(text: str, settings: Lookalike, bank: Bank, fits: AbstractSet[str] = frozenset()) -> list[str]:
    """The label of the examples a text resembles, or none when it resembles none (see the module's docstring).
    ``fits`` are the labels the question's own words speak for: when the nearest examples' label is not one of
    them but another of those examples' labels is, both are given (a sudden one-sided weakness that happens to
    read like a self-harm example also gets the weakness label its words name)."""
    vector = default_encoder().embed_one(text)
    to_labelled, k = bank.labelled @ vector, settings.neighbours
    if settings.threshold is None or bank.score(vector) < settings.threshold:
        near = nearest_mean(to_labelled, k)
        if near < settings.floor or near - nearest_mean(bank.others @ vector, k) <= settings.margin:
            return []
    nearest = np.argpartition(-to_labelled, min(k, len(to_labelled) - 1))[:k]
    nearest = nearest[np.argsort(-to_labelled[nearest])]
    counted = Counter(label for i in nearest for label in bank.labels[i])  # ties go to the nearer example
    votes = [label for label, _ in counted.most_common()]
    fitting = [label for label in votes if label in fits]
    return votes[:1] + fitting[:1] if fitting and votes[0] not in fits else votes[:1]
