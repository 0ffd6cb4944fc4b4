"""Recognising MS, MS types and catalogue therapies in registry text.

These are reading rules for registry wording, not medical facts: which words name MS or a type of it.
"Systemic sclerosis", "tuberous sclerosis" and "amyotrophic lateral sclerosis" never match.
"""

from __future__ import annotations

import re

from mscare.catalogue import Catalogue, normalise_name

MS_NAME = re.compile(r"\bmultiple\s+sclerosis\b|\bclinically\s+isolated\s+syndrome\b|\bsclérose en plaques\b", re.I)
# Abbreviations count only in capitals ("MS", "RRMS", "CAFE-MS"), so "ms" as milliseconds does not.
MS_ABBREVIATION = re.compile(r"(?<![A-Za-z])(?:RR|SP|PP)?MS(?![A-Za-z])")

# MS-type labels a criteria line can name, each with the wording that names it.
TYPE_PATTERNS: dict[str, re.Pattern[str]] = {
    "rrms": re.compile(r"relapsing[\s-]+remitting|\bRR-?MS\b", re.I),
    "relapsing": re.compile(r"\brelapsing\s+(?:forms?\s+of\s+)?(?:multiple\s+sclerosis|MS)\b|\bR-?MS\b", re.I),
    "spms": re.compile(r"secondary[\s-]+progressive|\bSP-?MS\b", re.I),
    "ppms": re.compile(r"primary[\s-]+progressive\s+(?:multiple\s+sclerosis|MS|forms?)|\bPP-?MS\b", re.I),
    "progressive": re.compile(r"\bprogressive\s+(?:forms?\s+of\s+)?(?:multiple\s+sclerosis|MS)\b", re.I),
    "cis": re.compile(r"clinically\s+isolated\s+syndrome|\bCIS\b"),
}
TYPE_WORDS = {"rrms": "relapsing-remitting MS", "relapsing": "relapsing MS", "spms": "secondary progressive MS",
              "ppms": "primary progressive MS", "progressive": "progressive MS", "cis": "clinically isolated syndrome"}
# Which labels a person's MS type certainly fits, and which it might fit (ask the team).
PERSON_TYPES: dict[str, tuple[set[str], set[str]]] = {
    "cis": ({"cis"}, {"relapsing"}),
    "rrms": ({"rrms", "relapsing"}, set()),
    "active_spms": ({"relapsing", "spms", "progressive"}, set()),
    "spms": ({"spms", "progressive"}, {"relapsing"}),
    "ppms": ({"ppms", "progressive"}, set()),
}
TYPE_ALIASES = {"rms": "rrms", "relapsing": "rrms", "relapsing_remitting": "rrms", "aspms": "active_spms",
                "secondary_progressive": "spms", "primary_progressive": "ppms"}
WORD = re.compile(r"[^\W_]+")
SHORT_NAME = 5  # names shorter than this (normalised) match only when written in capitals, e.g. "HSCT"


def is_ms_text(text: str) -> bool:
    """True when the text names multiple sclerosis or an MS type (never "systemic sclerosis")."""
    return bool(MS_NAME.search(text) or MS_ABBREVIATION.search(text))


def ms_types_in(text: str) -> list[str]:
    """The MS-type labels a line names, e.g. ``["rrms"]``; "progressive" is dropped when a precise type is named."""
    found = [label for label, pattern in TYPE_PATTERNS.items() if pattern.search(text)]
    if "progressive" in found and ({"spms", "ppms"} & set(found)):
        found.remove("progressive")
    return found


def person_type(value: str) -> str:
    """A person's MS type as one of ``PERSON_TYPES``; raises ``ValueError`` naming the choices."""
    key = re.sub(r"[\s-]+", "_", value.strip().lower())
    key = TYPE_ALIASES.get(key, key)
    if key not in PERSON_TYPES:
        raise ValueError(f"MS type must be one of {', '.join(PERSON_TYPES)}, got {value!r}")
    return key


class TherapyFinder:
    """Finds catalogue therapies named in free text (generic, brand or alias), in order of first mention."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.longest = max((len(WORD.findall(name)) for name in catalogue.display.values()), default=1)

    def ids_in(self, text: str) -> list[str]:
        """Therapy ids named in the text; short names such as "HSCT" count only when written in capitals."""
        words = list(WORD.finditer(text))
        folded = [normalise_name(w.group()) for w in words]  # folding word by word equals folding their join
        found: dict[str, int] = {}
        for start in range(len(words)):
            for length in range(min(self.longest, len(words) - start), 0, -1):
                span = words[start:start + length]
                key = "".join(folded[start:start + length])
                therapy_id = self.catalogue.names.get(key)
                if therapy_id is None or len(key) < 3:
                    continue
                written = text[span[0].start():span[-1].end()]
                if len(key) < SHORT_NAME and not (written.isupper() and written == self.catalogue.display[key]):
                    continue
                found.setdefault(therapy_id, span[0].start())
                break
        return sorted(found, key=found.__getitem__)
