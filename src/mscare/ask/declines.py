"""Declining a question: the refusal patterns of ``lexicon/refusals.yaml`` (diagnosis, a personal decision or
prognosis, named doctors and shops, a made-up drug name, another disease), else the decline bank's look-alikes.

A question about someone's own case that no pattern declines is compared with the decline bank's examples
(``lookalike.py``); a first-person choice the records answer for everyone (``unless`` of ``personal_decision``) is
not declined either way.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mscare.ask.lexicon import Lexicon
from mscare.ask.triage import found_concepts, reports_a_case, resembled_labels
from mscare.ask.understand import MS_MENTION, Question, asks_about_unknown_drug, drug_stems

# The reasons a question may be declined for by resemblance to the decline bank's examples.
DECLINE_REASONS = ("diagnosis", "personal_decision", "personal_prognosis", "named_doctor", "shop_price",
                   "other_condition")


def refusal_reason(question: Question, lexicon: Lexicon) -> tuple[str, dict[str, str]] | None:
    """Why a question should be declined: the refusal patterns' reason, else, for a question about someone's own
    case (what is declined is personal), the one its nearest example questions carry (``lookalike`` in
    refusals.yaml; of their reasons, one the question's own ``words`` speak for comes first), else None."""
    reason = rule_reason(question, lexicon)
    settings = lexicon.decline_lookalike
    if reason is not None or settings is None:
        return reason
    if not reports_a_case(question, found_concepts(question, lexicon.triage), lexicon.triage):  # declined: personal
        return None
    if lexicon.matches(question.lower, "general_ask"):  # "...what is X, in general?"
        return None
    lower = lexicon.triage.respell(question.lower)
    if answered_in_general(lower, lexicon):  # a vaccine on a drug, whatever the examples near it are about (a choice,
        return None  # or another disease: "is the HPV jab ok with fingolimod?"); checked before encoding the question
    fits = frozenset(r for r in DECLINE_REASONS if lexicon.matches(lower, r, "words"))
    labels = resembled_labels(question, lexicon, settings, "decline", fits=fits)
    if not labels or labels[0] not in DECLINE_REASONS:
        return None
    chosen = next((label for label in labels if label in fits), labels[0])  # the one its own words speak for
    # a shop's price needs a word of prices, a doctor's name one of doctors
    cued = not lexicon.patterns(chosen, "cues") or lexicon.matches(question.lower, chosen, "cues")
    return (chosen, {}) if cued else None


def answered_in_general(lower: str, lexicon: Lexicon) -> bool:
    """A choice asked in the first person that the records answer for everyone (``unless`` of personal_decision in
    refusals.yaml): how often a test is done, whether a vaccine can be had on a drug ("should I have the flu jab on
    Ocrevus?")."""
    return lexicon.matches(lower, "personal_decision", "unless")


def rule_reason(question: Question, lexicon: Lexicon) -> tuple[str, dict[str, str]] | None:
    """Why the refusal patterns decline a question, with the values its text needs, or None. The patterns read the
    question with texting written out ("shud i" -> "should i"), as triage does."""
    lower = lexicon.triage.respell(question.lower)
    if lexicon.matches(lower, "false_friend"):
        return "false_friend", {}
    if lexicon.matches(lower, "diagnosis"):
        return "diagnosis", {}
    if not answered_in_general(lower, lexicon) and (
        lexicon.matches(lower, "personal_decision")
        or (question.therapies and lexicon.matches(lower, "personal_decision", "with_therapy"))
    ):
        return "personal_decision", {}
    for key in ("personal_prognosis", "named_doctor", "shop_price"):
        if lexicon.matches(lower, key):
            return key, {}
    if asks_about_unknown_drug(question, drug_stems(lexicon)):
        return "unknown_drug", {"name": question.unknown_names[0]}
    if asks_about_other_condition(question, lexicon):
        return "other_condition", {}
    return None


ASKING = re.compile(r"\?|^(how|what|which|why|when|where|who|is|are|can|could|does|do|should|will|would)\b"
                    r"|\b(wonder|wondering|want to know|would like to know)\b")


def asks_about_other_condition(question: Question, lexicon: Lexicon) -> bool:
    """Another disease is what the question, or one question in it, is about ("...thanks. How is lupus treated?")."""
    names = condition_names(tuple(lexicon.refusals["other_condition"]["terms"]))
    if not question.therapies and names.search(question.lower) and lexicon.matches(question.lower, "other_condition",
                                                                                    "not_ms"):
        return True  # "how is restless legs treated? nothing to do with ms"
    if as_subject(names).search(question.lower) and not MS_NAMED.search(question.lower):
        return True  # "CIDP - how often are IVIG infusions given?", "MOGAD relapse prevention, ...?"
    if question.therapies:  # "mirabegron ... - do they check my blood pressure?" is about the MS medicine,
        # "pregabalin or duloxetine for fibromyalgia?" about another disease; "I take levothyroxine for my thyroid, is
        # it ok with Aubagio?" about the two medicines together: the one taken for it is not an MS medicine
        return not question.mentions_ms and (any(for_an_ms_medicine(m, question)
                                                 for m in treating(names).finditer(question.lower))
                                             or bool(treating_it(names).search(question.lower)))
    if not question.mentions_ms:  # "what are the treatments for lupus?", "... for Krabbe disease?"
        return bool(names.search(question.lower) or question.unnamed_conditions)
    parts = sentences(question.lower)
    return len(parts) > 1 and any(ASKING.search(s) and names.search(s) and not MS_MENTION.search(s) for s in parts)


def sentences(text: str) -> list[str]:
    """A question's sentences (and the parts a dash sets apart)."""
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+|\s+-\s+", text) if s.strip()]


@lru_cache(maxsize=4)
def treating(names: re.Pattern[str]) -> re.Pattern[str]:
    """A medicine asked about for another condition ("better for fibromyalgia", "to treat my gout")."""
    purpose = (r"(^for|\b(better|best|good|works?|used|use|take|taking|prescribed|given|helps?|like) "
               r"(?P<medicine>\w+ )?for|"
               r"\bto treat|\b(or|vs|versus) (?P<other>[\w-]+ )for|"  # "pregabalin or duloxetine for fibromyalgia?"
               r"\btreating|\btreats|\btreatment (of|for)) (my |his |her |their |the |a )?(\w+ )?")
    return re.compile(purpose + names.pattern.removeprefix(r"\b"))


@lru_cache(maxsize=4)
def treating_it(names: re.Pattern[str]) -> re.Pattern[str]:
    """Another condition named, then a medicine asked about for it ("fibro pain all over, does amitriptyline really
    work for it?")."""
    return re.compile(names.pattern + r".{0,80}\b(works?|helps?|good|used|take|taking|prescribed|given) "
                                      r"(\w+ )?for (it|that|this|them)\b")


MS_NAMED = re.compile(r"\b(ms|multiple sclerosis|rrms|ppms|spms)\b")


@lru_cache(maxsize=4)
def as_subject(names: re.Pattern[str]) -> re.Pattern[str]:
    """Another condition named first, as the subject: set apart by a dash or a colon ("CIDP - how often...?") or
    followed by its care ("MOGAD relapse prevention, ...")."""
    return re.compile("^" + names.pattern + r"\S*(( \S+)?\s*[-:]| (\w+ ){0,2}(prevention|treatment|management|"
                                            r"medication|meds|drugs|therapy|flares?)\b)")


# Words in the medicine's place of a ``treating`` match that name no medicine ("works better for fibromyalgia")
NOT_A_NAME = {"it", "them", "this", "that", "these", "those", "one", "ones", "something", "anything", "what", "drugs",
              "medication", "medicine", "meds", "pills", "tablets", "treatment", "dmts", "dmt", "better", "best",
              "well", "good", "really", "actually", "also", "only", "mainly", "usually", "still", "just", "even",
              "often", "normally", "mostly", "generally"}


def for_an_ms_medicine(match: re.Match[str], question: Question) -> bool:
    """What a ``treating`` match says is taken for the other condition is an MS medicine the question names, or
    nothing in particular ("better for lupus", "take it for my gout")."""
    medicine = (match.group("medicine") or match.group("other") or "").strip()
    return medicine in NOT_A_NAME | {""} or medicine in question.name_words


SHORT_NAME = 4  # a condition's name this short is an abbreviation, matched as a whole word ("ALS", not "also")


@lru_cache(maxsize=4)
def condition_names(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for the other conditions' names, each matched at a word start ("epilep" finds "epileptic"), a
    short one as a whole word ("als", "nmo": not "also", "nmol/l")."""
    names = [re.escape(t) + (r"s?\b" if len(t) <= SHORT_NAME else "") for t in terms]
    return re.compile(r"\b(?:" + "|".join(names) + ")")
