"""Reading single eligibility lines: EDSS limits, MS types and named treatments."""

from __future__ import annotations

import re
from dataclasses import dataclass

EDSS_MENTION = re.compile(r"\bEDSS\b|expanded\s+disability\s+status\s+scale", re.I)
NUM = r"(\d{1,2}(?:\.\d+)?)"
RANGE = re.compile(rf"{NUM}\s*(?:-|to|and|through)\s*{NUM}", re.I)
# (pattern, which end it bounds, whether that end is open), checked in order: longer phrases first.
COMPARATORS: list[tuple[re.Pattern[str], str, bool]] = [
    (re.compile(rf"(?:<=|less than or equal to|at most|no (?:more|greater|higher) than|not (?:more|greater|higher) "
                rf"than|up to|maximum(?: of)?|max\.?)\s*(?:of\s*)?{NUM}", re.I), "high", False),
    (re.compile(rf"{NUM}\s*or\s*(?:less|lower|below|under)", re.I), "high", False),
    (re.compile(rf"(?:<|less than|below|lower than|under)\s*{NUM}", re.I), "high", True),
    (re.compile(rf"(?:>=|greater than or equal to|at least|no less than|not less than|minimum(?: of)?|min\.?)\s*"
                rf"(?:of\s*)?{NUM}", re.I), "low", False),
    (re.compile(rf"{NUM}\s*or\s*(?:more|higher|greater|above)", re.I), "low", False),
    (re.compile(rf"(?:>|greater than|more than|above|higher than)\s*{NUM}", re.I), "low", True),
]
SYMBOLS = {"≤": "<=", "≦": "<=", "=<": "<=", "≥": ">=", "≧": ">=", "=>": ">=", "–": "-", "—": "-", "\u2212": "-"}
NEGATED = re.compile(r"^(?:no|not|never|without|absence of|free of|none)\b|\b(?:has|have|had) not\b|"
                     r"\bnot (?:yet )?(?:received|been treated|taken|used|started)\b|\bnever (?:received|been|taken)\b",
                     re.I)
TREATED = re.compile(r"\b(?:treat(?:ed|ment)?|therapy|received?|receiving|use[ds]?|using|exposure|exposed|"
                     r"taking|taken|prior|previous(?:ly)?|history of|current(?:ly)?|infusions?|dos(?:e|es|ing))\b",
                     re.I)
TIME_WINDOW = re.compile(r"\bwithin\b|\bin the (?:last|past|previous|preceding)\b|\b\d+\s*(?:days?|weeks?|months?|"
                         r"years?|half-lives)\b", re.I)


@dataclass(frozen=True)
class EdssRange:
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def contains(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return not (self.high is not None and (value > self.high or (self.high_open and value == self.high)))

    def words(self) -> str:
        if self.low is not None and self.high is not None and not (self.low_open or self.high_open):
            return f"EDSS {self.low:g} to {self.high:g}"
        parts = []
        if self.low is not None:
            parts.append(f"{'above' if self.low_open else 'at least'} {self.low:g}")
        if self.high is not None:
            parts.append(f"{'below' if self.high_open else 'at most'} {self.high:g}")
        return "EDSS " + " and ".join(parts)


def mentions_edss(line: str) -> bool:
    return bool(EDSS_MENTION.search(line))


def edss_range(line: str) -> EdssRange | None:
    """The EDSS limits a line sets, e.g. "EDSS score of 0 to 5.5" -> 0..5.5; ``None`` when they are unclear."""
    mention = EDSS_MENTION.search(line)
    if not mention:
        return None
    window = line[mention.end():mention.end() + 120]
    for symbol, plain in SYMBOLS.items():
        window = window.replace(symbol, plain)
    window = re.split(r"(?<!\d)\.(?!\d)|;", window)[0]  # this sentence only; "5.5" keeps its point
    found = sorted((m.start(), m.end(), end, float(m.group(1)), is_open) for pattern, end, is_open in COMPARATORS
                   for m in pattern.finditer(window) if 0 <= float(m.group(1)) <= 10)
    span = RANGE.search(window)
    if span and 0 <= float(span.group(1)) <= float(span.group(2)) <= 10 and (not found or span.start() < found[0][0]):
        return EdssRange(low=float(span.group(1)), high=float(span.group(2)))
    if not found:
        return None
    # The first limit after the mention, plus the other end only when it follows closely ("≥ 3.0 and ≤ 6.5").
    start, stop, end, value, is_open = found[0]
    bounds = {end: (value, is_open)}
    for other_start, _, other_end, other_value, other_open in found[1:]:
        if other_end != end and other_start - stop <= 25:
            bounds[other_end] = (other_value, other_open)
            break
    low, high = bounds.get("low"), bounds.get("high")
    return EdssRange(low=low[0] if low else None, high=high[0] if high else None,
                     low_open=low[1] if low else False, high_open=high[1] if high else False)


def is_negated(line: str) -> bool:
    """True for an inclusion line that is really an exclusion ("No prior treatment with ...")."""
    return bool(NEGATED.search(line))


def is_about_treatment(line: str) -> bool:
    return bool(TREATED.search(line))


def has_time_window(line: str) -> bool:
    return bool(TIME_WINDOW.search(line))
