"""Near-identical sentences across topic articles: the same thing said twice drifts apart over time.

Method (documented in docs/CONTENT.md):

1. Each article's paragraphs are read as plain text (citations and markup removed), and a list item counts as
   a sentence. The closing reminder ("not personal medical advice") is left out: every article must end with it.
2. A sentence is normalised: lower case, punctuation dropped, words split on anything that is not a letter or
   digit, the ask engine's stop words (content/lexicon/stopwords.yaml) removed. What is left is a set of tokens.
   In a sentence that gives the emergency numbers (911, 999, 112), the numbers and region names are dropped too:
   red-flag lines must repeat them (content standard), so they alone do not make two sentences alike.
3. Only sentences of at least ``MIN_WORDS`` words (before stop words are removed) and ``MIN_TOKENS`` tokens take
   part, so short, formulaic lines ("Talk to your MS team.") are not counted.
4. Two sentences from *different* articles are near-identical when the Jaccard index of their token sets
   (shared tokens divided by all tokens) is at least ``THRESHOLD``. Each such pair counts once.

A pair can only reach the threshold when the smaller set has at least ``THRESHOLD`` times as many tokens as the
larger one, so sentences are sorted by set size and only comparable sizes are compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from mscare.topics import REMINDER, Topic, plain_text

THRESHOLD = 0.8
MIN_WORDS = 8
MIN_TOKENS = 5
MAX_PAIRS = 15  # mscare check fails at this many pairs or more
EMERGENCY_NUMBERS = frozenset({"911", "999", "112"})
EMERGENCY_TOKENS = EMERGENCY_NUMBERS | {"us", "uk", "eu"}
WORD = re.compile(r"[a-z0-9]+")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


@dataclass(frozen=True)
class Sentence:
    slug: str
    text: str
    tokens: frozenset[str]


@dataclass(frozen=True)
class Overlap:
    """Two near-identical sentences in two articles, and how alike they are (Jaccard index)."""

    first: Sentence
    second: Sentence
    similarity: float

    def to_json(self) -> dict[str, object]:
        return {"similarity": round(self.similarity, 2),
                "first": {"slug": self.first.slug, "sentence": self.first.text},
                "second": {"slug": self.second.slug, "sentence": self.second.text}}

    def describe(self) -> str:
        return (f"{self.first.slug} / {self.second.slug} ({self.similarity:.2f}): "
                f"{self.first.text[:90]!r}")


def load_stopwords(root: Path) -> frozenset[str]:
    data = yaml.safe_load((root / "lexicon" / "stopwords.yaml").read_text(encoding="utf-8"))
    return frozenset(str(w).lower() for w in data)


def sentences(topic: Topic, stopwords: frozenset[str]) -> list[Sentence]:
    """The article's sentences long enough to compare, each with its normalised token set."""
    found = []
    for para in topic.paragraphs():
        text = plain_text(para.markdown, list_items_as_sentences=True)
        for sentence in SENTENCE.split(text):
            sentence = sentence.strip()
            words = WORD.findall(sentence.lower())
            if len(words) < MIN_WORDS or REMINDER.search(sentence):
                continue
            dropped = stopwords | EMERGENCY_TOKENS if EMERGENCY_NUMBERS & set(words) else stopwords
            tokens = frozenset(w for w in words if w not in dropped)
            if len(tokens) >= MIN_TOKENS:
                found.append(Sentence(topic.slug, sentence, tokens))
    return found


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def near_duplicates(topics: list[Topic], stopwords: frozenset[str],
                    threshold: float = THRESHOLD) -> list[Overlap]:
    """Every pair of near-identical sentences in different articles, most alike first."""
    pool = sorted((s for t in topics for s in sentences(t, stopwords)), key=lambda s: len(s.tokens))
    pairs = []
    for i, first in enumerate(pool):
        for second in pool[i + 1:]:
            if len(first.tokens) < threshold * len(second.tokens):
                break  # sets only grow from here, so no later sentence can reach the threshold
            if first.slug == second.slug:
                continue
            score = jaccard(first.tokens, second.tokens)
            if score >= threshold:
                pairs.append(Overlap(first, second, score))
    return sorted(pairs, key=lambda o: (-o.similarity, o.first.slug, o.second.slug))
