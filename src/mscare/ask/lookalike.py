"""Decisions by resemblance: a question the rules leave alone is compared with labelled example questions.

Two banks, each a file of example questions with labels (``content/lexicon/<bank>_bank.jsonl``): ``triage``
holds red-flag questions, each with the red flags the rules raise for it, beside calm questions on the same
subjects (old or passing symptoms, general questions); ``decline`` holds questions to decline, each with its
reason (diagnosis, a personal choice or prognosis...), beside general questions to answer. A question whose
nearest labelled examples are close enough (``floor``) and closer than its nearest unlabelled ones by more than
a margin gets the label most of those examples carry. This catches wordings the rules lack ("legs giving way.
new. 2 days", "what would you do in my shoes?"). The settings are data (``lookalike`` in ``triage.yaml`` and
``refusals.yaml``); the vectors are the shipped encoder's, kept in ``models/<bank>_bank.npz`` and rebuilt by
``scripts/make_banks.py``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from mscare.ask.encoder import MODEL_FILE, default_encoder, models_dir
from mscare.ask.lexicon import Lookalike
from mscare.content import content_dir

BANKS = ("triage", "decline")


@dataclass(frozen=True)
class Bank:
    labelled: np.ndarray  # one unit vector per labelled example
    labels: list[list[str]]  # the labels of each labelled example
    others: np.ndarray  # the unlabelled examples (calm, or to be answered)


def bank_path(name: str, root: Path | None = None) -> Path:
    return (root or content_dir()) / "lexicon" / f"{name}_bank.jsonl"


def vectors_path(name: str) -> Path:
    return models_dir() / f"{name}_bank.npz"


def read_rows(name: str, root: Path | None = None) -> list[dict[str, Any]]:
    text = bank_path(name, root).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def vectors_key(name: str, root: Path | None = None) -> str:
    """The bank file's hash, and the model's: what the stored vectors must have been made from."""
    return digest(bank_path(name, root)) + "-" + digest(models_dir() / MODEL_FILE)


def save_vectors(name: str, vectors: np.ndarray) -> None:
    np.savez_compressed(vectors_path(name), vectors=vectors.astype(np.float16), key=vectors_key(name))


def stored_key(name: str) -> str:
    with np.load(vectors_path(name)) as data:
        return str(data["key"])


@lru_cache(maxsize=len(BANKS))
def default_bank(name: str) -> Bank:
    """A bank with its stored vectors (``mscare check`` makes sure they were made from the bank file)."""
    rows = read_rows(name)
    with np.load(vectors_path(name)) as data:
        vectors = data["vectors"].astype(np.float32)
    if len(vectors) != len(rows):
        raise ValueError(f"{vectors_path(name).name} does not match {bank_path(name).name}: run scripts/make_banks.py")
    labelled = [i for i, row in enumerate(rows) if row["labels"]]
    others = [i for i, row in enumerate(rows) if not row["labels"]]
    return Bank(labelled=vectors[labelled], labels=[list(rows[i]["labels"]) for i in labelled], others=vectors[others])


def nearest_mean(similarities: np.ndarray, k: int) -> float:
    return float(np.partition(similarities, -k)[-k:].mean())


def nearest_label(text: str, settings: Lookalike, bank: Bank) -> str | None:
    """The label of the examples a text most resembles, or None when it is nearer unlabelled ones or near none.
    Both banks are compared with a question as triage reads it (``triage.prepared``), so it is encoded once."""
    vector = default_encoder().embed_one(text)
    to_labelled, to_others = bank.labelled @ vector, bank.others @ vector
    k = settings.neighbours
    near = nearest_mean(to_labelled, k)
    if near < settings.floor or near - nearest_mean(to_others, k) <= settings.margin:
        return None
    nearest = np.argsort(-to_labelled)[:k]
    votes = Counter(label for i in nearest for label in bank.labels[i])  # ties go to the nearer example
    return votes.most_common(1)[0][0]
