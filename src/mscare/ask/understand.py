"""Understanding a question: therapies and classes named, what is asked, and search terms."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from mscare.ask.aspects import classify
from mscare.ask.lexicon import DrugClass, Lexicon
from mscare.ask.names import NAME_CUTOFF, find_therapies, misspells, route_siblings, sounds_like, takes_a_therapy
from mscare.ask.spelling import Vocabulary, english_forms, is_compound, other_spellings, transposed
from mscare.catalogue import Catalogue, normalise_name

WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
MS_MENTION = re.compile(r"\b(ms|m\.s\.|multiple sclerosis|rrms|ppms|spms|cis|(secondary|primary)[- ]progressive|"
                        r"relapsing[- ]remitting|clinically isolated|neuro|neurologist|neurology|dmts?|"
                        r"disease[- ]modifying|relaps(e|es|ed|ing)|pseudo[- ]?relapses?|optic neuritis|lhermitte\w*|"
                        r"uhthoff\w*|demyelinat\w*|oligoclonal|mcdonald criteria|edss|em ess)\b")
PERSONAL = re.compile(
    r"\b(i|i'm|im|i've|ive|my|me|we|our|she|he|her|his|wife|husband|partner|mom|mum|mother|dad|father|son|"
    r"daughter|friend|sister|brother)\b"
)
# Drug-shaped questions: an unrecognised name in one of these is most likely a drug we do not know.
DRUG_INTENTS = {"mechanism", "side_effects", "administration", "monitoring", "approval", "efficacy",
                "comparison", "definition", "interaction", "stopping"}


@dataclass
class Question:
    """What the engine understood of a question."""

    text: str
    lower: str
    words: list[str]
    therapies: list[str] = field(default_factory=list)  # ids, in the order named
    classes: list[DrugClass] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)
    aspects: list[str] = field(default_factory=list)  # what a therapy question asks (see aspects.py)
    sections: dict[str, float] = field(default_factory=dict)  # topic sections it asks about (see sections.py)
    terms: list[str] = field(default_factory=list)  # search terms: the question's own words
    expansions: list[str] = field(default_factory=list)  # synonyms added to the search
    variants: dict[str, list[str]] = field(default_factory=dict)  # term -> its synonyms (words or phrases)
    grams: set[str] = field(default_factory=set)  # runs of consecutive words, for phrase look-ups
    weights: Any = None  # the retrieve module's TermWeights, computed once on first use
    name_words: frozenset[str] = frozenset()  # the words of the named therapies' names ("aubagio", "interferon")
    unknown_names: list[str] = field(default_factory=list)
    odd_words: list[str] = field(default_factory=list)  # unknown words close to English ones: typos, or names
    unnamed_conditions: list[str] = field(default_factory=list)  # illnesses the content never names ("krabbe disease")
    unknown_words: frozenset[str] = frozenset()  # words neither English nor the content's ("sucidal", "fevr")
    mentions_ms: bool = False
    personal: bool = False
    on_therapy: bool = False  # "on fingolimod", "taking Tysabri": someone's own treatment
    concepts: frozenset[str] | None = None  # the triage concepts it mentions, found once on first use

    def has_intent(self, *names: str) -> bool:
        return any(n in self.intents for n in names)


@lru_cache(maxsize=8192)
def normal_phrase(text: str) -> str:
    """Lowercase words joined by single spaces: "Flare-up" and "flare up" compare equal."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def word_grams(lower: str, longest: int = 6) -> set[str]:
    """Every run of 1 to ``longest`` consecutive words, for phrase look-ups without regexes."""
    tokens = normal_phrase(lower).split()
    return {" ".join(tokens[i:i + n]) for n in range(1, longest + 1) for i in range(len(tokens) - n + 1)}


def find_classes(grams: set[str], lexicon: Lexicon, catalogue: Catalogue) -> list[DrugClass]:
    found = []
    for drug_class in lexicon.classes:
        if any(normal_phrase(n) in grams for n in drug_class.names):
            members = [t for t in drug_class.therapies if t in catalogue.therapies]
            if members:
                found.append(DrugClass(names=drug_class.names, label=drug_class.label, therapies=members))
    return found


def expansions(grams: set[str], lexicon: Lexicon) -> list[str]:
    """Synonyms of the phrases the question uses (single words only, for the search)."""
    out: list[str] = []
    for phrase, others in lexicon.phrase_grams:
        if phrase in grams:
            out += [w for w in others if " " not in w]
    return list(dict.fromkeys(out))


def understand(text: str, *, catalogue: Catalogue, lexicon: Lexicon,
               vocabulary: Vocabulary | None = None) -> Question:
    """Analyse a question; with a ``vocabulary``, also spot misspelt and unknown names."""
    lower = " ".join(text.lower().replace("’", "'").split())
    lower = re.sub(r"(\d)(mg|mcg|ml|g|kg)\b", r"\1 \2", lower)
    lower = re.sub(r"\s*\((?:are|is)\)\s*", " ", lower)  # "What is (are) X ?" in some question sets
    lower = re.sub(r"\s+([?!.,])", r"\1", lower).strip()
    words = WORD.findall(lower)
    question = Question(text=text, lower=lower, words=words, grams=word_grams(lower))
    question.therapies = find_therapies(lower, catalogue)
    question.therapies += route_siblings(question.therapies, lower, catalogue)
    question.on_therapy = takes_a_therapy(lower, catalogue)
    question.classes = find_classes(question.grams, lexicon, catalogue)
    question.intents = [i.name for i in lexicon.intents if any(c.search(lower) for c in i.cues)]
    question.mentions_ms = bool(MS_MENTION.search(lower))
    question.personal = bool(PERSONAL.search(lower))
    # Multi-word synonyms become their group's head word for search ("work out" -> "workout").
    phrased = " ".join(words)
    for phrase, head in lexicon.rewrites.items():
        if phrase in question.grams:
            phrased = re.sub(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", head, phrased)
    cleaned = [w.strip("'-").replace("'", "") for w in phrased.split()]
    question.terms = [w for w in cleaned if w not in lexicon.stopwords and len(w) > 1]
    question.expansions = [e for e in expansions(question.grams, lexicon) if e not in question.terms]
    question.variants = {t: lexicon.phrase_index.get(t, []) for t in question.terms}
    if vocabulary is not None:
        resolve_unknown_words(question, catalogue, vocabulary, drug_stems(lexicon))
        question.unnamed_conditions = unnamed_conditions(lower, lexicon, vocabulary)
    question.name_words = frozenset(w for tid in question.therapies
                                    for n in catalogue.names_of(catalogue.therapies[tid])
                                    for w in re.findall(r"[a-z0-9]+", n.lower()))
    question.aspects = classify(lower, skip=question.name_words | set(question.unknown_names))
    return question


def unnamed_conditions(lower: str, lexicon: Lexicon, vocabulary: Vocabulary) -> list[str]:
    """Illnesses named by their kind ("Krabbe disease", "Tay-Sachs disease", "systemic sclerosis": the kinds are the
    other conditions' ``kinds`` in refusals.yaml) that no passage of the content names: another condition, whatever
    its name. A word like "my" or "the" before the kind names nothing ("my disease")."""
    kinds = lexicon.refusals.get("other_condition", {}).get("kinds", [])
    if not kinds:
        return []
    found = []
    for match in condition_phrase(tuple(kinds)).finditer(lower):
        name = match.group("name")
        if name.strip("'-") not in lexicon.stopwords and not vocabulary.uses(match.group(0)):
            found.append(match.group(0))
    return found


@lru_cache(maxsize=4)
def condition_phrase(kinds: tuple[str, ...]) -> re.Pattern[str]:
    """A word, then a kind of illness ("krabbe disease", "devic's disease", "tay-sachs disease")."""
    return re.compile(r"(?<![\w'-])(?P<name>[a-z][\w'-]*) (?:" + "|".join(map(re.escape, kinds)) + r")s?\b")


DRUG_SHAPED = 8  # an unknown word this long ending in a drug-name stem is a drug's name ("plenafumarate")


def drug_stems(lexicon: Lexicon) -> tuple[str, ...]:
    """The endings of drug names (``stems`` of ``unknown_drug`` in refusals.yaml)."""
    return tuple(lexicon.refusals.get("unknown_drug", {}).get("stems", []))


def resolve_unknown_words(question: Question, catalogue: Catalogue, vocabulary: Vocabulary,
                          stems: tuple[str, ...] = ()) -> None:
    """Words the vocabulary does not know: a misspelt therapy name, a content word plainly misspelt (left alone), or
    a name we have no data on (one in the form of a drug's name, ending in one of ``stems``, or used as one, even when
    it looks like a typo or two words run together)."""
    named = set(question.therapies)
    known_words = vocabulary.known(question.terms)
    question.unknown_words = frozenset(w for w in question.terms if w.isalpha() and w not in known_words)
    for word in question.terms:
        code = CODE_NAME.match(word)
        if code and word not in known_words and (len(code.group(1)) == 2 or not vocabulary.known([code.group(1)])):
            question.unknown_names.append(word)  # "XR-4471", "BIIB033": a development code, not a word
            continue
        if len(word) < 5 or not word.isalpha() or word in known_words:
            continue
        if vocabulary.known(other_spellings(word) + english_forms(word)):  # "oedema", "unmotivated", "hubbys"
            continue
        close = [name for name in difflib.get_close_matches(normalise_name(word), list(catalogue.names), n=1,
                                                            cutoff=NAME_CUTOFF) if misspells(word, name)] or \
            sounds_like(word, catalogue)
        if close:
            therapy_id = catalogue.names[close[0]]
            if therapy_id not in named:
                question.therapies.append(therapy_id)
                named.add(therapy_id)
            continue
        nearest = vocabulary.nearest(word)  # the content word it most likely misspells, if any
        plain_typo = (nearest is not None and difflib.SequenceMatcher(None, nearest, word).ratio() >= PLAIN_TYPO) \
            or bool(vocabulary.known(transposed(word)))
        if plain_typo and not drug_shaped(word, stems):
            continue  # a word plainly misspelt ("depresion", "steriods"), even where a drug's name goes
        if drug_shaped(word, stems) or named_as_a_drug(word, question.lower) or (
                nearest is None and not is_compound(word, vocabulary)):
            question.unknown_names.append(word)
        elif len(word) >= 7 and not is_compound(word, vocabulary):
            question.odd_words.append(word)


PLAIN_TYPO = 0.9  # this close to a content word, an unknown word is that word misspelt ("depresion")


# A drug's development code: two to five letters, then a hyphen and two to six digits, or three to six digits
# ("mrx-71", "xr-4471", "biib033"); three letters or more must not be a word ("jan-2025", "covid-19").
CODE_NAME = re.compile(r"^([a-z]{2,5})(?:-\d{2,6}|\d{3,6})$")


def asks_about_unknown_drug(question: Question, stems: tuple[str, ...] = ()) -> bool:
    """An unrecognised name in the form of a drug's name (ending in one of ``stems``, or a development code such as
    "KTR-4471") or used as one ("takes X for her MS"), or in a drug-shaped question
    (one of the drug intents, or an aspect of a therapy: its dose, a missed dose, vaccines...), or next to a therapy
    we know."""
    if not question.unknown_names and question.odd_words and question.aspects and not question.therapies \
            and not question.classes:
        question.unknown_names.append(question.odd_words[0])  # "the dose of neurovexin": a name, not a typo
    if not question.unknown_names:
        return False
    return bool(question.therapies) or bool(set(question.intents) & DRUG_INTENTS) or any(
        drug_shaped(name, stems) or bool(CODE_NAME.match(name)) or named_as_a_drug(name, question.lower)
        for name in question.unknown_names)


def drug_shaped(word: str, stems: tuple[str, ...]) -> bool:
    return len(word) >= DRUG_SHAPED and word.endswith(stems)


# The words used as a medicine's name, tried at every position (optional lookaheads, so that every word in such a
# place is found, even one that is itself part of another's frame).
USED_AS_A_DRUG = re.compile(
    r"(?=(?:\b(?:on|taking|takes|take|took|started|starting|start|stopped|stopping|tried|trying|prescribed|called|"
    r"(?:switch|switched|switching|move|moved|moving|change|changed|changing) to|"
    r"(?:dose|doses|dosage|side effects?) of) (\w+)\b)?)"
    r"(?=(?:\b(\w+) (?:ms |new |oral |oil )?(?:jabs?|injections?|infusions?|tablets?|pills?|doses?|drug|medication|"
    r"medicine|shots?|pens?|capsules?|drops|patch(?:es)?|sprays?|gummies)\b)?)"
    r"(?=(?:\b(\w+) is (?:the|a) (?:new )?(?:wonder )?(?:drug|medication|medicine|treatment|dmt)\b)?)"
    r"(?=(?:\b(\w+) for (?:my |her |his |relapsing |progressive )?(?:ms|multiple sclerosis|rrms|ppms|spms)\b)?)"
    r"(?=(?:\bdoes (\w+) (?:actually |really |even )?work\b)?)"
    r"(?=(?:\bis (\w+) an? (?:\w+ )?(?:drug|medication|medicine|treatment|dmt|chemo|steroid|immunosuppressant)\b)?)"
    r"(?=(?:\b(\w+)(?: xr| er| sr| xl)? \d+(?:\.\d+)? ?mg\b)?)"
    r"(?=(?:\bis (\w+) (?:safe|ok|okay|alright|dangerous|risky) (?:to take|to use|with|in|during|while|when)\b)?)"
    r"(?=(?:\b(\w+) (?:and|with|plus) (?:alcohol|wine|beer|drinking|grapefruit|pregnancy|breastfeeding|the pill)\b)?)"
    r"(?=(?:\b(\w+) \(?the new (?:ms )?(?:pill|drug|tablet|medication|medicine|treatment|infusion|injection)\b)?)"
    r"(?=(?:\bis (\w+) the same (?:thing |drug |medicine )?as\b)?)"
    r"(?=(?:\b(\w+) for (?:my |her |his )?(?:walking|spasms|spasticity|fatigue|bladder|stiffness|tremor|balance)\b)?)"
    r"(?=(?:\b(\w+) (?:vs\.?|versus) \w+)?)(?=(?:\b\w+ (?:vs\.?|versus) (\w+)\b)?)"
    r"(?=(?:\bis (\w+) (?:covered|funded|paid for|available|approved|licensed)\b)?)"
    r"(?=(?:\bis (\w+) (?:any |really |actually )?(?:good|effective|helpful|better|worth (?:it|taking|trying)) "
    r"(?:for|at|against|with)\b)?)"
    r"(?=(?:\b(?:has|have) (?:anyone|anybody|any of you) (?:here )?(?:tried|used|taken|been on|had) (\w+)\b)?)")


def named_as_a_drug(name: str, lower: str) -> bool:
    """The name is used as a medicine's: taken, started, injected, dosed ("takes X", "my X jab", "the dose of X",
    "X is the new drug", "X for MS", "does X work", "X 10 mg", "is X safe to take", "X and alcohol", "X vs Tysabri",
    "is X covered", "is X good for", "has anyone tried X")."""
    return any(name in match.groups() for match in USED_AS_A_DRUG.finditer(lower))
