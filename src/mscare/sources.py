"""Source authority: each source's tier, worked out from its URL host and kind.

Tier 1 is a regulator's label or an official guideline, tier 2 a peer-reviewed paper, an MS society or a
health service, tier 3 anything else. The host lists are data (``content/care/source_tiers.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml

from mscare.content import content_dir
from mscare.models import Source

Tier = Literal[1, 2, 3]
TIERS: tuple[Tier, ...] = (1, 2, 3)
TIER_NAMES: dict[int, str] = {
    1: "regulator label or official guideline",
    2: "peer-reviewed paper, MS society or health service",
    3: "other (label copies, manufacturer sites, news)",
}
TIERS_FILE = Path("care") / "source_tiers.yaml"


@dataclass(frozen=True)
class TierRules:
    """The host patterns behind each tier, the regulator id prefixes and the non-production host markers."""

    regulators: tuple[str, ...]
    guidelines: tuple[str, ...]
    tier2: tuple[str, ...]
    guideline_in_journal: bool
    regulator_ids: dict[str, tuple[str, ...]]
    nonproduction_labels: frozenset[str]
    nonproduction_fragments: tuple[str, ...]


def load_tier_rules(root: Path | None = None) -> TierRules:
    """Read the tier rules from the content folder (``care/source_tiers.yaml``)."""
    path = (root or content_dir()) / TIERS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tier1, tier2, nonprod = data["tier1"], data["tier2"], data["nonproduction"]
    return TierRules(
        regulators=tuple(tier1["regulators"]),
        guidelines=tuple(tier1["guidelines"]),
        tier2=tuple(p for group in tier2.values() for p in group),
        guideline_in_journal=bool(tier1.get("guideline_in_journal", False)),
        regulator_ids={prefix: tuple(patterns) for prefix, patterns in data["regulator_ids"].items()},
        nonproduction_labels=frozenset(nonprod["labels"]),
        nonproduction_fragments=tuple(nonprod["fragments"]),
    )


@lru_cache(maxsize=1)
def default_tier_rules() -> TierRules:
    """The packaged tier rules, read once per process."""
    return load_tier_rules()


def url_host(url: str) -> str:
    """The lowercase host of a URL without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def matches(url: str, pattern: str) -> bool:
    """Whether a URL falls under a pattern: a host (with any subdomain) and an optional path prefix."""
    domain, _, prefix = pattern.partition("/")
    host = url_host(url)
    if host != domain and not host.endswith("." + domain):
        return False
    return not prefix or urlsplit(url).path.lstrip("/").lower().startswith(prefix.lower())


def matches_any(url: str, patterns: Iterable[str]) -> bool:
    return any(matches(url, p) for p in patterns)


def source_tier(source: Source, rules: TierRules | None = None) -> Tier:
    """The tier of one source: 1 regulator or guideline, 2 paper/society/health service, 3 other."""
    rules = rules or default_tier_rules()
    if matches_any(source.url, rules.regulators) or matches_any(source.url, rules.guidelines):
        return 1
    if matches_any(source.url, rules.tier2):
        # An official guideline published in a journal (an AAN guideline's PubMed record) is tier 1.
        return 1 if rules.guideline_in_journal and source.kind == "guideline" else 2
    return 3


def is_nonproduction(url: str, rules: TierRules | None = None) -> bool:
    """Whether a URL's host is a development, staging or test copy of a site."""
    rules = rules or default_tier_rules()
    host = url_host(url)
    return bool(set(host.split(".")) & rules.nonproduction_labels) or any(
        f in host for f in rules.nonproduction_fragments
    )


def regulator_mismatch(source: Source, rules: TierRules | None = None) -> str | None:
    """For an id that names a regulator (``fda-``, ``ema-``...), the prefix when the URL is not that body's."""
    rules = rules or default_tier_rules()
    for prefix, patterns in rules.regulator_ids.items():
        if source.id.startswith(prefix) and not matches_any(source.url, patterns):
            return prefix
    return None


def tier_shares(tiers: Iterable[Tier]) -> dict[int, float]:
    """The share (0..1) of each tier among a list of citations' tiers."""
    counted = list(tiers)
    total = len(counted) or 1
    return {tier: counted.count(tier) / total for tier in TIERS}


def filter_sources(sources: Iterable[dict[str, Any]], *, words: str = "", publisher: str = "",
                   tier: int | None = None) -> list[dict[str, Any]]:
    """Sources (as ``source_json`` dicts) whose title, publisher or id holds every word, by publisher and tier."""
    wanted = words.lower().split()
    found = []
    for source in sources:
        haystack = f"{source['title']} {source['publisher']} {source['id']}".lower()
        if all(w in haystack for w in wanted) and (not publisher or source["publisher"] == publisher) \
                and (tier is None or source["tier"] == tier):
            found.append(source)
    return found
