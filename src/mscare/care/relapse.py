"""Relapse check: urgent, likely relapse, possible pseudo-relapse, or not enough to say.

The rules follow the relapse definition in mscare's content: new or worse symptoms lasting at least
24 hours, not explained by fever, infection, heat or another cause; red flags always come first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mscare.ask.lexicon import Lexicon
from mscare.ask.triage import flag_advice, rule_flags
from mscare.ask.understand import Question

RELAPSE_HOURS = 24
MAX_HOURS = 24 * 365  # the API and the web form accept at most a year
SOURCES = ["core-nmss-managing-relapses", "core-va-relapse-management"]


class RelapseInputError(ValueError):
    """Answers that cannot be right (negative hours, unknown red flag)."""


@dataclass
class RelapseCheck:
    symptoms: str
    hours: float | None
    fever: bool = False
    infection: bool = False
    heat: bool = False
    stress: bool = False
    recent_steroids: bool = False
    red_flags: list[str] = field(default_factory=list)


@dataclass
class RelapseResult:
    outcome: str
    advice: str
    reasons: list[str]
    sources: list[str]

    def to_json(self) -> dict[str, object]:
        return {"outcome": self.outcome, "advice": self.advice, "reasons": self.reasons, "sources": self.sources}


def red_flag_ids(lexicon: Lexicon) -> list[str]:
    return [f.id for f in lexicon.red_flags]


def check_relapse(answers: RelapseCheck, *, lexicon: Lexicon) -> RelapseResult:
    """Classify the answers; every outcome says what to do next and cites the relapse definition."""
    if answers.hours is not None and not 0 <= answers.hours <= MAX_HOURS:  # also refuses nan and inf
        raise RelapseInputError(f"hours must be zero or more and at most {MAX_HOURS} (a year), got {answers.hours}")
    unknown = sorted(set(answers.red_flags) - set(red_flag_ids(lexicon)))
    if unknown:
        raise RelapseInputError(f"unknown red flag {unknown[0]!r}; choose from: {', '.join(red_flag_ids(lexicon))}")
    # The triage rules read the answers as one description, so "--fever" with "legs weaker" is urgent too. Not the
    # look-alike bank: a new symptom lasting over a day is what this check sorts into relapse or not.
    told = " ".join([answers.symptoms] + [word for word, flag in (("fever", answers.fever),
                                                                   ("infection", answers.infection)) if flag])
    described = Question(text=told, lower=told.lower(), words=[], personal=True)
    flags = [f for f in lexicon.red_flags if f.id in answers.red_flags]
    flags += [f for f in rule_flags(described, lexicon) if f not in flags and not f.requires_therapy]
    if flags:
        advice = [flag_advice(f) for f in flags]  # the one wording in care/urgent.yaml
        return RelapseResult(
            outcome="urgent",
            advice="Seek urgent care now. " + " ".join(text for text, _ in advice),
            reasons=[f"Warning sign: {f.label}" for f in flags],
            sources=list(dict.fromkeys(SOURCES + [s for _, sources in advice for s in sources])),
        )
    triggers = [name for name, present in (("fever", answers.fever), ("infection", answers.infection),
                                           ("heat", answers.heat), ("stress", answers.stress)) if present]
    if triggers:
        return RelapseResult(
            outcome="possible_pseudo_relapse",
            advice=(
                "This may be a pseudo-relapse: old symptoms can flare for a while with "
                f"{', '.join(triggers)}, without new MS damage. Cool down and rest, check your temperature, "
                "and ask your doctor or pharmacist about a urine or other infection test. If the trigger has "
                "passed and symptoms still last more than 24 hours, or you feel very unwell, contact your MS "
                "team."
            ),
            reasons=[f"a possible trigger is present: {t}" for t in triggers],
            sources=SOURCES,
        )
    if answers.hours is None or not answers.symptoms.strip():
        missing = "no symptoms were described" if not answers.symptoms.strip() else \
            "how long the symptoms have lasted is not known"
        return RelapseResult(
            outcome="unclear",
            advice="Not enough to say. Note what changed and when it started; if new or worse symptoms last "
                   "24 hours or more without fever or infection, contact your MS team.",
            reasons=[missing], sources=SOURCES,
        )
    if answers.hours >= RELAPSE_HOURS:
        reasons = [f"symptoms have lasted {answers.hours:g} hours (24 or more)", "no fever, infection or heat"]
        if answers.recent_steroids:
            reasons.append("a recent steroid course: tell your MS team, as it affects what they advise")
        return RelapseResult(
            outcome="likely_relapse",
            advice="This could be a relapse. Contact your MS team or neurologist today to tell them what "
                   "changed and when. Not every relapse needs treatment, but they need to know.",
            reasons=reasons, sources=SOURCES,
        )
    return RelapseResult(
        outcome="unclear",
        advice="Symptoms that have lasted less than 24 hours do not yet meet the definition of a relapse. "
               "Rest, keep cool, and note how they change; if they last 24 hours or more, contact your MS team.",
        reasons=[f"symptoms have lasted {answers.hours:g} hours (under 24)"], sources=SOURCES,
    )
