"""Which topic section a question asks about, learned from example questions each section answers.

Every section of the index is in the bank with its heading as one example; ``content/lexicon/sections*.yaml`` add
example questions for sections people often ask about in other words. A
question is compared with the examples as in aspects.py (IDF-weighted word stems and word pairs); words every
MS question shares (MS, multiple sclerosis) are left out. Retrieval raises the passages of the sections a question
matches well, and adds them as candidates when the full-text search missed them.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import yaml

from mscare.ask.aspects import ExampleIndex, features, index_examples, label_scores
from mscare.ask.lexicon import load_lexicon
from mscare.content import FAST_LOADER, content_dir
from mscare.content_cache import cached
from mscare.passages import Passage
from mscare.store import Hit, Store

SHARED = frozenset("ms multiple sclerosis with have has get".split())
MIN_MATCH = 0.2  # a section matches a question at least this well to count
SECOND_SHARE = 0.85  # another section counts too when it matches nearly as well as the best


def load_sections(store: Store) -> ExampleIndex:
    """The example bank over every section of the index, built once per index build."""
    return store.derived("sections", build_sections)


def written_examples(root: Path | None = None) -> dict[str, list[str]]:
    """The example questions of each section ("slug#heading"), from ``lexicon/sections*.yaml`` (one file or several,
    an article's sections may be spread over them)."""
    written: dict[str, list[str]] = {}
    for path in sorted(((root or content_dir()) / "lexicon").glob("sections*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_LOADER) or []  # noqa: S506 - safe loader
        for entry in data:
            written.setdefault(f"{entry['topic']}#{entry['heading']}", []).extend(entry["examples"])
    return written


def build_sections(store: Store) -> ExampleIndex:
    """The bank from the index's section headings and the written examples; kept in the content cache, since
    working out the features of some 2,000 examples is a good part of a short command's time."""
    root = content_dir()
    files = [*(root / "lexicon").glob("sections*.yaml"), root / "lexicon" / "synonyms.yaml",
             *(root / "topics").glob("*.md"), Path(__file__), Path(__file__).with_name("aspects.py")]

    def build() -> ExampleIndex:
        headings = store.db.execute("SELECT DISTINCT ref, field FROM passages WHERE kind = 'topic' ORDER BY ref, field")
        written = written_examples()
        heads = synonym_heads()
        return index_examples([(f"{slug}#{heading}", features(text, SHARED, heads)) for slug, heading in headings
                               for text in [heading, *written.get(f"{slug}#{heading}", [])]])

    return cached("sections", files, build)


@lru_cache(maxsize=1)
def synonym_heads() -> dict[str, str]:
    """Each one-word synonym (lexicon/synonyms.yaml) -> the first word of its group ("pregnant" -> "pregnancy")."""
    return {word: group[0] for group in load_lexicon().synonyms for word in group if " " not in word}


def match_sections(text: str, store: Store) -> dict[str, float]:
    """The sections ("slug#heading") a question asks about, with how well it matches them (0 to 1)."""
    scores = label_scores(features(text, SHARED, synonym_heads()), load_sections(store))
    best = max(scores.values(), default=0.0)
    if best < MIN_MATCH:
        return {}
    return {key: round(score, 3) for key, score in scores.items() if score >= SECOND_SHARE * best}


def section_passages(matched: dict[str, float], store: Store) -> list[Passage]:
    """The paragraphs of the matched sections, in article order."""
    out = []
    for key in matched:
        slug, heading = key.split("#", 1)
        out += [p for p in store.passages_of(slug) if p.field == heading]
    return out


SECTION_WEIGHT = 1.0  # score added to a paragraph of a matched section, times the match and sqrt(coverage)


def with_sections(question_lower: str, hits: list[Hit], store: Store) -> tuple[list[Hit], dict[str, float]]:
    """The search hits plus the paragraphs of the sections the question matches, and those matches."""
    matched = match_sections(question_lower, store)
    have = {h.passage.pid for h in hits}
    return hits + [Hit(passage=p, score=0.0) for p in section_passages(matched, store) if p.pid not in have], matched


def section_bonus(passage: Passage, matched: dict[str, float], cover: float) -> float:
    """How much a paragraph gains from its section's match; a paragraph that shares few of the question's own
    words gains less ("tired in the afternoons" should still find the paragraph about the time of day)."""
    return SECTION_WEIGHT * matched.get(f"{passage.ref}#{passage.field}", 0.0) * math.sqrt(cover) if matched else 0.0
