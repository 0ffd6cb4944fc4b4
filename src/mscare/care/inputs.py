"""The input model of each care tool: what it takes, its limits and its messages (see ``mscare.inputs``)."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field

from mscare.care.monitoring import DEFAULT_MONTHS, FIRST_YEAR, LAST_YEAR, MAX_MONTHS
from mscare.inputs import ToolInput
from mscare.models import Region

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
