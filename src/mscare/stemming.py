"""Word stems for matching a question's words to passages (Snowball English stemmer)."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[a-z0-9]+")
_STEMMER = snowballstemmer.stemmer("english")
# A Snowball stemmer keeps the word it is working on in itself, so two threads must not use it at once (the
# server answers on several threads); the cache in front of it means the lock is rarely taken.
_STEMMER_LOCK = threading.Lock()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    with _STEMMER_LOCK:
        return str(_STEMMER.stemWord(word.lower()))


def text_stems(text: str) -> set[str]:
    return {stem(w) for w in WORD.findall(text.lower())}
