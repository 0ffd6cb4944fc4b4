"""Word stems for matching a question's words to passages (Snowball English stemmer)."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[a-z0-9]+")
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word.lower()))


def text_stems(text: str) -> set[str]:
    return {stem(w) for w in WORD.findall(text.lower())}
