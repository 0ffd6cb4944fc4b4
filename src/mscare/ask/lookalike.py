"""Red flags by resemblance: a question no triage rule flags is compared with example questions.

The bank (``content/lexicon/triage_bank.jsonl``) holds red-flag questions, each with the red flags the rules
raise for it, and calm questions on the same subjects (old or passing symptoms, general questions). A question
whose nearest red-flag examples are closer than its nearest calm ones by more than a margin is given the red
flag most of those examples carry. This catches wordings the vocabulary lacks ("legs giving way. new. 2 days");
the rules' own exclusions (a symptom that has passed, one that has lasted for years) still stop it. The settings
are data (``lookalike`` in ``triage.yaml``); the vectors are the shipped encoder's, kept in
``models/triage_bank.npz`` and rebuilt by ``scripts/make_triage_bank.py``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from mscare.ask.encoder import MODEL_FILE, default_encoder, models_dir
from mscare.ask.lexicon import Lookalike
from mscare.content import content_dir

BANK_FILE = "triage_bank.jsonl"
VECTORS_FILE = "triage_bank.npz"


@dataclass(frozen=True)
class Bank:
    red: np.ndarray  # one unit vector per red-flag example
    flags: list[list[str]]  # the red flags of each red-flag example
    calm: np.ndarray


def bank_path(root: Path | None = None) -> Path:
    return (root or content_dir()) / "lexicon" / BANK_FILE


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def vectors_key(with_model: bool = True, root: Path | None = None) -> str:
    """The bank file's hash, and the model's: what the stored vectors must have been made from."""
    return digest(bank_path(root)) + ("-" + digest(models_dir() / MODEL_FILE) if with_model else "")


def save_vectors(vectors: np.ndarray) -> None:
    np.savez_compressed(models_dir() / VECTORS_FILE, vectors=vectors.astype(np.float16), key=vectors_key())


def stored_key() -> str:
    with np.load(models_dir() / VECTORS_FILE) as data:
        return str(data["key"])


@lru_cache(maxsize=1)
def default_bank() -> Bank:
    """The bank with its stored vectors; if the bank file changed since they were made, embedded afresh."""
    rows = [json.loads(line) for line in bank_path().read_text(encoding="utf-8").splitlines() if line.strip()]
    with np.load(models_dir() / VECTORS_FILE) as data:
        key, vectors = str(data["key"]), data["vectors"].astype(np.float32)
    if not key.startswith(vectors_key(with_model=False)) or len(vectors) != len(rows):
        vectors = default_encoder().embed([row["text"] for row in rows])
    red = [i for i, row in enumerate(rows) if row["flags"]]
    calm = [i for i, row in enumerate(rows) if not row["flags"]]
    return Bank(red=vectors[red], flags=[rows[i]["flags"] for i in red], calm=vectors[calm])


def nearest_mean(similarities: np.ndarray, k: int) -> float:
    return float(np.partition(similarities, -k)[-k:].mean())


def lookalike_flag(text: str, settings: Lookalike, bank: Bank | None = None) -> str | None:
    """The red flag of the examples a question most resembles, or None when it is closer to calm ones."""
    bank = bank or default_bank()
    vector = default_encoder().embed([text])[0]
    to_red, to_calm = bank.red @ vector, bank.calm @ vector
    k = settings.neighbours
    red = nearest_mean(to_red, k)
    if red < settings.floor or red - nearest_mean(to_calm, k) <= settings.margin:
        return None
    nearest = np.argsort(-to_red)[:k]
    votes = Counter(flag for i in nearest for flag in bank.flags[i])  # ties go to the nearer example
    return votes.most_common(1)[0][0]
