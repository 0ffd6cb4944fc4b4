"""The ask engine's domain knowledge, read from ``content/lexicon/*.yaml`` and compiled once."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from mscare.ask.spelling import consonant_swapped, one_edit
from mscare.content import content_dir
from mscare.stemming import stem

try:  # the C loader is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as Loader  # type: ignore[assignment]


@dataclass(frozen=True)
class Intent:
    name: str
    cues: list[re.Pattern[str]]
    fields: list[str]
    topics: list[str]
    prefer_headings: list[re.Pattern[str]]
    avoid_headings: list[re.Pattern[str]]
    prefer_lead: bool = False


@dataclass(frozen=True)
class RedFlag:
    id: str
    label: str
    advice: str
    sources: list[str]
    personal: bool
    requires_therapy: list[str]


CONTRAST = "contrast"  # the concept of a message that sets a new problem against its history
ASKS = "asks"  # not a pattern of triage.yaml: the question opens as a question ("can", "is", "what"...)
RESEMBLES = "~"  # "~suicide" in a rule: the triage bank's own score for that label reaches its threshold;
# "~suicide@0.9": it reaches the threshold written after the "@"


def resemblance(concept: str) -> tuple[str, float | None]:
    """The label and the threshold, if the rule writes one, of a resemblance ("~suicide@0.9" -> ("suicide", 0.9))."""
    label, _, threshold = concept.removeprefix(RESEMBLES).partition("@")
    return label, float(threshold) if threshold else None


@dataclass(frozen=True)
class TriageRule:
    """A red flag raised when every concept of one alternative is present and none it excludes ("not x")."""

    flag: str
    alternatives: list[list[str]]
    report: bool
    instead_of: list[str]

    def fires(self, found: AbstractSet[str]) -> bool:
        return any(holds(alternative, found) for alternative in self.alternatives)

    def wants(self, found: AbstractSet[str]) -> set[str]:
        """The resemblances ("~suicide") that would make an alternative fire, all its other parts being found:
        the only ones worth encoding the question for."""
        wanted: set[str] = set()
        for alternative in self.alternatives:
            resembled = {c for c in alternative if c.startswith(RESEMBLES)}
            if resembled and holds(alternative, found | resembled):
                wanted |= resembled
        return wanted


def holds(alternative: list[str], found: AbstractSet[str]) -> bool:
    """An alternative's concepts are all found and none it excludes, unless the message sets something new against
    its history ("my legs get slowly worse, but this is different"): then the exclusions do not count."""
    contrasted = CONTRAST in found
    return all((contrasted or c[4:] not in found) if c.startswith("not ") else (c in found) for c in alternative)


@dataclass(frozen=True)
class Lookalike:
    """When a question counts as one of a look-alike bank's labelled examples (red flags, or questions to
    decline): the mean similarity of its ``neighbours`` nearest labelled examples is at least ``floor`` and exceeds
    that of its nearest unlabelled ones (calm, or to be answered) by ``margin``, or, when a ``threshold`` (0-1) is
    set, the bank's learned score for it reaches it; never when one of the triage concepts in ``unless`` is found.
    Its label is the one most of those nearest labelled examples carry. ``scored`` labels have a score of their own,
    read by the rules as a concept ("~suicide") when it reaches the threshold given."""

    neighbours: int
    floor: float
    margin: float
    threshold: float | None
    unless: frozenset[str]
    scored: dict[str, float] = field(default_factory=dict)  # a label with a score of its own -> its threshold


ENDS_IN = re.compile(r"(?<![a-z0-9])[a-z]{3,}in(?![a-z0-9])")
RARE_WORD = 4.0  # a Zipf band below which a word is rare enough to be a dropped g ("endin", not "within")


def g_dropped(commonness: dict[str, float], names: AbstractSet[str]) -> dict[str, str]:
    """Words written without their final g ("thinkin", "holdin") and the words they stand for: a rare word of five
    letters or more ending in "in" whose "-ing" form is at least ten times as common ("thin", "begin" and "within"
    stay as they are), unless it is one of the names the synonyms know ("aspirin", "statin")."""
    return {word[:-1]: word for word, band in commonness.items()
            if word.endswith("ing") and len(word) >= 6 and word[:-1] not in names
            and commonness.get(word[:-1], 0.0) <= min(band - 1, RARE_WORD)}


@dataclass(frozen=True)
class NotACase:
    """Concepts that say nobody is living through it now, and those that say something is, after all."""

    concepts: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()

    def says(self, found: frozenset[str]) -> bool:
        return bool(self.concepts & found) and not self.unless & found


@dataclass(frozen=True)
class Triage:
    """Red-flag concepts (one compiled pattern each), therapy contexts and the rules over them."""

    concepts: dict[str, re.Pattern[str]]
    contexts: dict[str, frozenset[str]]
    rules: list[TriageRule]
    spellings: dict[str, str] = field(default_factory=dict)  # texting and shorthand -> the words they stand for
    spelled: re.Pattern[str] | None = None  # any of the spellings as a whole word or phrase, longest first
    lookalike: Lookalike | None = None  # flags by resemblance to example questions, when no rule fires
    denied: re.Pattern[str] | None = None  # a symptom said to be absent ("no fever", "not suicidal")
    symptoms: frozenset[str] = frozenset()  # concepts that are symptoms MS can cause
    case: frozenset[str] = frozenset()  # concepts that only someone's own case mentions
    not_a_case: NotACase = field(default_factory=NotACase)  # a story, or a question asked ahead
    g_dropped: dict[str, str] = field(default_factory=dict)  # "talkin" -> "talking" (see ``g_dropped``)
    evidence: dict[str, frozenset[str]] = field(default_factory=dict)  # flag -> the concepts that speak for it
    stems: frozenset[str] = frozenset()  # the letters of the concepts' fragments (see ``concept_stems``)
    commonness: dict[str, float] = field(default_factory=dict)  # the lexicon's everyday words and their bands

    def fitting(self, found: AbstractSet[str]) -> frozenset[str]:
        """The flags some of whose own concepts a question mentions."""
        return frozenset(flag for flag, concepts in self.evidence.items() if concepts & found)

    def respell(self, text: str) -> str:
        """Texting and shorthand written out ("cnt c" -> "cant see", "2day" -> "today", "endin" -> "ending"),
        whole words only."""
        if self.g_dropped:
            text = ENDS_IN.sub(lambda m: self.g_dropped.get(m.group(0), m.group(0)), text)
        return self.spelled.sub(lambda m: self.spellings[m.group(1)], text) if self.spelled else text

    def meant(self, word: str) -> str:
        """A word the engine does not know, read as the word of the concepts one change away from it, the most
        common if several are ("sucidal" -> "suicidal", "memery" -> "memory"); else the word as it is. Texting
        and shorthand are left to ``respell``."""
        if len(word) < MISSPELT_MIN or word in self.spellings or word in self.g_dropped:
            return word
        close = [w for w in one_edit(word) if self.looks_for(w) and not consonant_swapped(word, w)]
        return max(close, key=lambda w: (self.commonness.get(w, 0.0), w)) if close else word

    def looks_for(self, word: str) -> bool:
        """A word the concepts look for: the letters of a fragment (a stem such as "suicid" or "numb"), or an everyday
        word that begins with them ("suicidal", "numbness")."""
        return word in self.stems or (word in self.commonness and any(
            word[:n] in self.stems for n in range(MISSPELT_MIN, len(word))))

    def undeny(self, text: str) -> str:
        """The text without the symptoms it says are absent, so "no fever, just tired" mentions no fever."""
        return self.denied.sub(" ", text) if self.denied else text


@dataclass(frozen=True)
class DrugClass:
    names: list[str]
    label: str
    therapies: list[str]


@dataclass
class Lexicon:
    synonyms: list[list[str]]
    classes: list[DrugClass]
    intents: list[Intent]
    red_flags: list[RedFlag]
    triage: Triage
    refusals: dict[str, Any]
    stopwords: frozenset[str]
    domain_stems: frozenset[str]
    commonness: dict[str, float] = field(default_factory=dict)  # everyday word -> Zipf band (common_words.txt)
    phrase_index: dict[str, list[str]] = field(default_factory=dict)
    rewrites: dict[str, str] = field(default_factory=dict)  # multi-word phrase -> its group's head word
    # phrase_index with each phrase as its words joined by single spaces, in the same order (for gram look-ups)
    phrase_grams: list[tuple[str, list[str]]] = field(default_factory=list)
    compiled: dict[tuple[str, str], list[re.Pattern[str]]] = field(default_factory=dict)  # refusal patterns
    # declines by resemblance to example questions, when no refusal pattern fires (refusals.yaml)
    decline_lookalike: Lookalike | None = None

    def __post_init__(self) -> None:
        for group in self.synonyms:
            head = str(group[0]).lower()
            if " " not in head:
                for phrase in group[1:]:
                    if " " in str(phrase):
                        self.rewrites.setdefault(str(phrase).lower(), head)
            for phrase in group:
                self.phrase_index.setdefault(phrase.lower(), [])
                self.phrase_index[phrase.lower()] += [w for w in group if w.lower() != phrase.lower()]
        self.phrase_grams = [(" ".join(re.findall(r"[a-z0-9]+", p)), others) for p, others in self.phrase_index.items()]

    def is_health_word(self, term: str) -> bool:
        """A word of the health vocabulary (domain.yaml), or a compound with one ("pseudo-relapse")."""
        return any(stem(part) in self.domain_stems for part in [term, *term.split("-")] if part)

    def patterns(self, key: str, field_name: str = "patterns") -> list[re.Pattern[str]]:
        """A refusal's patterns, compiled once (re's own cache is shared with the whole server and can overflow).
        ``{name}`` in a pattern stands for any item of the refusal's list ``names`` (``{place}``: cities, regions,
        countries; ``{shop}``: pharmacy chains)."""
        cached = self.compiled.get((key, field_name))
        if cached is None:
            section = self.refusals.get(key, {})

            def listed(match: re.Match[str]) -> str:
                items = sorted(section.get(match.group(1) + "s", []), key=len, reverse=True)
                if not items:
                    raise ValueError(f"refusals.yaml: {key} patterns name {match.group(0)} but it lists no "
                                     f"{match.group(1)}s")
                return "(?:" + "|".join(re.escape(i) for i in items) + ")"

            cached = self.compiled[(key, field_name)] = compile_all(
                [PLACEHOLDER.sub(listed, p) for p in section.get(field_name, [])])
        return cached

    def matches(self, text: str, key: str, field_name: str = "patterns") -> bool:
        """One of a refusal's patterns (``patterns``) or of its other lists (``unless``, ``cues``...) is in a text."""
        return any(p.search(text) for p in self.patterns(key, field_name))


PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")  # "{place}" in a refusal pattern; "{0,40}" is a quantifier


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def compile_all(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


def load_lookalike(data: dict[str, Any]) -> Lookalike | None:
    """A file's ``lookalike`` settings, if it has them."""
    settings = data.get("lookalike")
    if not settings:
        return None
    return Lookalike(neighbours=int(settings["neighbours"]), floor=float(settings["floor"]),
                     margin=float(settings["margin"]),
                     threshold=float(settings["threshold"]) if "threshold" in settings else None,
                     unless=frozenset(settings.get("unless", [])),
                     scored={str(k): float(v) for k, v in settings.get("scored", {}).items()})


def load_triage(data: dict[str, Any], commonness: dict[str, float] | None = None,
                names: AbstractSet[str] = frozenset()) -> Triage:
    """Each concept's fragments as one pattern matched at a word start (whole words where the file says); with
    the everyday words' frequencies, words written without their final g are read with it."""
    whole = set(data.get("whole_words", []))
    concepts = {
        name: re.compile(r"(?<![a-z0-9])(?:" + "|".join(f"(?:{f})" for f in fragments) + ")"
                         + (r"(?![a-z0-9])" if name in whole else ""))
        for name, fragments in data["concepts"].items()
    }
    rules = [TriageRule(flag=r["flag"], alternatives=r["any"], report=r.get("report", True),
                        instead_of=r.get("instead_of", [])) for r in data["rules"]]
    contexts = {name: frozenset(ids) for name, ids in data.get("contexts", {}).items()}
    named = {c.removeprefix("not ") for r in rules for alt in r.alternatives for c in alt}
    spellings = {str(k): str(v) for k, v in data.get("spellings", {}).items()}
    spelled = re.compile(r"(?<![a-z0-9/])(" + "|".join(re.escape(k) for k in sorted(spellings, key=len, reverse=True))
                         + r")(?![a-z0-9/])") if spellings else None  # not the "n" of "y/n"
    lookalike = load_lookalike(data)
    if lookalike:
        named |= lookalike.unless
    resembled = {c for c in named if c.startswith(RESEMBLES)}
    unscored = {c for c in resembled if resemblance(c)[0] not in (lookalike.scored if lookalike else {})}
    if unscored:
        raise ValueError(f"triage.yaml: rules name resemblances with no score in lookalike.scored: "
                         f"{', '.join(sorted(unscored))}")
    named -= resembled
    case = frozenset(data.get("case", []))
    not_a_case = NotACase(concepts=frozenset(data.get("not_a_case", {}).get("concepts", [])),
                          unless=frozenset(data.get("not_a_case", {}).get("unless", [])))
    named |= case | not_a_case.concepts | not_a_case.unless
    unknown = named - set(concepts) - set(contexts) - {ASKS}
    if unknown:
        raise ValueError(f"triage.yaml: rules name unknown concepts: {', '.join(sorted(unknown))}")
    denials = data.get("denials", [])
    denied = (re.compile(r"(?<![a-z0-9])(?:" + "|".join(f"(?:{d})" for d in denials) + r")(?![a-z0-9])")
              if denials else None)
    symptoms = frozenset(data.get("symptoms", []))
    if symptoms - set(concepts):
        raise ValueError(f"triage.yaml: symptoms name unknown concepts: {', '.join(sorted(symptoms - set(concepts)))}")
    return Triage(concepts=concepts, contexts=contexts, rules=rules, spellings=spellings, spelled=spelled,
                  lookalike=lookalike, denied=denied, symptoms=symptoms, case=case, not_a_case=not_a_case,
                  g_dropped=g_dropped(commonness or {}, names), evidence=flag_evidence(rules, symptoms),
                  stems=concept_stems([f for fragments in data["concepts"].values() for f in fragments]),
                  commonness=commonness or {})


MISSPELT_MIN = 4  # shorter words are too close to too many others to be read as misspelt ("sad", "cut")


def concept_stems(fragments: list[str]) -> frozenset[str]:
    """The runs of letters in the concepts' fragments, escapes such as "\\b" left out: the words and stems they look
    for ("suicid", "numb", "headache")."""
    letters = re.compile(rf"[a-z]{{{MISSPELT_MIN},}}")
    return frozenset(run for fragment in fragments for run in letters.findall(re.sub(r"\\[a-zA-Z]", " ", fragment)))


def flag_evidence(rules: list[TriageRule], symptoms: frozenset[str]) -> dict[str, frozenset[str]]:
    """The concepts that speak for each flag: the symptoms its rules require, and the concepts no other flag's
    rules require (a time course such as "suddenly" speaks for none in particular)."""
    required: dict[str, set[str]] = {}
    for rule in rules:
        required.setdefault(rule.flag, set()).update(
            c for alternative in rule.alternatives for c in alternative if not c.startswith("not "))
    shared = Counter(c for concepts in required.values() for c in concepts)
    return {flag: frozenset(c for c in concepts if c in symptoms or shared[c] == 1)
            for flag, concepts in required.items()}


@lru_cache(maxsize=4)
def load_lexicon(root: Path | None = None) -> Lexicon:
    """Read and compile the lexicon files (once per process)."""
    folder = (root or content_dir()) / "lexicon"
    intents = [
        Intent(name=i["intent"], cues=compile_all(i["cues"]), fields=i.get("fields", []), topics=i.get("topics", []),
               prefer_headings=compile_all(i.get("prefer_headings", [])),
               avoid_headings=compile_all(i.get("avoid_headings", [])), prefer_lead=i.get("prefer_lead", False))
        for i in _load(folder / "intents.yaml")
    ]
    flags = [
        RedFlag(id=f["id"], label=f.get("label", f["id"]),
                advice=" ".join(f["advice"].split()), sources=f["sources"], personal=f.get("personal", True),
                requires_therapy=f.get("requires_therapy", []))
        for f in _load(folder / "redflags.yaml")
    ]
    classes = [DrugClass(names=c["names"], label=c["label"], therapies=c["therapies"])
               for c in _load(folder / "classes.yaml")]
    refusals = _load(folder / "refusals.yaml")
    commonness = load_commonness(folder / "common_words.txt")
    synonyms = _load(folder / "synonyms.yaml")
    names = frozenset(str(word) for group in synonyms for word in group)
    return Lexicon(
        synonyms=synonyms, classes=classes, intents=intents, red_flags=flags,
        triage=load_triage(_load(folder / "triage.yaml"), commonness, names=names),
        refusals=refusals, decline_lookalike=load_lookalike(refusals),
        stopwords=frozenset(_load(folder / "stopwords.yaml")),
        domain_stems=frozenset(stem(str(w)) for w in _load(folder / "domain.yaml")),
        commonness=commonness,
    )


def load_commonness(path: Path) -> dict[str, float]:
    """Each everyday word's frequency band, from lines "<zipf> <word> <word> ..." (comments start with #)."""
    bands = (line.split() for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#")
    return {word: float(band) for band, *words in bands for word in words}
