"""``answer()``: the ask pipeline, from question text to a cited answer, a refusal or urgent advice."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from mscare.ask.compose import draft_answer
from mscare.ask.declines import ASKING, refusal_reason, sentences
from mscare.ask.lexicon import Lexicon, load_lexicon
from mscare.ask.retrieve import Ranked, TermWeights, ranked_by_meaning, retrieve, term_weights, terms_covered
from mscare.ask.triage import flag_advice, found_concepts, prepared, red_flags
from mscare.ask.understand import Question, understand
from mscare.catalogue import Catalogue, default_catalogue
from mscare.settings import DISCLAIMER, MAX_QUESTION_CHARS
from mscare.store import Store, StoreVocabulary
from mscare.urgent import help_lines

MIN_COVERAGE = 0.25
HEALTH_MIN_COVERAGE = 0.4  # a question that does not name MS must match some content this well
CONTENT_MIN_COVERAGE = 0.75  # ... or, with no health word in it, this well
IN_DOMAIN_TOP = 5  # ... by one of its best-ranked passages
EVERYDAY_UNSEEN = 4.0  # a word the content lacks but English uses this commonly ("winter") is not a subject
EVERYDAY_SUBJECT = 4.5  # a covered word this rare can be a question's subject ("gluten"), a commoner one cannot
URGENT_PREFIX = "Seek urgent care."


class QuestionError(ValueError):
    """A question that cannot be asked: empty or too long."""


@dataclass
class Answer:
    question: str
    text: str
    sources: list[dict[str, str]]
    topic: str | None
    confidence: float
    refused: bool
    urgent: bool
    passages: list[Ranked] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    reason: str | None = None  # why it was refused, for the record
    segments: list[dict[str, Any]] = field(default_factory=list)  # the text in parts, each with its sources

    def to_json(self) -> dict[str, Any]:
        """The contract of ``mscare ask --json`` and ``/api/ask``."""
        return {
            "question": self.question,
            "answer": {"text": self.text, "sources": self.sources, "topic": self.topic,
                       "confidence": round(self.confidence, 3), "refused": self.refused, "urgent": self.urgent,
                       "segments": self.segments},
            "passages": [
                {"id": r.passage.pid, "title": r.passage.title, "text": r.passage.text,
                 "source": r.passage.sources[0] if r.passage.sources else None,
                 "sources": r.passage.sources, "score": round(r.score, 3)}
                for r in self.passages
            ],
            "related": self.related,
        }


def check_question(text: str) -> str:
    """The question stripped, or ``QuestionError`` saying what is wrong with it."""
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned:
        raise QuestionError("the question is empty: type a question about MS treatment or care")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(cleaned)} characters long; the limit is {MAX_QUESTION_CHARS}")
    return cleaned


RED_FLAG_ASPECT = "red_flag"  # aspects.yaml: what a therapy's record says to watch for


def source_list(catalogue: Catalogue, segments: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The sources the segments cite, each once, as the answer lists them."""
    return [{"id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url}
            for s in catalogue.sources_of([s for seg in segments for s in seg["sources"]])]


def unreadable(question: Question, vocabulary: StoreVocabulary, lexicon: Lexicon) -> bool:
    """Most of the question's words are neither English nor the content's ("ojo derecho borroso desde anoche"):
    ``not_english`` in refusals.yaml."""
    settings = lexicon.refusals.get("not_english", {})
    words = [w for w in re.findall(r"[^\W\d_]+", question.lower) if len(w) >= 3]
    if len(words) < settings.get("min_words", 5):
        return False
    known = vocabulary.known(words)
    return sum(1 for w in words if w in known) < settings.get("max_known_share", 0.5) * len(words)


def by_meaning(question: Question, *, store: Store, catalogue: Catalogue, lexicon: Lexicon) -> list[Ranked]:
    """The paragraphs of the section the question means, found by sentence vectors (meaning.py), or none."""
    from mscare.ask.meaning import section_by_meaning  # numpy and onnxruntime load only when needed

    text = question.text or question.lower
    parts = sentences(text)
    asking = [prepared(s, lexicon.triage) for s in parts if ASKING.search(s.lower())] if len(parts) > 1 else []
    meant = section_by_meaning(prepared(text, lexicon.triage), asking)
    return ranked_by_meaning(question, meant, store=store, catalogue=catalogue) if meant else []


def in_domain(question: Question, ranked: list[Ranked], weights: TermWeights, lexicon: Lexicon) -> bool:
    """Is the question about MS care: a therapy, a drug class, MS itself, or a health word with matching content?

    A question that describes a symptom MS can cause (``symptoms`` in triage.yaml: "my shins are numb") is about
    MS care. Another symptom question that does not say "MS" ("I feel dizzy when I stand up") is when one of the
    best passages mentions most of its health words and the content knows every word of it that is not an
    everyday English word (no "melatonin").
    """
    if question.therapies or question.classes or question.mentions_ms:
        return True
    if found_concepts(question, lexicon.triage) & lexicon.triage.symptoms:  # it describes a symptom MS can cause
        return True
    health = any(lexicon.is_health_word(w) for w in [*weights.weights, *question.words])
    best = max((r.coverage for r in ranked[:IN_DOMAIN_TOP]), default=0.0)
    # The content is all about MS: a question it covers almost entirely is about MS even if it does not say so.
    if health and best >= HEALTH_MIN_COVERAGE:
        return True
    # ... or, with no health word, when the content covers it almost entirely, by more than everyday words
    # ("what is the weather tomorrow?" is not about the hot weather the content mentions)
    if any(r.coverage >= CONTENT_MIN_COVERAGE and any(lexicon.commonness.get(t, 0.0) < EVERYDAY_SUBJECT
                                                      for t in terms_covered(r, weights))
           for r in ranked[:IN_DOMAIN_TOP]):
        return True
    # A word the content never uses is what the question is about ("melatonin"), unless it is an everyday word or
    # texting for one ("nite").
    subject_unseen = [t for t in weights.unseen if lexicon.commonness.get(t, 0.0) < EVERYDAY_UNSEEN
                      and t not in lexicon.triage.spellings]
    return not subject_unseen and any(health_covered([r], weights, lexicon) for r in ranked[:IN_DOMAIN_TOP])


HEALTH_COVERED_SHARE = 0.5


def health_covered(passages: list[Ranked], weights: TermWeights, lexicon: Lexicon) -> bool:
    """The question has health words and the passages mention most of them, by weight ("dizzy", "stand up")."""
    health = {t: w for t, w in weights.weights.items() if lexicon.is_health_word(t)}
    covered = set().union(*(terms_covered(r, weights) for r in passages))
    total = sum(health.values())
    return bool(health) and sum(w for t, w in health.items() if t in covered) >= HEALTH_COVERED_SHARE * total


def off_record(question: Question, used: list[Ranked], store: Store, catalogue: Catalogue) -> bool:
    """A therapy question that asks something no chosen passage mentions ("how much does Ocrevus cost?")."""
    if question.intents or question.aspects:
        return False
    weights = term_weights(question, store, catalogue)
    if not weights.weights:
        return False
    return not any(terms_covered(ranked, weights) for ranked in used)


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


REPEAT_FILLER = frozenset("a an the of to and or in on at for with is are was be have has had it its this that so "
                          "such as by from".split())
NEW_WORDS = 2  # a sentence of several words that adds at most this many (or a fifth) to an earlier one says it
NEW_SHARE = 0.2  # again


def said_before(words: frozenset[str], earlier: frozenset[str]) -> bool:
    return len(words) >= 6 and len(words - earlier) <= max(NEW_WORDS, NEW_SHARE * len(words))


def unrepeated(segments: list[dict[str, Any]], refs: list[str] | None = None) -> list[dict[str, Any]]:
    """The segments with any sentence an earlier one already said left out (empty segments dropped).

    Within one record or article (``refs``, one per segment), a sentence nearly the same as an earlier one
    counts as said; across records it does not ("approved for relapsing MS" is news for each drug compared).
    """
    refs = refs or [""] * len(segments)
    seen: list[tuple[str, frozenset[str]]] = []
    out = []
    for segment, ref in zip(segments, refs, strict=True):
        kept = []
        for sentence in SENTENCE_END.split(segment["text"]):
            key = frozenset(re.findall(r"[a-z0-9]+", sentence.lower())) - REPEAT_FILLER
            if key and not any(key == words or (ref == where and said_before(key, words)) for where, words in seen):
                seen.append((ref, key))
                kept.append(sentence)
        if kept:
            out.append({**segment, "text": " ".join(kept)})
    return out


def diagnosis_note(question: Question, used: list[Ranked], store: Store, lexicon: Lexicon) -> Ranked | None:
    """For a diagnosis question that also asks what helps or what something is: the opening of the content's section
    on diagnosis, to lead the general answer."""
    note = lexicon.refusals["diagnosis"].get("general_note")
    general = {"advice", "definition"} & set(question.intents)  # "what helps?", "what is CIS?"
    if not note or not general or not used or max(r.coverage for r in used) < MIN_COVERAGE:
        return None
    for passage in store.passages_of(note["topic"]):
        if re.search(note["heading"], passage.field.lower()):
            opening = " ".join(SENTENCE_END.split(passage.text)[:2])
            return Ranked(passage=replace(passage, text=opening), score=1.0, coverage=0.0)
    return None


def related_topics(ranked: list[Ranked], used: list[Ranked], question: Question, lexicon: Lexicon) -> list[str]:
    seen = {r.passage.ref for r in used if r.passage.kind == "topic"}
    out: list[str] = []
    for intent in lexicon.intents:
        if intent.name in question.intents:
            out += intent.topics
    out += [r.passage.ref for r in ranked if r.passage.kind == "topic"]
    return [s for s in dict.fromkeys(out) if s not in seen][:4]


def answer(*, question: str, store: Store, catalogue: Catalogue | None = None,
           lexicon: Lexicon | None = None, k: int = 5) -> Answer:
    """Answer one question from the index.

    question: free text, 1 to 1,000 characters (``QuestionError`` otherwise).
    k: the most passages returned alongside the answer.
    """
    text = check_question(question)
    catalogue = catalogue or default_catalogue()
    lexicon = lexicon or load_lexicon()
    vocabulary = StoreVocabulary(store)
    parsed = understand(text, catalogue=catalogue, lexicon=lexicon, vocabulary=vocabulary)
    flags = red_flags(parsed, lexicon)
    if flags and len(parsed.therapies) == 1 and not parsed.aspects:  # what to watch for on it, not its profile
        parsed.aspects = [RED_FLAG_ASPECT]
    advice = [flag_advice(f) for f in flags]
    urgent_text = " ".join([URGENT_PREFIX] + [text for text, _ in advice]) if flags else ""
    urgent_sources = [s for _, sources in advice for s in sources]

    reason = None
    if not flags:
        reason = ("not_english", {}) if unreadable(parsed, vocabulary, lexicon) else refusal_reason(parsed, lexicon)
    ranked = retrieve(parsed, store=store, catalogue=catalogue, lexicon=lexicon)
    weights = term_weights(parsed, store, catalogue)
    if reason is None and not flags and not in_domain(parsed, ranked, weights, lexicon):
        reason = ("off_topic", {})
    draft = draft_answer(parsed, ranked, store=store, catalogue=catalogue, lexicon=lexicon)
    # Weak: the chosen passages share little of the question, unless they mention most of its health words (a
    # chatty question about "balance" and "knackered" answered by the balance paragraph).
    weak = not draft.used or (max(r.coverage for r in draft.used) < MIN_COVERAGE
                              and not health_covered(draft.used, weights, lexicon))
    if reason is None and not flags and not parsed.therapies and weak:
        reason = ("low_confidence", {})
    if reason is None and not flags and parsed.therapies and off_record(parsed, draft.used, store, catalogue):
        reason = ("low_confidence", {})
    if reason and reason[0] in ("off_topic", "low_confidence") and not parsed.therapies:
        meant = by_meaning(parsed, store=store, catalogue=catalogue, lexicon=lexicon)
        if meant:  # the words matched too little, but the question means one of the content's sections
            reason, ranked = None, meant
            draft = draft_answer(parsed, ranked, store=store, catalogue=catalogue, lexicon=lexicon)
    lead = diagnosis_note(parsed, draft.used, store, lexicon) if reason and reason[0] == "diagnosis" else None
    if lead is not None:  # "is that MS? what helps?": the care answer, led by one cited line on diagnosis
        reason, draft.used = None, [lead, *draft.used[:2]]
    related = related_topics(ranked, draft.used, parsed, lexicon)

    if reason is not None:
        key, values = reason
        said = " ".join(lexicon.refusals[key]["text"].split()).format(**values)
        parts: list[dict[str, Any]] = [{"text": said + " " + DISCLAIMER, "sources": [], "urgent": False}]
        if key == "not_english":  # whatever it may be about, the numbers to call
            lines, line_sources = help_lines()
            parts = [{"text": said, "sources": [], "urgent": False},
                     {"text": lines, "sources": line_sources, "urgent": False},
                     {"text": DISCLAIMER, "sources": [], "urgent": False}]
        refusal = " ".join(str(part["text"]) for part in parts)
        return Answer(question=text, text=refusal, sources=source_list(catalogue, parts), topic=None,
                      confidence=0.0, refused=True, urgent=False, segments=parts,
                      passages=ranked[:k] if key == "low_confidence" else [],
                      related=related if key in ("low_confidence", "personal_decision", "diagnosis",
                                                 "personal_prognosis") else [],
                      reason=key)

    used = draft.used if (not flags or (draft.used and draft.confidence >= 0.5)) else []
    segments: list[dict[str, Any]] = [{"text": urgent_text, "sources": urgent_sources, "urgent": True}] \
        if urgent_text else []
    segments += unrepeated([{"text": r.passage.text, "sources": r.passage.sources, "urgent": False} for r in used],
                           [r.passage.ref for r in used])
    segments.append({"text": DISCLAIMER, "sources": [], "urgent": False})
    return Answer(question=text, text=" ".join(seg["text"] for seg in segments),
                  sources=source_list(catalogue, segments), topic=draft.topic,
                  confidence=1.0 if flags else draft.confidence, refused=False, urgent=bool(flags),
                  passages=(used or ranked)[:k], related=related, segments=segments)
