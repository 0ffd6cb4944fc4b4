"""The schema of mscare's content: sources, therapy records and topic articles.

Content lives as YAML and Markdown under ``mscare/content``; these models are the single definition
of what a valid file holds. Field names match the ``--json`` output of the CLI and the API.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG = r"^[a-z0-9][a-z0-9-]*$"

SourceKind = Literal["label", "guideline", "society", "agency", "paper"]
Category = Literal["dmt", "relapse", "symptomatic", "off_label", "procedure"]
Route = Literal[
    "oral", "iv", "sc", "im", "intrathecal", "intradetrusor", "oromucosal", "nasal",
    "transdermal", "procedure",
]
MsType = Literal["cis", "rrms", "active_spms", "spms", "ppms", "any"]
ApprovalStatus = Literal[
    "approved", "not_approved", "under_review", "refused", "withdrawn", "off_label",
    "not_applicable",
]
Efficacy = Literal["high", "moderate", "n/a"]
Audience = Literal["patient", "clinician", "all"]
Region = Literal["us", "eu", "uk"]
REGIONS: tuple[Region, ...] = ("us", "eu", "uk")

# The schedule grammar of a monitoring item's ``when``; see ``parse_when``.
_WHEN_FIXED = {"baseline", "first dose", "before each dose", "as clinically indicated"}
_WHEN_MONTHS = re.compile(r"^months? (\d+(?:, \d+)*)$")
_WHEN_EVERY = re.compile(r"^every (\d+) months?(?: from month (\d+))?(?: until month (\d+))?$")
WHEN_HELP = (
    '"baseline", "first dose", "before each dose", "as clinically indicated", "month N[, N...]" '
    'or "every N months[ from month A][ until month B]"'
)


WhenKind = Literal["baseline", "first_dose", "each_dose", "as_needed", "months", "every"]


class When(BaseModel):
    """A parsed monitoring time: a fixed moment, listed months, or a repeating interval."""

    kind: WhenKind
    months: list[int] = Field(default_factory=list)
    every: int | None = None
    start: int = 0
    until: int | None = None


def parse_when(text: str) -> When:
    """Parse a ``when`` string into a ``When``; raise ValueError naming the expected forms."""
    value = text.strip().lower()
    if value in _WHEN_FIXED:
        kind: dict[str, WhenKind] = {
            "baseline": "baseline",
            "first dose": "first_dose",
            "before each dose": "each_dose",
            "as clinically indicated": "as_needed",
        }
        return When(kind=kind[value])
    if match := _WHEN_MONTHS.match(value):
        return When(kind="months", months=[int(m) for m in match.group(1).split(", ")])
    if match := _WHEN_EVERY.match(value):
        every, start, until = match.groups()
        if int(every) < 1:
            raise ValueError(f"expected an interval of at least 1 month, got {text!r}")
        return When(
            kind="every", every=int(every), start=int(start or 0),
            until=int(until) if until else None,
        )
    raise ValueError(f"expected {WHEN_HELP}, got {text!r}")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """One entry of the source registry."""

    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=3)
    publisher: str = Field(min_length=2)
    url: str = Field(pattern=r"^https://")
    accessed: date
    kind: SourceKind


class Approval(Strict):
    """A regulator's position on a therapy for MS in one region."""

    status: ApprovalStatus
    year: int | None = Field(default=None, ge=1950, le=2100)
    indication: str | None = None
    note: str | None = None


class Approvals(Strict):
    us: Approval
    eu: Approval


class MonitoringItem(Strict):
    """A test the label or guideline asks for, and when; ``when`` follows ``WHEN_HELP``."""

    test: str = Field(min_length=3)
    when: str
    why: str = Field(min_length=3)
    sources: list[str] = Field(min_length=1)

    @field_validator("when")
    @classmethod
    def _when_parses(cls, value: str) -> str:
        parse_when(value)
        return value

    @property
    def parsed(self) -> When:
        return parse_when(self.when)


class Dosing(Strict):
    """When doses fall, in months from the start, so "before each dose" can be scheduled."""

    at_months: list[int] = Field(default_factory=lambda: [0])
    every_months: int | None = Field(default=None, ge=1)
    max_doses: int | None = Field(default=None, ge=1)


class DoseLimit(Strict):
    """A lifetime cumulative dose limit by region (mitoxantrone)."""

    unit: str
    us: float | None = None
    eu: float | None = None
    note: str
    sources: list[str] = Field(min_length=1)


class Contraindication(Strict):
    """A reason not to use the therapy, as the label states it; ``regions`` where US and EU/UK labels differ."""

    text: str = Field(min_length=5)
    regions: list[Region] = Field(default_factory=lambda: list(REGIONS), min_length=1)
    sources: list[str] = Field(min_length=1)


class VaccineAdvice(Strict):
    """Vaccines with this therapy: the live-vaccine rule and timing before, during and after treatment."""

    live: str = Field(min_length=5)
    non_live: str | None = None
    before: str | None = None
    during: str | None = None
    after: str | None = None
    sources: list[str] = Field(min_length=1)


class Interaction(Strict):
    """A drug or food that interacts with the therapy, what happens and what to do."""

    agent: str = Field(min_length=2)
    effect: str = Field(min_length=5)
    advice: str | None = None
    sources: list[str] = Field(min_length=1)


class PatientGuide(Strict):
    """What people ask about taking a medicine, in plain words; each part optional, all cited together."""

    how_to_take: str | None = None
    missed_dose: str | None = None
    avoid: str | None = None
    storage_travel: str | None = None
    when_to_call: str | None = None
    onset: str | None = None
    sources: list[str] = Field(min_length=1)


class Therapy(Strict):
    """One therapy record: a drug, a drug group or a procedure used in MS."""

    id: str = Field(pattern=SLUG)
    generic_name: str
    brands: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    category: Category
    drug_class: str
    mechanism: str = Field(min_length=20)
    routes: list[Route] = Field(min_length=1)
    schedule: str
    dosing: Dosing | None = None
    ms_types: list[MsType] = Field(default_factory=list)
    treats: list[str] = Field(default_factory=list)
    approvals: Approvals
    efficacy: Efficacy
    efficacy_basis: str | None = None
    boxed_warning: str | None = None
    key_risks: list[str] = Field(min_length=1)
    common_side_effects: list[str] = Field(default_factory=list)
    monitoring: list[MonitoringItem] = Field(default_factory=list)
    dose_limit: DoseLimit | None = None
    contraindications: list[Contraindication] = Field(default_factory=list)
    vaccines: VaccineAdvice | None = None
    interactions: list[Interaction] = Field(default_factory=list)
    patient_guide: PatientGuide | None = None
    pregnancy: str
    notes: list[str] = Field(default_factory=list)
    unverified: list[str] = Field(default_factory=list)
    last_reviewed: date
    sources: list[str] = Field(min_length=1)
    field_sources: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _field_sources_name_fields(self) -> Therapy:
        unknown = set(self.field_sources) - set(type(self).model_fields)
        if unknown:
            raise ValueError(f"field_sources names unknown fields: {sorted(unknown)}")
        return self

    def cited(self) -> set[str]:
        """Every source id this record cites anywhere."""
        ids = set(self.sources)
        for item in self.monitoring:
            ids.update(item.sources)
        for ids_for_field in self.field_sources.values():
            ids.update(ids_for_field)
        if self.dose_limit:
            ids.update(self.dose_limit.sources)
        for part in [*self.contraindications, *self.interactions, self.vaccines, self.patient_guide]:
            if part is not None:
                ids.update(part.sources)
        return ids

    def sources_for(self, field: str) -> list[str]:
        """The sources backing one field: its own list where given, else the record's."""
        return self.field_sources.get(field) or self.sources


class TopicFigure(Strict):
    """A picture shown after a section of an article: static/figures/<name>.svg, an inline, accessible SVG."""

    name: str = Field(pattern=SLUG)
    section: str = Field(min_length=3)  # the ## heading it follows
    caption: str = Field(min_length=20)


class TopicMeta(Strict):
    """The YAML front matter of a topic article."""

    slug: str = Field(pattern=SLUG)
    title: str
    audience: Audience
    summary: str = Field(min_length=20)
    last_reviewed: date
    keywords: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    figures: list[TopicFigure] = Field(default_factory=list)
