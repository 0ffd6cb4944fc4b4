"""A plain-language one-line description of a trial, built only from its structured fields."""

from __future__ import annotations

import re

from mscare.catalogue import Catalogue
from mscare.trials.model import Trial
from mscare.trials.terms import is_ms_text, ms_types_in

COMPARISON = re.compile(r"\b(?:versus|vs\.?|compared\s+(?:to|with))\b", re.I)
# Plain words for MS types named in conditions, most specific first.
CONDITION_TYPES = [("rrms", "relapsing"), ("relapsing", "relapsing"), ("spms", "secondary progressive"),
                   ("ppms", "primary progressive"), ("progressive", "progressive"), ("cis", "early (CIS)")]


def phase_words(trial: Trial) -> str:
    """ "Phase 3", "Phase 2/3", "Observational" or "Interventional" (no drug phase)."""
    numbers = [p.replace("EARLY_PHASE", "early ").replace("PHASE", "") for p in trial.phases if p != "NA"]
    if numbers:
        return "Phase " + "/".join(numbers)
    if (trial.study_type or "").upper() == "OBSERVATIONAL":
        return "Observational"
    return "Interventional" if (trial.study_type or "").upper() == "INTERVENTIONAL" else "Clinical"


def status_words(status: str) -> str:
    """RECRUITING -> "recruiting", ACTIVE_NOT_RECRUITING -> "active, not recruiting"."""
    words = status.lower().replace("_", " ")
    return words.replace("active not", "active, not")


def short_name(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", name).strip() or name


def what_is_tested(trial: Trial, catalogue: Catalogue) -> str:
    names = [short_name(catalogue.therapies[t].generic_name) for t in trial.therapy_ids if t in catalogue.therapies]
    verb = "of" if (trial.study_type or "").upper() == "OBSERVATIONAL" else "testing"
    if not names:
        names = trial.interventions[:3]
    if len(names) == 2 and COMPARISON.search(f"{trial.brief_title} {trial.official_title or ''}"):
        return f"{verb} {names[0]} vs {names[1]}"
    if names:
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{verb} {listed}"
    topics = [c for c in trial.conditions if not is_ms_text(c)]
    return f"about {', '.join(t.lower() for t in topics[:2])}" if topics else ""


def who(trial: Trial) -> str:
    if trial.max_age_years is not None and trial.max_age_years < 18:
        people = "children"
    elif trial.min_age_years is not None and trial.min_age_years >= 18:
        people = "adults"
    else:
        people = "people"
    conditions = " ".join(trial.conditions)
    if not is_ms_text(conditions):
        return f"{people} with {trial.conditions[0].lower()}" if trial.conditions else people
    labels = {label for condition in trial.conditions for label in ms_types_in(condition)}
    kinds = list(dict.fromkeys(words for label, words in CONDITION_TYPES if label in labels))
    return f"{people} with {' or '.join(kinds)} MS" if kinds else f"{people} with MS"


def age_words(trial: Trial) -> str:
    low, high = trial.min_age_years, trial.max_age_years
    if low is None and high is None:
        return ""
    if high is None:
        return f"ages {low:g}+"
    if low is None:
        return f"ages up to {high:g}"
    return f"ages {low:g}-{high:g}"


def plain_summary(trial: Trial, catalogue: Catalogue) -> str:
    """E.g. "Phase 3 study, recruiting, testing ozanimod vs fingolimod in children with relapsing MS; ages 10-17"."""
    head = f"{phase_words(trial)} study, {status_words(trial.status)}"
    tested = what_is_tested(trial, catalogue)
    text = f"{head}, {tested} in {who(trial)}" if tested else f"{head}, in {who(trial)}"
    ages = age_words(trial)
    return f"{text}; {ages}" if ages else text
