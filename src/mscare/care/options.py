"""Decision aid: which disease-modifying therapies fit a profile, with cited reasons for and against.

It never names a "best" drug: it prepares the conversation with the neurologist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mscare.catalogue import Catalogue
from mscare.models import Approval, Therapy

MS_TYPES = ["cis", "rrms", "active_spms", "spms", "ppms"]
ROUTE_GROUPS = {"oral": {"oral"}, "injection": {"sc", "im"}, "infusion": {"iv"}}
PRIORITIES = ["efficacy", "fewer_side_effects", "less_often", "fewer_tests"]
REGIONS = {"us": "the US", "eu": "the EU"}
# How each MS type is named in label indications, to check a region's own wording (labels differ by region).
TYPE_WORDING = {
    "cis": re.compile(r"clinically isolated|\bCIS\b|first (clinical )?(event|episode|attack)|relapsing forms", re.I),
    "rrms": re.compile(r"relapsing", re.I),
    "active_spms": re.compile(r"secondary progressive|relapsing forms|relapsing MS", re.I),
    "spms": re.compile(r"secondary progressive", re.I),
    "ppms": re.compile(r"primary progressive", re.I),
}
PREGNANCY_CAUTION = re.compile(r"contraindicat|must not|avoid|not recommended|stop|washout|wash-out|"
                               r"contracepti|accelerated elimination|birth defect|harm", re.I)


class ProfileError(ValueError):
    """A profile value outside the allowed choices."""


@dataclass
class Profile:
    ms_type: str
    age: int | None = None
    pregnancy_planned: bool = False
    jcv: str = "unknown"
    routes: list[str] = field(default_factory=list)
    region: str | None = None
    priorities: list[str] = field(default_factory=list)
    monthly_tests_ok: bool = True

    def validate(self) -> None:
        if self.ms_type not in MS_TYPES:
            raise ProfileError(f"--ms-type must be one of {', '.join(MS_TYPES)}, got {self.ms_type!r}")
        if self.jcv not in ("positive", "negative", "unknown"):
            raise ProfileError(f"--jcv must be positive, negative or unknown, got {self.jcv!r}")
        for route in self.routes:
            if route not in ROUTE_GROUPS:
                raise ProfileError(f"--route must be one of {', '.join(ROUTE_GROUPS)}, got {route!r}")
        if self.region not in (None, "us", "eu"):
            raise ProfileError(f"--region must be us or eu, got {self.region!r}")
        for priority in self.priorities:
            if priority not in PRIORITIES:
                raise ProfileError(f"--priority must be one of {', '.join(PRIORITIES)}, got {priority!r}")
        if self.age is not None and not 0 < self.age < 120:
            raise ProfileError(f"--age must be between 1 and 119, got {self.age}")


def reason(text: str, sources: list[str]) -> dict[str, object]:
    return {"text": text, "sources": list(sources)}


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text.strip())
    return match.group(1) if match else text.strip()


NATIONAL = re.compile(r"countr|national|authoris|authoriz|licen[cs]", re.I)


def nationally_licensed(approval: Approval) -> bool:
    """No central EU licence, but licensed country by country (e.g. glatiramer acetate, mitoxantrone)."""
    return approval.status == "not_applicable" and bool(approval.note and NATIONAL.search(approval.note))


def approved_in(therapy: Therapy, region: str | None) -> bool:
    regions = [region] if region else ["us", "eu"]
    return any(getattr(therapy.approvals, r).status == "approved" or nationally_licensed(getattr(therapy.approvals, r))
               for r in regions)


def rule_out(therapy: Therapy, profile: Profile) -> list[dict[str, object]]:
    """Reasons the therapy does not fit at all."""
    out = []
    approvals = therapy.sources_for("approvals")
    if not approved_in(therapy, profile.region):
        where = REGIONS.get(profile.region or "", "the US or the EU")
        out.append(reason(f"not approved for MS in {where}", approvals))
    if profile.ms_type not in therapy.ms_types:
        out.append(reason(f"not indicated for {profile.ms_type.replace('_', ' ')} on its label", approvals))
    elif profile.region:
        approval = getattr(therapy.approvals, profile.region)
        wording = TYPE_WORDING[profile.ms_type]
        if approval.status == "approved" and approval.indication and not wording.search(approval.indication):
            out.append(reason(f"in {REGIONS[profile.region]} it is approved only for: {approval.indication}",
                              approvals))
    if profile.routes:
        allowed = set().union(*(ROUTE_GROUPS[r] for r in profile.routes))
        if not allowed & set(therapy.routes):
            out.append(reason(f"given by {', '.join(therapy.routes)}, not a route you chose",
                              therapy.sources_for("schedule")))
    if not profile.monthly_tests_ok:
        monthly = [m for m in therapy.monitoring if m.parsed.kind == "every" and m.parsed.every == 1]
        if monthly:
            out.append(reason(f"needs monthly tests ({monthly[0].test})", monthly[0].sources))
    return out


def weigh(therapy: Therapy, profile: Profile) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Cited reasons for and against a therapy that fits."""
    pros, cons = [], []
    if therapy.efficacy == "high":
        pros.append(reason("grouped as a higher-efficacy therapy", therapy.sources_for("efficacy")))
    elif "efficacy" in profile.priorities and therapy.efficacy == "moderate":
        cons.append(reason("grouped as moderate efficacy, and you rank efficacy first",
                           therapy.sources_for("efficacy")))
    pros.append(reason(f"how it is given: {therapy.schedule}", therapy.sources_for("schedule")))
    if profile.region == "eu" and nationally_licensed(therapy.approvals.eu):
        pros.append(reason(f"EU: licensed country by country, not centrally ({therapy.approvals.eu.note})",
                           therapy.sources_for("approvals")))
    if therapy.boxed_warning:
        cons.append(reason(f"US boxed warning: {first_sentence(therapy.boxed_warning)}",
                           therapy.sources_for("boxed_warning")))
    if "fewer_side_effects" in profile.priorities and therapy.key_risks:
        cons.append(reason(f"main risks: {'; '.join(therapy.key_risks[:3])}", therapy.sources_for("key_risks")))
    if profile.jcv == "positive" and therapy.id == "natalizumab":
        cons.append(reason("JC virus antibody positive: the risk of PML on natalizumab is higher",
                           therapy.sources_for("boxed_warning")))
    if profile.pregnancy_planned:
        text = f"pregnancy: {first_sentence(therapy.pregnancy)}"
        target = cons if PREGNANCY_CAUTION.search(therapy.pregnancy) else pros
        target.append(reason(text, therapy.sources_for("pregnancy")))
    if "fewer_tests" in profile.priorities and len(therapy.monitoring) > 3:
        cons.append(reason(f"{len(therapy.monitoring)} monitoring items on the label",
                           sorted({s for m in therapy.monitoring for s in m.sources})))
    return pros, cons


def decision_options(*, profile: Profile, catalogue: Catalogue) -> dict[str, object]:
    """The DMTs that fit the profile, each with reasons for and against, and those ruled out with why."""
    profile.validate()
    fits, ruled_out = [], []
    for therapy in catalogue.by_category("dmt"):
        excluded = rule_out(therapy, profile)
        if excluded:
            ruled_out.append({"id": therapy.id, "name": therapy.generic_name, "reasons": excluded})
            continue
        pros, cons = weigh(therapy, profile)
        fits.append({"id": therapy.id, "name": therapy.generic_name, "brands": therapy.brands,
                     "efficacy": therapy.efficacy, "reasons_for": pros, "reasons_against": cons})
    if "efficacy" in profile.priorities:
        fits.sort(key=lambda f: f["efficacy"] != "high")
    return {
        "profile": profile.__dict__, "fits": fits, "ruled_out": ruled_out,
        "note": "These options prepare a conversation with your neurologist; they are not a recommendation. "
                "Information, not personal medical advice.",
    }
