"""Urgent-care triage: does a question describe a red-flag symptom?

A red flag is a combination of concepts (vision change, new weakness, fever, allergy signs...), a time
course (sudden, since this morning, over weeks) and a context (a PML-risk drug, minutes after an injection,
days after an alemtuzumab infusion). The lay vocabulary of each concept and the rules over concepts are
data (``content/lexicon/triage.yaml``); this module only normalises the text and applies the rules.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from mscare.ask.lexicon import ASKS, CONTRAST, Lexicon, Lookalike, RedFlag, Triage, resemblance
from mscare.ask.understand import Question
from mscare.urgent import default_urgent

# Auxiliaries whose negation the vocabulary writes only as a contraction ("cant walk", "legs wont work").
NEGATIONS = {"can": "cant", "could": "couldnt", "will": "wont", "would": "wouldnt", "do": "dont", "does": "doesnt",
             "did": "didnt"}
SPELLED_OUT = re.compile(r"\b(cannot|(" + "|".join(NEGATIONS) + r") not)\b")


def normalise(text: str) -> str:
    """Lowercase, apostrophes dropped ("can't" -> "cant"), hyphens and punctuation as spaces, and negations
    written out as their contraction ("cannot", "could not" -> "couldnt"), so the vocabulary lists one form."""
    lowered = text.lower().replace("’", "'").replace("‘", "'").replace("'", "")
    lowered = re.sub(r"[^a-z0-9.°\s]+", " ", lowered)
    lowered = re.sub(r"\.(?!\d)", " ", lowered)
    lowered = " ".join(lowered.split())
    return SPELLED_OUT.sub(lambda m: "cant" if m.group(1) == "cannot" else NEGATIONS[m.group(2)], lowered)


QUESTION_START = re.compile(r"^(can|could|does|do|did|is|are|was|were|will|would|should|why|how|hows|what|whats|when|"
                            r"which|who|where|has|have)\b")


DESCRIPTION_MIN_WORDS = 8  # shorter statements are search queries ("sudden vision loss in ms") ...
# ... unless a verb says something is happening ("arm gone weak suddenly cant lift kettle", "numb both feet, rising
# fast", "right leg dragging worse every hour"): search queries name things, they do not tell what happened
HAPPENING = re.compile(r"\b(gone|went|going|getting|got|keeps?|kept|cant|couldnt|wont|rising|rose|started|stopped|"
                       r"came|come|turned|feels?|felt|feeling|is|are|was|were|has|have|had|lost|losing|dragging|"
                       r"spreading|worse|weaker|overnight|than usual|every hour)\b")


def describes(text: str) -> bool:
    """A statement, not a question ("colours look washed out in one eye all of a sudden"): someone's own case."""
    words = normalise(text).split()
    joined = " ".join(words)
    return "?" not in text and not QUESTION_START.match(joined) and (
        len(words) >= DESCRIPTION_MIN_WORDS or bool(HAPPENING.search(joined)))


def concepts_in(text: str, triage: Triage) -> set[str]:
    """The concepts a normalised text mentions."""
    return {name for name, pattern in triage.concepts.items() if pattern.search(text)}


WORD = re.compile(r"[a-z]+")


def prepared(text: str, triage: Triage, unknown: AbstractSet[str] = frozenset()) -> str:
    """The text triage reads: normalised, the ``unknown`` words read as the concepts' words they misspell
    ("sucidal" -> "suicidal"), texting written out, symptoms said to be absent removed."""
    text = normalise(text)
    if unknown:
        text = WORD.sub(lambda m: triage.meant(m.group(0)) if m.group(0) in unknown else m.group(0), text)
    return triage.undeny(triage.respell(text))


def read_for_triage(question: Question, triage: Triage) -> str:
    """The text the concepts are looked for in: ``prepared``, with the words the engine does not know read as the
    concepts' words they misspell, unless most of the question's words are unknown (another language: "urgente"
    is not "urgent"). The look-alike banks compare the text as written."""
    unknown = question.unknown_words
    mostly_known = len(unknown) * 2 <= len(question.terms)
    return prepared(question.text or question.lower, triage, unknown if mostly_known else frozenset())


def found_concepts(question: Question, triage: Triage) -> frozenset[str]:
    """The concepts a question mentions, with the contexts of the therapies it names (kept on the question: triage,
    the decline bank and the domain check all ask)."""
    if question.concepts is None:
        text = read_for_triage(question, triage)
        found = concepts_in(text, triage) | ({ASKS} if QUESTION_START.match(text) else set())
        therapies = set(question.therapies)
        question.concepts = frozenset(found | {name for name, ids in triage.contexts.items() if ids & therapies})
    return question.concepts


def reports_a_case(question: Question, found: frozenset[str], triage: Triage) -> bool:
    """The question describes a real person: it names one ("my", "she", "husband"), says "on <drug>", mentions a
    concept that only a case has (``case`` in triage.yaml: symptoms anchored in time, a temperature taken) or is a
    statement long enough to be someone's own case; and it does not say the case is a story or one asked about
    ahead (``not_a_case``: "a character in a novel", "if it ever happens")."""
    if triage.not_a_case.says(found):
        return False
    return bool(triage.case & found) or question.personal or question.on_therapy \
        or describes(question.text or question.lower)


def rule_flags(question: Question, lexicon: Lexicon, found: frozenset[str] | None = None) -> list[RedFlag]:
    """The red flags the triage rules raise for a question, in lexicon order."""
    triage = lexicon.triage
    found = found_concepts(question, triage) if found is None else found
    found = found | resemblances(question, lexicon, {c for rule in triage.rules for c in rule.wants(found)})
    reported = reports_a_case(question, found, triage)
    raised: list[str] = []
    for rule in triage.rules:
        if rule.report and not reported:
            continue
        if rule.fires(found):
            raised.append(rule.flag)
    replaced = {old for rule in triage.rules if rule.flag in raised for old in rule.instead_of}
    return [f for f in lexicon.red_flags if f.id in raised and f.id not in replaced]


def red_flags(question: Question, lexicon: Lexicon) -> list[RedFlag]:
    """The red flags a question describes: the rules', else, for someone's own case, the one its nearest example
    questions carry (a general question is left to the rules)."""
    found = found_concepts(question, lexicon.triage)
    flags = rule_flags(question, lexicon, found)
    settings = lexicon.triage.lookalike
    if flags or settings is None or not reports_a_case(question, found, lexicon.triage):
        return flags
    if found & settings.unless and CONTRAST not in found:  # a symptom that has passed, unless something is new
        return flags
    resembled = resembled_labels(question, lexicon, settings, "triage", fits=lexicon.triage.fitting(found))
    return [f for f in lexicon.red_flags if f.id in resembled]


def resembled_labels(question: Question, lexicon: Lexicon, settings: Lookalike, bank: str,
                     fits: frozenset[str] = frozenset()) -> list[str]:
    """The labels of the look-alike bank's examples a question resembles (see ``nearest_labels``). Both banks read
    the question as triage does (``prepared``), so it is encoded once for both."""
    from mscare.ask.lookalike import default_bank, nearest_labels  # numpy and onnxruntime load only when needed

    return nearest_labels(prepared(question.text or question.lower, lexicon.triage), settings, default_bank(bank),
                          fits=fits)


def resemblances(question: Question, lexicon: Lexicon, wanted: set[str]) -> set[str]:
    """Of the resemblances the rules want ("~suicide"), those whose label's own score in the triage bank reaches
    its threshold: the question is encoded only when a rule needs it."""
    settings = lexicon.triage.lookalike
    if not wanted or settings is None:
        return set()
    from mscare.ask.encoder import default_encoder
    from mscare.ask.lookalike import default_bank

    vector = default_encoder().embed_one(prepared(question.text or question.lower, lexicon.triage))
    bank = default_bank("triage")

    def reaches(concept: str) -> bool:  # a score the bank lacks counts as no resemblance (mscare check says so)
        label, threshold = resemblance(concept)
        return label in bank.scores and bank.score(vector, label) >= (
            settings.scored[label] if threshold is None else threshold)

    return {c for c in wanted if reaches(c)}


def is_red_flag(question: Question, lexicon: Lexicon) -> bool:
    return bool(red_flags(question, lexicon))


def flag_advice(flag: RedFlag) -> tuple[str, list[str]]:
    """What to do for a red flag, and its sources: the one wording in care/urgent.yaml.

    The lexicon's own ``advice`` is used only for a flag urgent.yaml does not cover yet (mscare check reports it).
    """
    advice = default_urgent().advice.get(flag.id)
    return (advice.text, advice.sources) if advice else (flag.advice, flag.sources)
