"""The therapies a question names: the catalogue's names as they appear in free text, a brand given another way, and
a name misspelt (written as it sounds, or close to a name and keeping its first letter)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from mscare.ask.spelling import SKELETON_MIN, SOUND_MIN, skeleton, sound
from mscare.catalogue import Catalogue, normalise_name


@dataclass(frozen=True)
class NameMatcher:
    """Catalogue names as they appear in free text: a lookup by name and one regex for all of them."""

    owners: dict[str, str]  # lowercase spaced name -> therapy id, or "id|id" for a name several share
    pattern: re.Pattern[str] | None
    sounds: dict[str, str] = field(default_factory=dict)  # a one-word name's sound -> the name (see ``sound``)
    skeletons: dict[str, str] = field(default_factory=dict)  # a long one-word name's consonants -> the name
    two_words: dict[str, list[str]] = field(default_factory=dict)  # first word -> two-word names, joined, it starts


_MATCHERS: dict[int, tuple[Catalogue, NameMatcher]] = {}


def name_matcher(catalogue: Catalogue) -> NameMatcher:
    """Built once per catalogue (the catalogue is read-only), not once per question."""
    cached = _MATCHERS.get(id(catalogue))
    if cached and cached[0] is catalogue:
        return cached[1]
    owners: dict[str, str] = {}
    for therapy in catalogue.therapies.values():
        for name in catalogue.names_of(therapy):
            lowered = re.sub(r"[^a-z0-9]+", " ", name.lower().replace("β", "beta")).strip()
            if len(lowered) >= 3 and lowered not in owners:
                key = normalise_name(lowered)
                owners[lowered] = catalogue.names.get(key) or "|".join(catalogue.shared.get(key, []))
    names = sorted((n for n, t in owners.items() if t), key=len, reverse=True)
    parts = [re.escape(n).replace(r"\ ", r"[\s\-]?") for n in names]
    pattern = re.compile(r"(?<![a-z0-9])(" + "|".join(parts) + r")(?![a-z0-9])") if parts else None
    two_words: dict[str, list[str]] = {}
    for name in names:
        words = name.split()
        if len(words) == 2 and min(map(len, words)) >= 3 and normalise_name(name) in catalogue.names:
            two_words.setdefault(words[0], []).append(normalise_name(name))
    matcher = NameMatcher(owners={n: owners[n] for n in names}, pattern=pattern,
                          sounds=names_by(catalogue, sound, SOUND_MIN),
                          skeletons=names_by(catalogue, skeleton, SKELETON_MIN), two_words=two_words)
    _MATCHERS[id(catalogue)] = (catalogue, matcher)
    return matcher


def find_therapies(lower: str, catalogue: Catalogue) -> list[str]:
    matcher = name_matcher(catalogue)
    if matcher.pattern is None:
        return []
    spaced = re.sub(r"[^a-z0-9]+", " ", lower.replace("β", "beta"))
    found = []
    for match in matcher.pattern.finditer(spaced):
        key = re.sub(r"[\s\-]+", " ", match.group(1))
        owner = matcher.owners.get(key) or catalogue.names.get(normalise_name(key)) or ""
        therapy_id = owner if "|" not in owner else disambiguate(owner.split("|"), spaced, catalogue)
        if therapy_id and therapy_id not in found:
            found.append(therapy_id)
    words = spaced.split()
    for first, second in zip(words, words[1:], strict=False):  # a one-word name written as two ("maven clad"), or a
        # two-word name with its second word misspelt ("dimethyl fumerate")
        joined = first + second if len(first) >= 3 and len(second) >= 3 else ""
        named = catalogue.names.get(joined) or next(
            (catalogue.names[name] for name in matcher.two_words.get(first, [])
             if difflib.SequenceMatcher(None, joined, name).ratio() >= TWO_WORD_MATCH), None)
        if named and named not in found:
            found.append(named)
    return found


TWO_WORD_MATCH = 0.9  # "dimethylfumerate" is "dimethylfumarate"


TAKING = re.compile(r"\b(on|taking|started|using|switched to|been on)\s+(?:(?:my|her|his|the)\s+)?$")


def takes_a_therapy(lower: str, catalogue: Catalogue) -> bool:
    """A therapy named right after "on", "taking" or "started": the question is about someone's own treatment."""
    matcher = name_matcher(catalogue)
    spaced = re.sub(r"[^a-z0-9]+", " ", lower.replace("β", "beta"))
    return matcher.pattern is not None and any(TAKING.search(spaced[:m.start()])
                                               for m in matcher.pattern.finditer(spaced))


def disambiguate(candidates: list[str], spaced: str, catalogue: Catalogue) -> str | None:
    """A name several records share ("Botox") means the one whose id or uses the question mentions, if any."""
    words = set(spaced.split())
    fitting = [t for t in candidates
               if words & (set(t.split("-")) | {w for use in catalogue.therapies[t].treats for w in use.split()})
               - {"toxin", "acid", "beta", "1a", "1b"}]
    return fitting[0] if len(fitting) == 1 else None


ROUTE_WORDS = {
    "sc": r"\b(shots?|injections?|inject\w*|pens?|under the skin|subcutaneous\w*|sub-?q)\b(?! (for|against))",
    "iv": r"\b(infusions?|drips?|intravenous\w*|iv)\b",
    "oral": r"\b(pills?|tablets?|capsules?|oral\w*|by mouth)\b",
}


def route_siblings(found: list[str], lower: str, catalogue: Catalogue) -> list[str]:
    """Records sold under the same brand but given another way ("Ocrevus as a shot" -> the injection form)."""
    asked = {route for route, pattern in ROUTE_WORDS.items() if re.search(pattern, lower)}
    if not asked:
        return []
    extra: list[str] = []
    for therapy_id in found:
        therapy = catalogue.therapies[therapy_id]
        stems = {b.split()[0].lower() for b in therapy.brands if len(b.split()[0]) >= 5}
        for other in catalogue.therapies.values():
            if other.id in found or other.id in extra or not stems & {b.split()[0].lower() for b in other.brands}:
                continue
            if (asked & set(other.routes)) - set(therapy.routes):
                extra.append(other.id)
    return extra


NAME_CUTOFF = 0.8  # how close a word must be to a therapy name to be read as a misspelling ("tysabry", not "gravis")


def names_by(catalogue: Catalogue, key: Callable[[str], str], shortest: int) -> dict[str, str]:
    """Each one-word catalogue name of at least ``shortest`` letters by ``key`` (its sound, or its consonants); a key
    the names of several therapies share is left out."""
    found: dict[str, list[str]] = {}
    for name in catalogue.names:
        if name.isalpha() and len(name) >= shortest:
            found.setdefault(key(name), []).append(name)
    return {k: names[0] for k, names in found.items() if len({catalogue.names[n] for n in names}) == 1}


def sounds_like(word: str, catalogue: Catalogue) -> list[str]:
    """The catalogue name that sounds as the word does, or, for a long word, has its consonants in the same order
    and about its length, if any."""
    if len(word) < SOUND_MIN:
        return []
    key = normalise_name(word)
    matcher = name_matcher(catalogue)
    name = matcher.sounds.get(sound(key)) or (matcher.skeletons.get(skeleton(key)) if len(key) >= SKELETON_MIN
                                              else None)
    return [name] if name and abs(len(name) - len(key)) <= 1 else []


SURE_MATCH = 0.875  # this close, a name spelt with another first letter is still a misspelling ("cesimpta")


def misspells(word: str, name: str) -> bool:
    """A close name is a misspelling when it keeps the first letter and about the length, or is very close:
    "satralizumab" and "eculizumab" are other drugs, not misspelt natalizumab and daclizumab, and "ponaterimod" is
    not ponesimod."""
    key = normalise_name(word)
    return (key[:1] == name[:1] and abs(len(key) - len(name)) <= 1) or \
        difflib.SequenceMatcher(None, key, name).ratio() >= SURE_MATCH
