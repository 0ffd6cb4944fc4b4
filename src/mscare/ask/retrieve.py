"""Finding passages for a question: BM25 over the index, then a domain-aware re-ranking."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from mscare.ask.lexicon import Lexicon, load_lexicon
from mscare.ask.sections import section_bonus, section_passages, with_sections
from mscare.ask.understand import Question
from mscare.catalogue import Catalogue
from mscare.passages import Passage
from mscare.stemming import stem, text_stems
from mscare.store import Store, passage_stems

CANDIDATES = 150


@dataclass(frozen=True)
class Ranked:
    passage: Passage
    score: float  # final score, higher is better
    coverage: float  # share of the question's own terms the passage contains


class TermWeights:
    """Inverse document frequencies of a question's terms; a term no passage uses counts for ``UNSEEN_SHARE``."""

    def __init__(self, question: Question, store: Store, catalogue: Catalogue):
        names = [(tid, therapy_terms(tid, catalogue)) for tid in question.therapies]
        self.therapy_words = {w for _, words in names for w in words}
        self.terms = [t for t in question.terms if t not in self.therapy_words]
        if about_ms_itself(question):
            self.terms.append("sclerosis")  # "what is MS?" asks about MS itself, normally a stopword
        stems = sorted({stem(v) for t in self.terms for v in [t, *question.variants.get(t, [])] if not is_phrase(v)})
        frequencies, total = store.document_frequencies(stems)
        self.weights: dict[str, float] = {}
        self.unseen: set[str] = set()  # terms no passage uses, in any form
        for term in self.terms:
            forms = [term, *question.variants.get(term, [])]
            found = [frequencies.get(stem(f), 0) for f in forms if not is_phrase(f)]
            best = max(found, default=0)
            if best or any(is_phrase(f) for f in forms):
                self.weights[term] = math.log(1 + total / (1 + best))
            else:  # a word no passage uses: it cannot be covered, so it counts for less (a name, a typo)
                self.weights[term] = UNSEEN_SHARE * math.log(1 + total)
                self.unseen.add(term)
        lexicon = load_lexicon()
        self.weights = {term: weight * specificity(term, lexicon) for term, weight in self.weights.items()}
        self.therapy_weight = math.log(1 + total)
        self.question = question
        self.matchers = [(term, weight, TermMatcher.of(term, question.variants.get(term, [])))
                         for term, weight in self.weights.items()]
        self.therapy_stems = [(tid, {stem(w) for w in words}) for tid, words in names]


@dataclass(frozen=True)
class TermMatcher:
    """A question term made ready to look for in many passages: its stem, and its synonyms' stems or phrases."""

    term: str
    term_stem: str
    variant_phrases: tuple[str, ...]  # synonyms of several words, looked for in the text
    variant_stems: frozenset[str]  # one-word synonyms, looked for by their stems

    @classmethod
    def of(cls, term: str, variants: list[str]) -> TermMatcher:
        return cls(term=term, term_stem=stem(term), variant_phrases=tuple(v for v in variants if is_phrase(v)),
                   variant_stems=frozenset(stem(v) for v in variants if not is_phrase(v)))

    def credit(self, words: set[str] | frozenset[str], text: str) -> float:
        """1 when the passage has the term itself, ``SYNONYM_CREDIT`` when only a synonym, else 0."""
        if (is_phrase(self.term) and self.term in text) or self.term_stem in words:
            return 1.0
        if not self.variant_stems.isdisjoint(words) or any(p in text for p in self.variant_phrases):
            return SYNONYM_CREDIT
        return 0.0


EVERYDAY_FROM, EVERYDAY_TO = 3.5, 5.5  # Zipf bands between which an everyday word's weight falls ...
EVERYDAY_FLOOR = 0.25  # ... to this share ("evenings", "bit", "best" count for less than "stiffness")


def specificity(term: str, lexicon: Lexicon) -> float:
    """How much a question word says about its subject: 1 for health words, phrases and rare words, less for
    everyday English words, the more common the less."""
    zipf = lexicon.commonness.get(term)
    if zipf is None or is_phrase(term) or lexicon.is_health_word(term):
        return 1.0
    share = min(1.0, max(0.0, (zipf - EVERYDAY_FROM) / (EVERYDAY_TO - EVERYDAY_FROM)))
    return 1.0 - (1.0 - EVERYDAY_FLOOR) * share


def is_phrase(term: str) -> bool:
    """Several words ("optic neuritis", "pseudo-relapse"): looked for in the text, not by one stem."""
    return " " in term or "-" in term


UNSEEN_SHARE = 0.35  # weight of a word found in no passage, relative to the rarest possible word
SYNONYM_CREDIT = 0.6


def term_weights(question: Question, store: Store, catalogue: Catalogue) -> TermWeights:
    """The question's term weights, computed once per question (they need a look-up in the index)."""
    if question.weights is None:
        question.weights = TermWeights(question, store, catalogue)
    return question.weights


def terms_covered(ranked: Ranked, weights: TermWeights) -> set[str]:
    """The weighted question terms a chosen passage mentions, itself or by a synonym."""
    return set(term_credits(ranked, weights))


def term_credits(ranked: Ranked, weights: TermWeights) -> dict[str, float]:
    """The question terms a passage mentions, each with its credit (1 for the term itself, less for a synonym)."""
    passage = ranked.passage
    text = passage.text.lower()
    stems = passage.stems or passage_stems(passage)
    credits = ((term, matcher.credit(stems, text)) for term, _, matcher in weights.matchers)
    return {term: credit for term, credit in credits if credit}


def coverage(passage: Passage, weights: TermWeights) -> float:
    """The IDF-weighted share of the question's terms (synonyms count) and therapies the passage covers."""
    text = passage.match_text
    words = passage.stems or passage_stems(passage)
    hit = total = 0.0
    for _term, weight, matcher in weights.matchers:
        total += weight
        hit += weight * matcher.credit(words, text)
    for therapy_id, names in weights.therapy_stems:
        total += weights.therapy_weight
        if passage.ref == therapy_id or not names.isdisjoint(words):
            hit += weights.therapy_weight
    return hit / total if total else 0.0


def therapy_terms(therapy_id: str, catalogue: Catalogue) -> list[str]:
    therapy = catalogue.therapies[therapy_id]
    names = catalogue.names_of(therapy)
    return [w for n in names for w in re.findall(r"[a-z0-9]+", n.lower()) if len(w) > 2]


def search_terms(question: Question, catalogue: Catalogue) -> list[str]:
    terms = list(question.terms) + question.expansions
    if about_ms_itself(question):  # "what is MS?": MS itself is the subject
        terms += ["multiple", "sclerosis", "ms"]
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
    hits, question.sections = with_sections(question.lower, hits, store)  # sections the question matches
    if not hits:
        return []
    top = max(h.score for h in hits) or 1.0
    intent_fields = {f for i in lexicon.intents if i.name in question.intents for f in i.fields}
    asked = [i for i in lexicon.intents if i.name in question.intents]
    intent_topics = {t for i in asked for t in i.topics}
    prefer = [p for i in asked for p in i.prefer_headings]
    avoid = [p for i in asked for p in i.avoid_headings]
    lead = any(i.prefer_lead for i in asked)
    class_members = {t for c in question.classes for t in c.therapies}
    weights = term_weights(question, store, catalogue)
    keyword_hits = keyword_matches(question, store)
    defines = definition_pattern(question)
    asked_stems = question_stems(question)
    seen_headings: dict[str, tuple[bool, bool]] = {}  # paragraphs of one section share its heading
    ranked = []
    for hit in hits:
        passage = hit.passage
        cover = coverage(passage, weights)
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
        else:
            if passage.ref in intent_topics:
                score += 0.2
            score += 0.08 * min(2, keyword_hits.get(passage.ref, 0))
            if defines and defines.search(first_sentence(passage.text)):
                score += 0.4
            preferred, avoided = heading_fit(passage.field, prefer, avoid, seen_headings)
            if preferred:
                score += 0.15
            if avoided:
                score -= 0.1
            if lead and passage.ref in intent_topics:
                score += 0.3 / (1 + paragraph_index(passage))
            score += 0.2 * heading_match(passage, asked_stems) + 0.05 / (1 + paragraph_index(passage))
            score += section_bonus(passage, question.sections, cover)
        ranked.append(Ranked(passage=passage, score=score, coverage=cover))
    return sorted(ranked, key=lambda r: -r.score)


MEANING_COVERAGE_WEIGHT = 0.2


def ranked_by_meaning(question: Question, meant: dict[str, float], *, store: Store,
                      catalogue: Catalogue) -> list[Ranked]:
    """The paragraphs of the section a question means (``meant``: section -> similarity, see meaning.py): the one
    with more of the question's words first, then the earlier one."""
    weights = term_weights(question, store, catalogue)
    ranked = []
    for passage in section_passages(meant, store):
        cover = coverage(passage, weights)
        score = meant[f"{passage.ref}#{passage.field}"] + MEANING_COVERAGE_WEIGHT * cover \
            + 0.05 / (1 + paragraph_index(passage))
        ranked.append(Ranked(passage=passage, score=score, coverage=cover))
    return sorted(ranked, key=lambda r: -r.score)


def heading_fit(heading: str, prefer: list[re.Pattern[str]], avoid: list[re.Pattern[str]],
                seen: dict[str, tuple[bool, bool]]) -> tuple[bool, bool]:
    """Does the question's intents prefer this heading, and do they avoid it (worked out once a heading)?"""
    if heading not in seen:
        lower = heading.lower()
        seen[heading] = (any(p.search(lower) for p in prefer), any(p.search(lower) for p in avoid))
    return seen[heading]


def paragraph_index(passage: Passage) -> int:
    """The paragraph's position in its article: openings tend to answer the article's main question."""
    return int(passage.pid.rsplit(":", 1)[-1]) if passage.kind == "topic" else 0


HEADING_FILLER = frozenset("a an the of to for and or in on with my your i you is are do does be it".split())


def question_stems(question: Question) -> set[str]:
    """Stems of every word of the question and of its terms' single-word synonyms."""
    return text_stems(" ".join(question.words)) | {stem(v) for t in question.terms
                                                   for v in question.variants.get(t, []) if " " not in v}


def heading_match(passage: Passage, asked: set[str]) -> float:
    """How much of the passage's section heading the question echoes ("What medicines are used for MS?")."""
    heading = heading_stems(passage.field)
    if not heading:
        return 0.0
    return sum(1 for w in heading if w in asked) / len(heading)


@lru_cache(maxsize=4096)
def heading_stems(heading: str) -> tuple[str, ...]:
    """The stems of a heading's words, fillers left out (headings repeat across passages and questions)."""
    return tuple(stem(w) for w in re.findall(r"[a-z0-9]+", heading.lower()) if w not in HEADING_FILLER)


DEFINITION = re.compile(r"^(?:what|who)(?: exactly)?(?: is|'s|s| are| exactly is) (?:an? |the )?"
                        r"(.+?)(?:\?| and | or |,|$)")


MS_DEFINITION = re.compile(r"\b(?:ms|multiple sclerosis)(?: \(ms\))? is (?:a|an)\b", re.I)


def about_ms_itself(question: Question) -> bool:
    """"What is MS?", "what happens when you have MS?": MS is the subject, not a word beside it."""
    if question.therapies or not question.mentions_ms:
        return False
    return definition_pattern(question) is MS_DEFINITION or not question.terms


def definition_pattern(question: Question) -> re.Pattern[str] | None:
    """For "what is X?" questions, a pattern finding sentences that define X ("X is ...", "An X is ...")."""
    match = DEFINITION.match(question.lower)
    if not match:
        return None
    subject = re.sub(r"\b(ms|multiple sclerosis)$", "", match.group(1)).strip()
    if subject in ("", "exactly"):  # "what is MS?": a sentence defining MS itself
        return MS_DEFINITION
    if len(subject) < 3:
        return None
    # The subject as asked, or a synonym of it, then an optional "(abbreviation)", then "is/are/means".
    names = [subject, *question.variants.get(subject, []), *question.variants.get(subject.rstrip("s"), [])]
    alternatives = "|".join(re.escape(n.rstrip("s")) for n in sorted(set(names), key=len, reverse=True) if n)
    return re.compile(rf"\b(?:{alternatives})s?\b(?: \([^)]*\))? (?:is|are|means)\b", re.I)


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]


def keyword_matches(question: Question, store: Store) -> dict[str, int]:
    """How many of each topic's multi-word keywords the question uses ("questions to ask", "stem cell")."""
    hits: dict[str, int] = {}
    for slug, keywords in store.topic_phrases().items():
        count = sum(1 for k in keywords if k in question.grams)
        if count:
            hits[slug] = count
    return hits
