"""Finding passages for a question: BM25 over the index, then a domain-aware re-ranking."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mscare.ask.lexicon import Lexicon
from mscare.ask.understand import Question
from mscare.catalogue import Catalogue
from mscare.passages import Passage
from mscare.store import Store

CANDIDATES = 60


@dataclass(frozen=True)
class Ranked:
    passage: Passage
    score: float  # final score, higher is better
    coverage: float  # share of the question's own terms the passage contains


def stem(word: str) -> str:
    """A crude stem for overlap counting: long words match on their first six letters."""
    return word[:6] if len(word) > 7 else word.rstrip("s") if len(word) > 3 else word


def passage_words(passage: Passage) -> set[str]:
    text = f"{passage.title} {passage.text} {passage.keywords}".lower()
    return {stem(w) for w in re.findall(r"[a-z0-9]+", text)}


def coverage(question: Question, passage: Passage, catalogue: Catalogue) -> float:
    """How many of the question's own terms (and named therapies) the passage covers, 0..1."""
    therapy_words = {w for tid in question.therapies for w in therapy_terms(tid, catalogue)}
    plain = [t for t in question.terms if t not in therapy_words]
    words = passage_words(passage)
    hits = sum(1 for t in plain if stem(t) in words)
    total = len(plain)
    for therapy_id in question.therapies:
        total += 1
        if passage.ref == therapy_id or any(stem(w) in words for w in therapy_terms(therapy_id, catalogue)):
            hits += 1
    return hits / total if total else 0.0


def therapy_terms(therapy_id: str, catalogue: Catalogue) -> list[str]:
    therapy = catalogue.therapies[therapy_id]
    names = catalogue.names_of(therapy)
    return [w for n in names for w in re.findall(r"[a-z0-9]+", n.lower()) if len(w) > 2]


def search_terms(question: Question, catalogue: Catalogue) -> list[str]:
    terms = list(question.terms) + question.expansions
    for therapy_id in question.therapies:
        terms += therapy_terms(therapy_id, catalogue)[:3]
    for drug_class in question.classes:
        for therapy_id in drug_class.therapies:
            terms.append(catalogue.therapies[therapy_id].generic_name.split()[0].lower())
    return list(dict.fromkeys(t for t in terms if len(t) > 1))


def retrieve(question: Question, *, store: Store, catalogue: Catalogue, lexicon: Lexicon,
             limit: int = CANDIDATES) -> list[Ranked]:
    """Candidate passages for a question, best first."""
    hits = store.search(search_terms(question, catalogue), limit=limit)
    if not hits:
        return []
    top = max(h.score for h in hits) or 1.0
    intent_fields = {f for i in lexicon.intents if i.name in question.intents for f in i.fields}
    intent_topics = {t for i in lexicon.intents if i.name in question.intents for t in i.topics}
    class_members = {t for c in question.classes for t in c.therapies}
    ranked = []
    for hit in hits:
        passage = hit.passage
        cover = coverage(question, passage, catalogue)
        score = 0.45 * (hit.score / top) + 0.55 * cover
        if passage.kind == "therapy":
            base_field = passage.field.split(".")[0]
            if passage.ref in question.therapies:
                score += 0.3 + (0.2 if base_field in intent_fields else 0.0)
            elif question.therapies:
                score -= 0.3
            elif passage.ref in class_members:
                score += 0.05
            else:
                score -= 0.15
        elif passage.ref in intent_topics:
            score += 0.2
        ranked.append(Ranked(passage=passage, score=score, coverage=cover))
    return sorted(ranked, key=lambda r: -r.score)
