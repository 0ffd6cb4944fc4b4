"""The shapes of imported trials and of the answers about them, plus the feature's errors."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Verdict = Literal["may_qualify", "likely_not", "cant_tell"]
Effect = Literal["fits", "against", "unclear", "note"]  # "note" informs but never changes the verdict
REGISTRY_URL = "https://clinicaltrials.gov/study/{nct_id}"


class TrialsError(Exception):
    """Base class of the trials feature's errors; ``str(err)`` is a message for people."""


class TrialInputError(TrialsError, ValueError):
    """An input that cannot be used: a missing import path, a bad status, an unknown city, an age out of range."""


class UnknownTrial(TrialsError, LookupError):
    """No stored trial has this NCT id."""

    def __init__(self, nct_id: str):
        super().__init__(f"No imported trial has the id {nct_id!r}. It may not have been imported on this computer.")
        self.nct_id = nct_id


class StudyShapeError(TrialsError, ValueError):
    """One study record is not shaped like a ClinicalTrials.gov API v2 study; the message names the field."""


@dataclass(frozen=True)
class Location:
    facility: str | None
    city: str | None
    state: str | None
    country: str | None
    lat: float | None = None
    lon: float | None = None
    status: str | None = None

    def site_json(self) -> dict[str, str | None]:
        return {"facility": self.facility, "city": self.city, "state": self.state, "country": self.country}


@dataclass
class Trial:
    """One registry study, normalised. Contact names, e-mails and phone numbers are deliberately not kept."""

    nct_id: str
    brief_title: str
    official_title: str | None = None
    acronym: str | None = None
    status: str = "UNKNOWN"
    phases: list[str] = field(default_factory=list)
    study_type: str | None = None
    conditions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    interventions: list[str] = field(default_factory=list)
    therapy_ids: list[str] = field(default_factory=list)  # catalogue therapies named by the study
    sponsor: str | None = None
    locations: list[Location] = field(default_factory=list)
    start_date: str | None = None
    completion_date: str | None = None
    minimum_age: str | None = None  # as written in the registry, e.g. "18 Years"
    maximum_age: str | None = None
    min_age_years: float | None = None
    max_age_years: float | None = None
    sex: str = "ALL"
    inclusion: list[str] = field(default_factory=list)
    exclusion: list[str] = field(default_factory=list)
    brief_summary: str | None = None
    last_update: str | None = None
    ms_related: bool = True

    @property
    def url(self) -> str:
        return REGISTRY_URL.format(nct_id=self.nct_id)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["url"] = self.url
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trial:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["locations"] = [Location(**loc) for loc in data.get("locations", [])]
        return cls(**values)


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    older: int = 0  # skipped: older than the stored record of the same trial
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why a study was skipped, duplicates

    def to_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "updated": self.updated, "skipped": self.skipped,
                "skipped_older": self.older, "errors": self.errors, "notes": self.notes}


@dataclass
class TrialHit:
    nct_id: str
    title: str
    status: str
    phases: list[str]
    summary: str
    url: str
    nearest_site: dict[str, str | None] | None = None
    distance_km: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"nct_id": self.nct_id, "title": self.title, "status": self.status, "phases": self.phases,
                "nearest_site": self.nearest_site, "distance_km": self.distance_km, "summary": self.summary,
                "url": self.url}


@dataclass(frozen=True)
class Reason:
    criterion: str  # the criteria line as written, or a structured field such as "minimumAge: 10 Years"
    finding: str
    effect: Effect

    def to_json(self) -> dict[str, str]:
        return {"criterion": self.criterion, "finding": self.finding, "effect": self.effect}


@dataclass
class ScreenResult:
    nct_id: str
    title: str
    url: str
    verdict: Verdict
    reasons: list[Reason]
    note: str

    def to_json(self) -> dict[str, Any]:
        return {"nct_id": self.nct_id, "title": self.title, "url": self.url, "verdict": self.verdict,
                "reasons": [r.to_json() for r in self.reasons], "note": self.note}
