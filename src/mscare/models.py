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

SourceKind = Literal["label", "guideline", "society", "agency", "paper", "news"]
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
_WHEN_FIXED = {
    "baseline": "baseline", "first dose": "first_dose", "before each dose": "each_dose",
    "after each dose": "after_each_dose", "as clinically indicated": "as_needed",
}
_WHEN_MONTHS = re.compile(r"^months? (\d+(?:, \d+)*)$")
_WHEN_DOSES = re.compile(r"^(before|after) doses? (\d+(?:, \d+)*)$")
_WHEN_EVERY = re.compile(
    r"^every (\d+) months?(?: from month (\d+))?(?: until month (\d+))?"
    r"(?: until (\d+) months? after the last dose)?$"
)
_WHEN_AFTER_LAST = re.compile(r"^every (\d+) months? after the last dose(?: until (\d+) months? after the last dose)?$")
WHEN_HELP = (
    '"baseline", "first dose", "before each dose", "after each dose", "as clinically indicated", '
    '"month N[, N...]", "before doses N[, N...]", "after doses N[, N...]", '
    '"every N months[ from month A][ until month B]", '
    '"every N months[ from month A] until M months after the last dose" '
    'or "every N months after the last dose[ until M months after the last dose]"'
)


WhenKind = Literal[
    "baseline", "first_dose", "each_dose", "after_each_dose", "listed_doses", "as_needed", "months", "every",
]


class When(BaseModel):
    """A parsed monitoring time: a fixed moment, listed months, or a repeating interval.

    ``after_last``: the interval counts from the last dose, not the start; ``until_after_last``: it ends that
    many months after the last dose (both need the record's dosing calendar).
    """

    kind: WhenKind
    months: list[int] = Field(default_factory=list)
    doses: list[int] = Field(default_factory=list)  # listed_doses: dose numbers, 1 for the first dose
    after: bool = False  # listed_doses: after the dose (every day of a course) rather than before it
    every: int | None = None
    start: int = 0
    until: int | None = None
    after_last: bool = False
    until_after_last: int | None = None


def parse_when(text: str) -> When:
    """Parse a ``when`` string into a ``When``; raise ValueError naming the expected forms."""
    value = text.strip().lower()
    if value in _WHEN_FIXED:
        return When(kind=_WHEN_FIXED[value])  # type: ignore[arg-type]
    if match := _WHEN_MONTHS.match(value):
        return When(kind="months", months=[int(m) for m in match.group(1).split(", ")])
    if match := _WHEN_DOSES.match(value):
        numbers = [int(n) for n in match.group(2).split(", ")]
        if min(numbers) < 1:
            raise ValueError(f"dose numbers start at 1, got {text!r}")
        return When(kind="listed_doses", doses=numbers, after=match.group(1) == "after")
    if match := _WHEN_AFTER_LAST.match(value):
        every, until = match.groups()
        return When(kind="every", every=_interval(every, text), start=int(every), after_last=True,
                    until_after_last=int(until) if until else None)
    if match := _WHEN_EVERY.match(value):
        every, start, until, until_after_last = match.groups()
        if until and until_after_last:
            raise ValueError(f"give one end, a month or a time after the last dose, got {text!r}")
        return When(
            kind="every", every=_interval(every, text), start=int(start or 0),
            until=int(until) if until else None,
            until_after_last=int(until_after_last) if until_after_last else None,
        )
    raise ValueError(f"expected {WHEN_HELP}, got {text!r}")


def _interval(value: str, text: str) -> int:
    if int(value) < 1:
        raise ValueError(f"expected an interval of at least 1 month, got {text!r}")
    return int(value)


# The dosing calendar's grammar: offsets from the first dose and repeat intervals.
_OFFSET = re.compile(r"^(day|week|month) (\d+)$")
_INTERVAL = re.compile(r"^(\d+) (day|week|month)s?$")
Unit = Literal["day", "week", "month"]


def parse_offset(text: str) -> tuple[Unit, int]:
    """``"day 15"`` -> ("day", 15). Day 1 is the first dose; week 0 and month 0 are that day too."""
    match = _OFFSET.match(text.strip().lower())
    if not match or (match.group(1) == "day" and int(match.group(2)) < 1):
        raise ValueError(f'expected "day N" (N from 1), "week N" or "month N", got {text!r}')
    return match.group(1), int(match.group(2))  # type: ignore[return-value]


def parse_interval(text: str) -> tuple[Unit, int]:
    """``"24 weeks"`` -> ("week", 24)."""
    match = _INTERVAL.match(text.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise ValueError(f'expected "N days", "N weeks" or "N months" (N from 1), got {text!r}')
    return match.group(2), int(match.group(1))  # type: ignore[return-value]


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
    regions: list[Region] = Field(default_factory=lambda: list(REGIONS), min_length=1)
    sources: list[str] = Field(min_length=1)

    @field_validator("when")
    @classmethod
    def _when_parses(cls, value: str) -> str:
        parse_when(value)
        return value

    @property
    def parsed(self) -> When:
        return parse_when(self.when)


class DoseEvent(Strict):
    """One dose day (or a course of daily doses) at an offset from the first dose."""

    at: str
    label: str = Field(min_length=3)
    days: int = Field(default=1, ge=1, le=31)
    course: str | None = None

    @field_validator("at")
    @classmethod
    def _at_parses(cls, value: str) -> str:
        parse_offset(value)
        return value


class DoseRepeat(Strict):
    """Doses that repeat at a fixed interval from ``start`` (an offset from the first dose)."""

    every: str
    start: str
    label: str = Field(min_length=3)

    @field_validator("every")
    @classmethod
    def _every_parses(cls, value: str) -> str:
        parse_interval(value)
        return value

    @field_validator("start")
    @classmethod
    def _start_parses(cls, value: str) -> str:
        parse_offset(value)
        return value


class Dosing(Strict):
    """The label's dosing calendar: first doses, then an optional repeat, and a limit on doses by region.

    ``course`` groups doses that count as one treatment course ("before each dose" checks fall on the first
    dose of each course); doses without a course are each their own.
    """

    doses: list[DoseEvent] = Field(min_length=1)
    repeat: DoseRepeat | None = None
    max_doses: dict[Region, int] = Field(default_factory=dict)
    note: str | None = None
    sources: list[str] = Field(min_length=1)


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

    @property
    def display_name(self) -> str:
        """The name people know: generic name, then the first brand ("dimethyl fumarate (Tecfidera)")."""
        return f"{self.generic_name} ({self.brands[0]})" if self.brands else self.generic_name

    def cited(self) -> set[str]:
        """Every source id this record cites anywhere."""
        ids = set(self.sources)
        for item in self.monitoring:
            ids.update(item.sources)
        for ids_for_field in self.field_sources.values():
            ids.update(ids_for_field)
        if self.dose_limit:
            ids.update(self.dose_limit.sources)
        if self.dosing:
            ids.update(self.dosing.sources)
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
    aliases: list[str] = Field(default_factory=list)  # old slugs of split or renamed articles; they still resolve
