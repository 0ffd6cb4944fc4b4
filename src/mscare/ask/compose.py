"""Composing an answer from passages: therapy fields for drug questions, paragraphs otherwise.

Every piece of text in an answer is a whole passage (a cited paragraph or a record field), so every
sentence is backed by the sources of the passage it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mscare.ask.aspects import Aspect, load_bank, record_part
from mscare.ask.lexicon import Lexicon
from mscare.ask.medicines import advice_part, cut_to_cues, first_sentence
from mscare.ask.retrieve import (
    Ranked,
    TermWeights,
    coverage,
    paragraph_index,
    term_credits,
    term_weights,
    terms_covered,
)
from mscare.ask.summary import therapy_profile
from mscare.ask.understand import Question
from mscare.catalogue import Catalogue
from mscare.passages import Passage
from mscare.store import Store

DEFAULT_FIELDS = ["mechanism", "schedule", "common_side_effects", "boxed_warning", "approvals"]
COMPARE_FIELDS = ["schedule", "efficacy", "key_risks"]
MAX_CHARS = 1100


@dataclass
class Draft:
    """The passages an answer quotes, in reading order, and how sure we are of them."""

    used: list[Ranked]
    topic: str | None
    confidence: float


def wanted_fields(question: Question, lexicon: Lexicon, default: list[str]) -> list[str]:
    """Fields for the question's intents, taking each intent's first field before any intent's second."""
    lists = [i.fields for i in lexicon.intents
             if i.name in question.intents and i.name not in ("definition", "comparison") and i.fields]
    fields: list[str] = []
    for rank in range(max((len(f) for f in lists), default=0)):
        fields += [f[rank] for f in lists if rank < len(f) and f[rank] not in fields]
    return fields or default


def field_rank(passage: Passage, fields: list[str]) -> float:
    """1.0 for the first wanted field, less for later ones, 0 for fields not asked for."""
    base = passage.field.split(".")[0]
    if base not in fields:
        return 0.0
    return 1.0 - 0.12 * fields.index(base)


def therapy_draft(question: Question, therapy_id: str, *, store: Store, catalogue: Catalogue,
                  fields: list[str], max_passages: int = 3) -> list[Ranked]:
    """The record fields of one therapy that best answer the question."""
    weights = term_weights(question, store, catalogue)
    covers = {p.pid: (p, coverage(p, weights)) for p in store.passages_of(therapy_id)}
    # Within a field that comes in several passages (notes), only the best-matching one takes the field's rank.
    best_of: dict[str, str] = {}
    for pid, (passage, _) in sorted(covers.items(), key=lambda kv: -kv[1][1]):
        best_of.setdefault(passage.field.split(".")[0], pid)
    scored = [Ranked(passage=passage, coverage=cover,
                     score=cover + (field_rank(passage, fields) if best_of[passage.field.split(".")[0]] == pid else 0))
              for pid, (passage, cover) in covers.items()]
    scored.sort(key=lambda r: -r.score)
    chosen = [r for r in scored if r.score > 0.55][:max_passages] or scored[:1]
    # A field that matches the question's own words (beyond the drug's name) better than every chosen one
    # earns a place: "is Glatopa the same drug?" wants the note on generics.
    seen = set().union(*(terms_covered(r, weights) for r in chosen))
    gains = {r.passage.pid: sum(weights.weights[t] for t in terms_covered(r, weights) - seen)
             for r in scored if r not in chosen}
    if gains:
        sharper = max((r for r in scored if r.passage.pid in gains), key=lambda r: (gains[r.passage.pid], r.score))
        if gains[sharper.passage.pid] > 0:
            chosen = chosen[: max_passages - 1] + [sharper]
    order = {r.passage.pid: i for i, r in enumerate(scored)}
    return sorted(chosen, key=lambda r: (-field_rank(r.passage, fields), order[r.passage.pid]))


def topic_draft(ranked: list[Ranked], question: Question, weights: TermWeights, *,
                max_passages: int = 3, store: Store | None = None) -> list[Ranked]:
    """The best passage, then passages that answer parts of the question it leaves out, in reading order.

    After the best passage, each next one is the candidate (scoring at least 70% of the best) that covers the
    most question terms not yet covered; when none adds anything, a nearly-as-good neighbour (80%) may follow.
    """
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    length = len(best.passage.text)
    seen = term_credits(best, weights)
    # "How do I ...?" wants steps: later paragraphs of the same article may follow even if they add no new word.
    advice = "advice" in question.intents
    floor = 0.6 if advice else 0.7
    pool = [r for r in ranked[1:15] if r.score >= floor * best.score
            and (r.coverage >= 0.25 * best.coverage or (advice and r.passage.ref == best.passage.ref))]
    while len(chosen) < max_passages:
        fits = [r for r in pool if r not in chosen and length + len(r.passage.text) <= MAX_CHARS]
        # a passage that names a term the chosen ones only touch by a synonym ("PPMS" after "progressive") adds
        gains = [(added_credit(r, seen, weights), r) for r in fits]
        gain, pick = max(gains, key=lambda g: (g[0], g[1].score), default=(0.0, None))
        follows = advice and pick is not None and pick.passage.ref == best.passage.ref
        if pick is None or (gain <= 0 and not follows
                            and (pick.score < 0.8 * best.score or pick.coverage < 0.6 * best.coverage)):
            break
        chosen.append(pick)
        length += len(pick.passage.text)
        seen = {t: max(c, seen.get(t, 0.0)) for t, c in {**seen, **term_credits(pick, weights)}.items()}
    if store is not None and sum(len(r.passage.text.split()) for r in chosen) < SHORT_ANSWER_WORDS:
        chosen += next_paragraph(best, chosen, store)  # a one-line answer gets its section's supporting facts
    return sorted(chosen, key=lambda r: reading_order(r, best))


SHORT_ANSWER_WORDS = 50


def next_paragraph(best: Ranked, chosen: list[Ranked], store: Store) -> list[Ranked]:
    """The paragraph after the best one in the same section, when there is one and it is not chosen yet."""
    if best.passage.kind != "topic":
        return []
    taken = {r.passage.pid for r in chosen}
    after = [p for p in store.passages_of(best.passage.ref) if p.field == best.passage.field
             and paragraph_index(p) == paragraph_index(best.passage) + 1 and p.pid not in taken]
    return [Ranked(passage=p, score=best.score * 0.5, coverage=0.0) for p in after[:1]]


def added_credit(ranked: Ranked, seen: dict[str, float], weights: TermWeights) -> float:
    """How much more of the question a passage covers than the chosen ones (weighted credit beyond theirs)."""
    return sum(weights.weights[t] * max(0.0, c - seen.get(t, 0.0)) for t, c in term_credits(ranked, weights).items())


def reading_order(ranked: Ranked, best: Ranked) -> tuple[int, str, int]:
    """Passages of the best passage's article first, in article order; others after, by score."""
    passage = ranked.passage
    same = passage.ref == best.passage.ref
    index = paragraph_index(passage) if same else 0
    return (0 if same else 1, "" if same else f"{-ranked.score:09.4f}", index)


def class_draft(question: Question, ranked: list[Ranked], lexicon: Lexicon) -> list[Ranked]:
    """For a drug class ("how do interferons work?"): the best-matching member field, then a topic paragraph. The
    fields are those of the aspect asked ("could interferon be making me feel down?": side effects), else of the
    question's intents."""
    members = {t for c in question.classes for t in c.therapies}
    bank = load_bank()
    by_aspect = [f for a in question.aspects for f in bank.aspects[a].fields]
    fitting: list[Ranked] = []
    for fields in (by_aspect, wanted_fields(question, lexicon, DEFAULT_FIELDS[:1])):
        fitting = [r for r in ranked if r.passage.kind == "therapy" and r.passage.ref in members
                   and r.passage.field.split(".")[0] in fields]
        if fitting:
            break
    if not fitting:
        return []
    best = max(fitting, key=lambda r: (r.coverage, r.score))
    topics = [r for r in ranked if r.passage.kind == "topic" and r.coverage >= 0.6 * best.coverage]
    return [best] + topics[:1]


def comparison_draft(question: Question, *, store: Store, catalogue: Catalogue, lexicon: Lexicon) -> list[Ranked]:
    """Each therapy's profile, plus its field that best answers what the question asks beyond the profile."""
    weights = term_weights(question, store, catalogue)
    fields = wanted_fields(question, lexicon, [])
    used: list[Ranked] = []
    for therapy_id in question.therapies[:4]:
        profile = Ranked(passage=therapy_profile(catalogue.therapies[therapy_id]), score=1.0, coverage=1.0)
        used.append(profile)
        seen = terms_covered(profile, weights)
        extra = therapy_draft(question, therapy_id, store=store, catalogue=catalogue,
                              fields=fields or COMPARE_FIELDS, max_passages=1)
        adds = [r for r in extra if terms_covered(r, weights) - seen or
                (fields and r.passage.field.split(".")[0] in fields)]
        used += adds[:1]
    return used


def aspect_pieces(question: Question, therapy_id: str, aspect: str, *, store: Store,
                  catalogue: Catalogue) -> list[Ranked]:
    """The record's parts answering one aspect, in the aspect's order; parts the record lacks are skipped.

    An aspect with cue words keeps only the sentences on it from its cue fields ("with or without food" for a
    diet question). When no part answers, the aspect's note says so and points to the leaflet and pharmacist;
    the context parts (the schedule, for a missed dose) follow either way.
    """
    spec = load_bank().aspects[aspect]
    by_field: dict[str, list[Passage]] = {}
    for passage in store.passages_of(therapy_id):
        by_field.setdefault(passage.field.split(".")[0], []).append(passage)
    pieces: list[Ranked] = []
    for name in spec.fields:
        pieces += field_piece(question, therapy_id, name, spec, by_field, pieces, store=store, catalogue=catalogue)
    if spec.cues:  # sentences on the aspect that also use the question's own words ("alcohol") come first
        pieces.sort(key=lambda r: -r.coverage)
    item = asked_item(question, spec)
    if item:  # "alcohol on X?": only what the record says about it, or that it says nothing
        pieces = [r for r in pieces if item & set(re.findall(r"[a-z]+", r.passage.text.lower()))]
    if not pieces and spec.missing:
        note = advice_part(catalogue.therapies[therapy_id], "missing", spec.missing,
                           item=sorted(item & set(question.words))[0] if item & set(question.words) else None)
        if note is not None:
            pieces.append(Ranked(passage=note, score=1.0,
                                 coverage=coverage(note, term_weights(question, store, catalogue))))
    for name in spec.context:  # supporting, so only the opening sentence
        pieces += [replace(r, passage=first_sentence(r.passage)) for r in
                   field_piece(question, therapy_id, name, spec, by_field, pieces, store=store, catalogue=catalogue)]
    return pieces


def asked_item(question: Question, spec: Aspect) -> set[str]:
    """A narrow cue word the question uses ("grapefruit", not "food"), with its synonyms; empty when none."""
    if not spec.broad_cues:  # only an aspect whose cues name items of it (diet: alcohol, grapefruit)
        return set()
    named = [w for w in question.words if w in spec.cues and w not in spec.broad_cues]
    return {form for w in named for form in [w, *question.variants.get(w, [])] if " " not in form}


def field_piece(question: Question, therapy_id: str, name: str, spec: Aspect, by_field: dict[str, list[Passage]],
                pieces: list[Ranked], *, store: Store, catalogue: Catalogue) -> list[Ranked]:
    """One record part for an aspect (the best-matching passage of a field, or a part built from the record)."""
    therapy = catalogue.therapies[therapy_id]
    weights = term_weights(question, store, catalogue)
    if name == "monitoring" and any(r.passage.field == "tests_asked" for r in pieces):
        return []  # the tests asked about, with why, stand for the whole list
    if name in by_field:
        found: list[Passage] = by_field[name]
    elif name.startswith("general."):
        found = [p for p in [advice_part(therapy, "general", name.split(".", 1)[1])] if p is not None]
    else:
        found = [p for p in [record_part(therapy, name, question.lower)] if p is not None]
    if name in spec.cue_fields:
        found = [c for c in (cut_to_cues(p, spec.cues) for p in found) if c is not None]
    candidates = [Ranked(passage=p, score=1.0, coverage=coverage(p, weights)) for p in found]
    if name == "notes" and name not in spec.cue_fields:  # a note only when it bears on the question's own words
        candidates = [r for r in candidates if terms_covered(r, weights)]
    return sorted(candidates, key=lambda r: -r.coverage)[:1]


def aspect_draft(question: Question, therapy_id: str, *, store: Store, catalogue: Catalogue) -> list[Ranked]:
    """Answer first: each aspect's first part, then the first aspect's next part, at most three in all (four for
    an aspect that asks for them, such as "what is X?")."""
    lists = [aspect_pieces(question, therapy_id, a, store=store, catalogue=catalogue) for a in question.aspects]
    most = max(load_bank().aspects[a].parts for a in question.aspects)
    chosen: list[Ranked] = []
    for rank in range(most):
        for pieces in lists:
            if rank < len(pieces) and pieces[rank].passage.pid not in {r.passage.pid for r in chosen}:
                chosen.append(pieces[rank])
    chosen = chosen[:most]
    # A field that covers question words the chosen parts miss ("...the chickenpox test?") earns the last place.
    weights = term_weights(question, store, catalogue)
    seen = set().union(*(terms_covered(r, weights) for r in chosen)) if chosen else set()
    taken = {r.passage.pid for r in chosen}
    if any(r.passage.field == "tests_asked" for r in chosen):
        taken.add(f"therapy:{therapy_id}:monitoring")
    gains = [(sum(weights.weights[t] for t in terms_covered(r, weights) - seen), r)
             for r in (Ranked(passage=p, score=0.5, coverage=coverage(p, weights))
                       for p in store.passages_of(therapy_id) if p.pid not in taken)]
    gain, sharper = max(gains, key=lambda g: (g[0], g[1].coverage), default=(0.0, None))
    # Not for an aspect answered sentence by sentence or by a note: any other part would be off the aspect.
    exact = any(load_bank().aspects[a].strict for a in question.aspects)
    if sharper is not None and gain > 0 and not exact:
        chosen = chosen[:most - 1] + [sharper]
    return chosen


def draft_answer(question: Question, ranked: list[Ranked], *, store: Store, catalogue: Catalogue,
                 lexicon: Lexicon) -> Draft:
    """Choose the passages to quote: from therapy records when the question names therapies."""
    if len(question.therapies) == 1 and question.aspects:
        used = aspect_draft(question, question.therapies[0], store=store, catalogue=catalogue)
        if used:
            return Draft(used=used, topic=None, confidence=min(1.0, 0.5 + 0.5 * max(r.coverage for r in used)))
    if len(question.therapies) == 1:
        fields = wanted_fields(question, lexicon, DEFAULT_FIELDS)
        used = therapy_draft(question, question.therapies[0], store=store, catalogue=catalogue,
                             fields=fields, max_passages=4)
        extra = [r for r in ranked[:5] if r.passage.kind == "topic" and r.coverage >= 0.75
                 and r.score >= (ranked[0].score * 0.9)]
        used += extra[:1]
        confidence = max(r.coverage for r in used)
        return Draft(used=used, topic=extra[0].passage.ref if extra else None,
                     confidence=min(1.0, 0.5 + 0.5 * confidence))
    if len(question.therapies) > 1:
        return Draft(used=comparison_draft(question, store=store, catalogue=catalogue, lexicon=lexicon),
                     topic=None, confidence=0.8)
    if question.classes:
        used = class_draft(question, ranked, lexicon)
        if used:
            return Draft(used=used, topic=None, confidence=0.7)
    used = topic_draft(ranked, question, term_weights(question, store, catalogue), store=store)
    if not used:
        return Draft(used=[], topic=None, confidence=0.0)
    best = used[0]
    topic = best.passage.ref if best.passage.kind == "topic" else None
    return Draft(used=used, topic=topic, confidence=round(min(1.0, best.coverage * 0.7 + best.score * 0.3), 3))
