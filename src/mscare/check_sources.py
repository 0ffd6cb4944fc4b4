"""``mscare check`` rules about sources: tiers, regulator ids, test hosts, duplicates, safety fields.

Each rule is a function over records and sources, so tests can feed it constructed content. A rule's
finding is a ``Finding``; the policy in ``content/care/source_tiers.yaml`` says whether the rules that
still wait for the records to cite their labels report an error or a warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from mscare.content import content_dir
from mscare.models import Source, Therapy
from mscare.sources import TIERS_FILE, Tier, TierRules, is_nonproduction, regulator_mismatch, source_tier, tier_shares

# Fields whose facts must come from a regulator's label or an official guideline (DMT and relapse records).
SAFETY_FIELDS = ("boxed_warning", "contraindications", "schedule", "dose_limit", "monitoring", "pregnancy",
                 "vaccines")
LABEL_CATEGORIES = ("dmt", "relapse")
RULES = ("tier3_share", "safety_tier1", "approved_dmt_safety_fields", "nonproduction_host")


@dataclass(frozen=True)
class Policy:
    """How strictly the source rules apply: the tier-3 ceiling and, per rule, "error" or "warning"."""

    tier3_max_share: float = 0.15
    enforcement: Mapping[str, str] | None = None

    def is_error(self, rule: str) -> bool:
        return (self.enforcement or {}).get(rule, "error") == "error"


def load_policy(root: Path | None = None) -> Policy:
    data = yaml.safe_load(((root or content_dir()) / TIERS_FILE).read_text(encoding="utf-8"))
    return Policy(tier3_max_share=float(data["tier3_max_share"]), enforcement=dict(data.get("enforcement", {})))


@dataclass
class SourceFindings:
    """What the source rules found: problems (errors), warnings and the tier shares of therapy citations."""

    problems: list[str]
    warnings: list[str]
    shares: dict[int, float]
    citations: int


def citation_lists(therapy: Therapy) -> dict[str, list[str]]:
    """Every list of source ids in a record, named by where it sits (``monitoring[2]``, ``field_sources.x``)."""
    lists: dict[str, list[str]] = {"sources": therapy.sources}
    lists |= {f"field_sources.{name}": ids for name, ids in therapy.field_sources.items()}
    lists |= {f"monitoring[{i}]": m.sources for i, m in enumerate(therapy.monitoring)}
    lists |= {f"contraindications[{i}]": c.sources for i, c in enumerate(therapy.contraindications)}
    lists |= {f"interactions[{i}]": x.sources for i, x in enumerate(therapy.interactions)}
    if therapy.dose_limit:
        lists["dose_limit"] = therapy.dose_limit.sources
    if therapy.vaccines:
        lists["vaccines"] = therapy.vaccines.sources
    if therapy.patient_guide:
        lists["patient_guide"] = therapy.patient_guide.sources
    return lists


def duplicate_citations(therapy: Therapy) -> list[str]:
    """A source listed twice in one citation list."""
    found = []
    for where, ids in citation_lists(therapy).items():
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            found.append(f"therapies/{therapy.id}.yaml: {where}: cites {', '.join(twice)} more than once")
    return found


def safety_citations(therapy: Therapy) -> dict[str, list[list[str]]]:
    """The source lists behind each safety field the record fills; list fields give one list per item."""
    fields: dict[str, list[list[str]]] = {}
    if therapy.boxed_warning:
        fields["boxed_warning"] = [therapy.sources_for("boxed_warning")]
    if therapy.contraindications:
        fields["contraindications"] = [c.sources for c in therapy.contraindications]
    fields["schedule"] = [therapy.sources_for("schedule") + therapy.field_sources.get("dosing", [])]
    if therapy.dose_limit:
        fields["dose_limit"] = [therapy.dose_limit.sources]
    if therapy.monitoring:
        fields["monitoring"] = [m.sources for m in therapy.monitoring]
    fields["pregnancy"] = [therapy.sources_for("pregnancy")]
    if therapy.vaccines:
        fields["vaccines"] = [therapy.vaccines.sources]
    return fields


def unverified_fields(therapy: Therapy) -> set[str]:
    """Safety fields the record marks unverified with an entry like ``pregnancy: reason``."""
    return {f for f in SAFETY_FIELDS for entry in therapy.unverified if entry.strip().startswith(f + ":")}


def safety_without_tier1(therapy: Therapy, tiers: Mapping[str, Tier]) -> tuple[list[str], list[str]]:
    """Safety fields of a DMT or relapse record with no tier-1 source: (unmarked, marked unverified)."""
    if therapy.category not in LABEL_CATEGORIES:
        return [], []
    marked = unverified_fields(therapy)
    unmarked: list[str] = []
    excused: list[str] = []
    for field, lists in safety_citations(therapy).items():
        if all(any(tiers.get(i) == 1 for i in ids) for ids in lists):
            continue
        (excused if field in marked else unmarked).append(field)
    return unmarked, excused


def approved_without_safety_fields(therapy: Therapy) -> list[str]:
    """An approved DMT (US or EU) must say its contraindications and vaccine advice."""
    if therapy.category != "dmt" or "approved" not in (therapy.approvals.us.status, therapy.approvals.eu.status):
        return []
    return [name for name, value in (("contraindications", therapy.contraindications),
                                     ("vaccines", therapy.vaccines)) if not value]


def regulator_id_problems(sources: Iterable[Source], rules: TierRules) -> list[str]:
    """Ids that name a regulator (``fda-``, ``ema-``, ``mhra-``, ``nice-``) but point to another site."""
    return [f"sources: {s.id}: an id starting {prefix!r} must point to that regulator, not {s.url}"
            for s in sources if (prefix := regulator_mismatch(s, rules))]


def nonproduction_problems(sources: Iterable[Source], rules: TierRules) -> list[str]:
    """Sources on a development, staging or test host."""
    return [f"sources: {s.id}: {s.url} is a development, staging or test host"
            for s in sources if is_nonproduction(s.url, rules)]


def therapy_citation_tiers(therapies: Iterable[Therapy], tiers: Mapping[str, Tier]) -> list[Tier]:
    """The tier of every citation in the therapy records (each list entry counts once)."""
    return [tiers[i] for t in therapies for ids in citation_lists(t).values() for i in ids if i in tiers]


def check_sources(
    therapies: Iterable[Therapy], sources: Mapping[str, Source], *, rules: TierRules, policy: Policy,
) -> SourceFindings:
    """Apply every source rule to the given records and registry."""
    therapies = list(therapies)
    tiers = {sid: source_tier(s, rules) for sid, s in sources.items()}
    found = SourceFindings(problems=regulator_id_problems(sources.values(), rules), warnings=[], shares={},
                           citations=0)

    def report(rule: str, message: str) -> None:
        (found.problems if policy.is_error(rule) else found.warnings).append(message)

    for message in nonproduction_problems(sources.values(), rules):
        report("nonproduction_host", message)
    excused_fields: list[str] = []
    for therapy in therapies:
        where = f"therapies/{therapy.id}.yaml"
        found.problems += duplicate_citations(therapy)
        unmarked, excused = safety_without_tier1(therapy, tiers)
        excused_fields += [f"{therapy.id} {f}" for f in excused]
        for field in unmarked:
            report("safety_tier1", f"{where}: {field}: no tier-1 source (regulator label or official guideline); "
                                   f"cite one or add an unverified entry '{field}: reason'")
        for field in approved_without_safety_fields(therapy):
            report("approved_dmt_safety_fields", f"{where}: an approved DMT must fill {field}")
    if excused_fields:
        found.warnings.append(f"{len(excused_fields)} safety fields have no tier-1 source yet and are marked "
                              f"unverified: {', '.join(excused_fields)}")
    cited = therapy_citation_tiers(therapies, tiers)
    found.citations, found.shares = len(cited), tier_shares(cited)
    if found.shares[3] > policy.tier3_max_share:
        report("tier3_share", f"tier-3 sources are {found.shares[3]:.0%} of {len(cited)} therapy citations; "
                              f"at most {policy.tier3_max_share:.0%} allowed")
    return found
