"""Urgent-care triage: does a question describe a red-flag symptom?"""

from __future__ import annotations

from mscare.ask.lexicon import Lexicon, RedFlag
from mscare.ask.understand import Question
from mscare.urgent import default_urgent


def red_flags(question: Question, lexicon: Lexicon) -> list[RedFlag]:
    """The red flags a question describes, in lexicon order.

    A flag marked ``personal`` needs the question to be about a real person ("my eye", "she"), so that
    general questions ("can MS affect vision?") are answered normally. A flag with ``requires_therapy``
    needs one of those therapies named (PML is a drug-related risk).
    """
    found = []
    for flag in lexicon.red_flags:
        if flag.personal and not question.personal:
            continue
        if flag.requires_therapy and not set(flag.requires_therapy) & set(question.therapies):
            continue
        if any(p.search(question.lower) for p in flag.patterns):
            found.append(flag)
    return found


def is_red_flag(question: Question, lexicon: Lexicon) -> bool:
    return bool(red_flags(question, lexicon))


def flag_advice(flag: RedFlag) -> tuple[str, list[str]]:
    """What to do for a red flag, and its sources: the one wording in care/urgent.yaml.

    The lexicon's own ``advice`` is used only for a flag urgent.yaml does not cover yet (mscare check reports it).
    """
    advice = default_urgent().advice.get(flag.id)
    return (advice.text, advice.sources) if advice else (flag.advice, flag.sources)
