"""The content a running server answers from: one version at a time, swapped whole when the index is rebuilt.

A build publishes a new ``index.sqlite`` with one rename (``store.build_index``). Before each request the
server compares the file it serves with the one on disk; when a new build is there it checks it
(``PRAGMA quick_check``), loads the catalogue and topics that go with it and swaps them in together with a
fresh answer cache, so every worker thread moves to the new version at once and no answer mixes versions. A
request keeps the snapshot it started with to the end. A damaged index is reported (``problem``) instead of
answering from it, until a rebuild replaces it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from starlette.datastructures import State

from mscare.ask import Answer, answer
from mscare.catalogue import Catalogue, default_catalogue, load_catalogue
from mscare.store import Store, connect_store, index_problem
from mscare.topics import Topic, default_topics, load_topics

ANSWER_CACHE_SIZE = 4096


class IndexDamaged(Exception):
    """The served index cannot answer; the message says why and what to do."""


@dataclass
class Snapshot:
    """One content version: the index build, the catalogue and topics that go with it, and its answer cache."""

    version: str
    path: Path
    catalogue: Catalogue
    topics: dict[str, Topic]
    content_date: date
    problem: str | None = None
    _local: threading.local = field(default_factory=threading.local, repr=False)

    def __post_init__(self) -> None:
        @lru_cache(maxsize=ANSWER_CACHE_SIZE)
        def cached(question: str, k: int) -> Answer:
            return answer(question=question, store=self.store(), catalogue=self.catalogue, k=k)

        self._cached = cached

    def store(self) -> Store:
        """This thread's read-only connection to this version's index (sqlite connections are per thread)."""
        if self.problem:
            raise IndexDamaged(self.problem)
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = connect_store(self.path)
        return store

    def answer(self, question: str, k: int) -> Answer:
        """An answer from this version only; repeated questions come from the cache, which is this version's."""
        if self.problem:
            raise IndexDamaged(self.problem)
        return self._cached(question, k)


def file_key(path: Path) -> tuple[int, int, int] | None:
    """What changes when the file is replaced or written: inode, modification time, size."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class LiveContent:
    """The current snapshot, refreshed when a new build of the index appears on disk."""

    def __init__(self, path: Path, content_date: Callable[[Catalogue, dict[str, Topic]], date]):
        self.path = path
        self._content_date = content_date
        self._lock = threading.Lock()
        self._key = file_key(path)
        self._current = self._load(default_catalogue(), default_topics())

    def _load(self, catalogue: Catalogue, topics: dict[str, Topic]) -> Snapshot:
        problem = index_problem(self.path)
        version = "unavailable"
        if problem is None:
            store = connect_store(self.path)
            try:
                version = store.version
            finally:
                store.close()
        else:
            problem = (f"the search index at {self.path} is {problem}; run 'mscare build' to rebuild it")
        return Snapshot(version=version, path=self.path, catalogue=catalogue, topics=topics,
                        content_date=self._content_date(catalogue, topics), problem=problem)

    def current(self) -> Snapshot:
        """The snapshot to answer from, after swapping in a new build if one was published."""
        key = file_key(self.path)
        if key == self._key:
            return self._current
        with self._lock:
            if key != self._key:
                # A new build goes with the content it was built from: load them together.
                topics = load_topics(strict=False)[0]
                self._current = self._load(load_catalogue(strict=False), topics)
                self._key = key
        return self._current

    def recheck(self) -> Snapshot:
        """Check the served index again (after a query failed) and report it damaged if it is."""
        with self._lock:
            snapshot = self._current
            problem = index_problem(self.path)
            if problem is not None and snapshot.problem is None:
                self._current = Snapshot(
                    version=snapshot.version, path=self.path, catalogue=snapshot.catalogue, topics=snapshot.topics,
                    content_date=snapshot.content_date,
                    problem=f"the search index at {self.path} is {problem}; run 'mscare build' to rebuild it")
            return self._current


PINNED: ContextVar[Snapshot | None] = ContextVar("mscare_snapshot", default=None)


class LiveState(State):
    """``app.state`` whose content attributes come from the request's pinned snapshot."""

    def _snapshot(self) -> Snapshot:
        pinned = PINNED.get()
        if pinned is not None:
            return pinned
        live: LiveContent = self._state["live"]
        return live.current()

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot()

    @property
    def catalogue(self) -> Catalogue:
        return self._snapshot().catalogue

    @property
    def topics(self) -> dict[str, Topic]:
        return self._snapshot().topics

    @property
    def content_date(self) -> date:
        return self._snapshot().content_date

    @property
    def answer(self) -> Callable[[str, int], Answer]:
        return self._snapshot().answer

    @property
    def store(self) -> Callable[[], Store]:
        return self._snapshot().store


def live_state(live: LiveContent, **values: Any) -> LiveState:
    return LiveState({"live": live, **values})
