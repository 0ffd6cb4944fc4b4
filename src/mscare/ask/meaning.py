"""Sections found by meaning, for questions whose words match too little of the content.

The section example bank of sections.py (each section's heading and written example questions) is kept here as
sentence vectors of the shipped encoder (``ask/model/sections_bank.npz``, made by ``scripts/make_banks.py``). A
question the full-text search and the word-based section match leave weak ("do UTIs make my walking dip?", "what
counts as an MS emergency?") is answered from the section whose examples are nearest to it in meaning, when it
is near enough; otherwise it is still refused. Only such questions pay for encoding (a few milliseconds).
Loaded on first use: numpy and onnxruntime are not needed by most questions.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from mscare.ask.encoder import MODEL_FILE, default_encoder, model_dir
from mscare.ask.lookalike import digest, vectors_path
from mscare.ask.sections import written_examples
from mscare.topics import load_topics

MEANING_MIN = 0.64  # a section's example this close in meaning (cosine) to a question answers it
PART_MIN = 0.7  # ... or this close to one of its asking sentences, which carries less of the question's context
BANK = "sections"  # stored beside the look-alike banks: ask/model/sections_bank.npz (lookalike.stored_key reads it)


def meaning_rows(root: Path | None = None) -> list[tuple[str, str]]:
    """Each section ("slug#heading") with its heading and its written example questions."""
    topics, _ = load_topics(root, strict=False)
    written = written_examples(root)
    keys = dict.fromkeys(f"{slug}#{s.title}" for slug, topic in sorted(topics.items()) for s in topic.sections
                         if s.title)
    return [(key, text) for key in keys for text in dict.fromkeys([key.split("#", 1)[1], *written.get(key, [])])]


def meaning_key(rows: list[tuple[str, str]]) -> str:
    """What the stored vectors must have been made from: these rows and the shipped model."""
    return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()[:16] + "-" + digest(model_dir() / MODEL_FILE)


def save_bank(rows: list[tuple[str, str]], vectors: np.ndarray) -> Path:
    path = vectors_path(BANK)
    np.savez_compressed(path, vectors=vectors.astype(np.float16), labels=np.array([key for key, _ in rows]),
                        key=meaning_key(rows))
    return path


@lru_cache(maxsize=1)
def bank() -> tuple[np.ndarray, list[str]]:
    """The examples' unit vectors and the section of each."""
    with np.load(vectors_path(BANK)) as data:
        return data["vectors"].astype(np.float32), [str(x) for x in data["labels"]]


def section_by_meaning(text: str, asking: list[str] | None = None) -> dict[str, float]:
    """The section ("slug#heading") whose example is nearest in meaning to the question, with the similarity, when
    it is near enough (one section: a second one nearly as near was as often off the point as on it); else the one
    nearest to one of the question's ``asking`` sentences, when nearer still ("... nothing serious. Where can I find
    a support group?")."""
    vectors, labels = bank()
    encoder = default_encoder()
    for probe, least in [(text, MEANING_MIN), *((part, PART_MIN) for part in asking or [])]:
        similarity = vectors @ encoder.embed_one(probe)
        nearest = int(np.argmax(similarity))
        if similarity[nearest] >= least:
            return {labels[nearest]: round(float(similarity[nearest]), 3)}
    return {}
