"""The input model of each care tool: what it takes, its limits and its messages (see ``mscare.inputs``)."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from mscare.care.monitoring import DEFAULT_MONTHS, FIRST_YEAR, LAST_YEAR, MAX_MONTHS
from mscare.care.options import Profile
from mscare.care.relapse import MAX_HOURS, RelapseCheck
from mscare.inputs import ToolInput
from mscare.models import Region
from mscare.settings import MAX_QUESTION_CHARS

MAX_DOSE = 200  # mg/m2: a single mitoxantrone dose above this is a typing mistake


def plausible_year(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"enter a date between {FIRST_YEAR} and {LAST_YEAR}")
    return value


def whole_months(value: int) -> int:
    if not 1 <= value <= MAX_MONTHS:
        raise ValueError(f"enter a number from 1 to {MAX_MONTHS}")
    return value


def finite_positive_dose(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise ValueError("enter each dose as a number of mg/m² above 0")
    if value > MAX_DOSE:
        raise ValueError(f"a single dose of {value:g} mg/m² is not plausible; check the number")
    return value


class MonitoringQuery(ToolInput):
    """A treatment and monitoring calendar: from the first dose, for some months, by one region's label."""

    start: Annotated[date, AfterValidator(plausible_year)] = Field(description="Date of the first dose, YYYY-MM-DD.")
    months: Annotated[int, AfterValidator(whole_months)] = Field(
        DEFAULT_MONTHS, description="How many months ahead, 1 to 120.",
        json_schema_extra={"minimum": 1, "maximum": MAX_MONTHS})
    region: Region = Field("us", description="Whose label to follow: us, eu or uk.")


class DoseQuery(ToolInput):
    """Mitoxantrone doses received so far, each in mg/m²."""

    dose: list[Annotated[float, AfterValidator(finite_positive_dose)]] = Field(
        min_length=1, max_length=50, description="Each dose received, in mg/m² (repeat for more).")


def hours_in_range(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and 0 <= value <= MAX_HOURS):
        raise ValueError(f"enter a number of hours from 0 to {MAX_HOURS} (a year)")
    return value


def age_in_range(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 119:
        raise ValueError("enter an age in years from 1 to 119")
    return value


class RelapseQuery(ToolInput):
    """The relapse check's answers: what changed, for how long, what else is going on, any warning signs."""

    symptoms: str = Field("", max_length=MAX_QUESTION_CHARS, description="What changed, in your words.")
    hours: Annotated[float | None, AfterValidator(hours_in_range)] = Field(
        None, description="How long it has lasted, in hours (0 to 8760).")
    fever: bool = False
    infection: bool = False
    heat: bool = False
    stress: bool = False
    recent_steroids: bool = False
    red_flag: list[str] = Field(default_factory=list, max_length=20, description="Warning signs that apply.")

    def answers(self) -> RelapseCheck:
        return RelapseCheck(symptoms=self.symptoms, hours=self.hours, fever=self.fever, infection=self.infection,
                            heat=self.heat, stress=self.stress, recent_steroids=self.recent_steroids,
                            red_flags=list(self.red_flag))


class OptionsQuery(ToolInput):
    """A profile for the decision aid: the type of MS and what matters to the person."""

    ms_type: Literal["cis", "rrms", "active_spms", "spms", "ppms"] = Field(description="The type of MS.")
    age: Annotated[int | None, AfterValidator(age_in_range)] = Field(None, description="Age in years.")
    pregnancy_planned: bool = False
    jcv: Literal["unknown", "negative", "positive"] = "unknown"
    route: list[Literal["oral", "injection", "infusion"]] = Field(default_factory=list, max_length=3)
    region: Literal["us", "eu"] | None = None
    priority: list[Literal["efficacy", "fewer_side_effects", "less_often", "fewer_tests"]] = Field(
        default_factory=list, max_length=4)
    monthly_tests_ok: bool = True

    def profile(self) -> Profile:
        return Profile(ms_type=self.ms_type, age=self.age, pregnancy_planned=self.pregnancy_planned, jcv=self.jcv,
                       routes=list(self.route), region=self.region, priorities=list(self.priority),
                       monthly_tests_ok=self.monthly_tests_ok)


def split_names(value: object) -> object:
    """"a,b" or ["a", "b,c"] -> ["a", "b", "c"]: the names to compare, however they were typed."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        return value
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


class CompareQuery(ToolInput):
    """Two to five therapies to compare, by any name the catalogue accepts."""

    names: Annotated[list[Annotated[str, Field(max_length=100)]], BeforeValidator(split_names)] = Field(
        min_length=2, max_length=5, description="Therapy names, ids or brands (two to five).")


class AppointmentQuery(ToolInput):
    """What to prepare an appointment summary for."""

    therapy: str | None = Field(None, max_length=100, description="Your current therapy.")
    concern: list[str] = Field(default_factory=list, max_length=20, description="What to discuss.")
    start: Annotated[date | None, AfterValidator(lambda d: d if d is None else plausible_year(d))] = Field(
        None, description="When you started the therapy, YYYY-MM-DD.")
