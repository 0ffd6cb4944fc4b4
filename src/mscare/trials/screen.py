"""Eligibility pre-screen: does a person's profile fit a trial's stated criteria? Never a decision."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from mscare.catalogue import Catalogue, UnknownTherapy, default_catalogue
from mscare.settings import DISCLAIMER
from mscare.trials.criteria import edss_range, has_time_window, is_about_treatment, is_negated, mentions_edss
from mscare.trials.db import get_trial
from mscare.trials.model import Effect, Reason, ScreenResult, Trial, TrialInputError, Verdict
from mscare.trials.summary import short_name
from mscare.trials.terms import PERSON_TYPES, TYPE_WORDS, TherapyFinder, ms_types_in, person_type

NOTE = ("This is a pre-screen to prepare a conversation with the trial team, not a decision: only they can "
        "confirm whether you can take part. " + DISCLAIMER)
LIST_CONTINUES = re.compile(r"(?:[,;]\s*(?:or|and)?|\b(?:or|and))\s*$", re.I)
SEXES = {"f": "FEMALE", "female": "FEMALE", "woman": "FEMALE", "m": "MALE", "male": "MALE", "man": "MALE"}


def age_reasons(trial: Trial, age: float) -> list[Reason]:
    """Structured age limits: outside them the person most likely cannot join."""
    reasons = []
    if trial.min_age_years is not None:
        fits = age >= trial.min_age_years
        reasons.append(Reason(f"minimumAge: {trial.minimum_age}", f"You are {age:g}; the trial takes people aged "
                              f"{trial.min_age_years:g} or older.", "fits" if fits else "against"))
    if trial.max_age_years is not None:
        # "17 Years" as a maximum includes everyone who has not yet turned 18.
        fits = age < trial.max_age_years + 1 if float(trial.max_age_years).is_integer() else age <= trial.max_age_years
        reasons.append(Reason(f"maximumAge: {trial.maximum_age}", f"You are {age:g}; the trial takes people up to "
                              f"age {trial.max_age_years:g}.", "fits" if fits else "against"))
    return reasons


def sex_reasons(trial: Trial, sex: str | None) -> list[Reason]:
    if trial.sex not in ("FEMALE", "MALE"):
        return []
    criterion = f"sex: {trial.sex}"
    if sex is None:
        return [Reason(criterion, f"The trial is only for {trial.sex.lower()} participants; you did not say your "
                                  "sex.", "unclear")]
    effect: Effect = "fits" if sex == trial.sex else "against"
    return [Reason(criterion, f"The trial is only for {trial.sex.lower()} participants.", effect)]


def type_reason(line: str, excluding: bool, ms_type: str | None) -> Reason | None:
    labels = ms_types_in(line)
    if not labels:
        return None
    named = " or ".join(TYPE_WORDS[label] for label in labels)
    if ms_type is None:
        return Reason(line, f"This mentions {named}; you did not give your MS type.", "unclear")
    certain, possible = PERSON_TYPES[ms_type]
    yours = ms_type.replace("_", " ").upper() if ms_type != "active_spms" else "active SPMS"
    if certain & set(labels):
        effect: Effect = "against" if excluding else "fits"
        word = "excludes" if excluding else "asks for"
        return Reason(line, f"The trial {word} {named}; you have {yours}.", effect)
    if possible & set(labels):
        return Reason(line, f"The trial {'excludes' if excluding else 'asks for'} {named}; whether {yours} counts "
                            "is a question for the trial team.", "unclear")
    if excluding:
        return Reason(line, f"The trial excludes {named}; you have {yours}.", "fits")
    return Reason(line, f"The trial asks for {named}; you have {yours}.", "against")


def edss_reason(line: str, excluding: bool, edss: float | None) -> Reason | None:
    if not mentions_edss(line):
        return None
    limits = edss_range(line)
    if limits is None:
        return Reason(line, "This mentions the EDSS disability score, but the limit is not clear; ask the trial "
                            "team.", "unclear")
    rule = f"{'excludes' if excluding else 'asks for'} {limits.words()}"
    if edss is None:
        return Reason(line, f"The trial {rule}; you did not give your EDSS score.", "unclear")
    inside = limits.contains(edss)
    effect: Effect = "against" if inside == excluding else "fits"
    return Reason(line, f"The trial {rule}; your EDSS is {edss:g}.", effect)


def with_leads(lines: list[str]) -> list[tuple[str, str]]:
    """Each line with the line introducing its list ("Either of the following within one month:"), if any.

    A lead covers the items after it while they end in "or"/"and"/";", and the first item that does not.
    """
    paired: list[tuple[str, str]] = []
    lead = ""
    for line in lines:
        paired.append((line, lead))
        if line.endswith(":"):
            lead = line
        elif not LIST_CONTINUES.search(line):
            lead = ""
    return paired


def treatment_reasons(line: str, lead: str, excluding: bool, yours: dict[str, str], finder: TherapyFinder
                      ) -> list[Reason]:
    reasons = []
    for therapy_id in finder.ids_in(line):
        if therapy_id not in yours:
            continue
        name = yours[therapy_id]
        if not excluding:
            reasons.append(Reason(line, f"This names {name}, which you listed; ask how it applies to you.", "note"))
        elif is_about_treatment(line) and not has_time_window(f"{lead} {line}"):
            reasons.append(Reason(line, f"The trial excludes people treated with {name}, which you listed.",
                                  "against"))
        else:
            reasons.append(Reason(line, f"This exclusion names {name}, which you listed; whether it applies "
                                        "(timing, dose) is a question for the trial team.", "unclear"))
    return reasons


def verdict_of(reasons: list[Reason]) -> Verdict:
    effects = {r.effect for r in reasons}
    if "against" in effects:
        return "likely_not"
    if "unclear" in effects or "fits" not in effects:
        return "cant_tell"
    return "may_qualify"


def check_profile(age: float, sex: str | None, ms_type: str | None, edss: float | None
                  ) -> tuple[str | None, str | None]:
    """Validated sex and MS type; ``TrialInputError`` names the bad value."""
    if not 0 <= age < 120:  # also rejects NaN
        raise TrialInputError(f"age must be between 0 and 119, got {age:g}")
    if edss is not None and not (0 <= edss <= 10 and float(edss * 2).is_integer()):
        raise TrialInputError(f"EDSS must be 0 to 10 in steps of 0.5, got {edss:g}")
    if sex is not None and sex.strip().lower() not in SEXES:
        raise TrialInputError(f"sex must be F or M, got {sex!r}")
    try:
        kind = person_type(ms_type) if ms_type is not None else None
    except ValueError as err:
        raise TrialInputError(str(err)) from err
    return (SEXES[sex.strip().lower()] if sex is not None else None), kind


def screen(*, db_path: Path, nct_id: str, age: float, sex: str | None = None, ms_type: str | None = None,
           edss: float | None = None, dmts: Sequence[str] = (), catalogue: Catalogue | None = None) -> ScreenResult:
    """Pre-screen a profile against one imported trial.

    ``age`` in years; ``sex`` F or M; ``ms_type`` cis, rrms, active_spms, spms or ppms; ``edss`` 0-10;
    ``dmts`` any names of treatments taken now or before. Raises ``UnknownTrial`` for an id never imported and
    ``TrialInputError`` for a bad profile value (an unknown treatment name comes with suggestions).
    """
    sex_code, kind = check_profile(age, sex, ms_type, edss)
    catalogue = catalogue or default_catalogue()
    yours: dict[str, str] = {}
    for name in dmts:
        try:
            therapy = catalogue.lookup(name)
        except UnknownTherapy as err:
            raise TrialInputError(err.message()) from err
        yours[therapy.id] = short_name(therapy.generic_name)
    trial = get_trial(db_path=db_path, nct_id=nct_id)
    finder = TherapyFinder(catalogue)
    reasons = [*age_reasons(trial, age), *sex_reasons(trial, sex_code)]
    if not trial.ms_related:
        reasons.append(Reason("conditions: " + ", ".join(trial.conditions), "This study is not about MS.", "unclear"))
    for excluding, lines in ((False, trial.inclusion), (True, trial.exclusion)):
        for line, lead in with_leads(lines):
            treats_as_exclusion = excluding or is_negated(line)
            found = [type_reason(line, treats_as_exclusion, kind), edss_reason(line, excluding, edss)]
            reasons += [r for r in found if r is not None]
            reasons += treatment_reasons(line, lead, treats_as_exclusion, yours, finder)
    return ScreenResult(nct_id=trial.nct_id, title=trial.brief_title, url=trial.url, verdict=verdict_of(reasons),
                        reasons=reasons, note=NOTE)
