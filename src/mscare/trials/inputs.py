"""The input models of trial search and pre-screen, shared by the CLI, the API and the pages."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, Field

from mscare.inputs import ToolInput
from mscare.settings import MAX_QUESTION_CHARS

EARTH_KM = 40_075  # no site is further away than the Earth's circumference


def distance_on_earth(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and 0 < value <= EARTH_KM):
        raise ValueError(f"enter a distance in km above 0 and at most {EARTH_KM}")
    return value


def plausible_edss(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and 0 <= value <= 10):
        raise ValueError("enter an EDSS score from 0 to 10")
    return value


def plausible_age(value: float) -> float:
    if not (math.isfinite(value) and 0 <= value < 120):
        raise ValueError("enter an age in years from 0 to 119")
    return value


def dropped_blanks(values: list[str]) -> list[str]:
    return [v for v in values if v]  # an optional box left empty in a form means none


class TrialSearchQuery(ToolInput):
    """What to look for among imported trials."""

    q: str | None = Field(None, max_length=MAX_QUESTION_CHARS, description="Words to search for.")
    status: str | None = Field(None, max_length=200, description="e.g. recruiting, not_yet_recruiting, completed.")
    phase: str | None = Field(None, max_length=200, description="1, 2, 3, 4, early1, na, or 2/3.")
    near: str | None = Field(None, max_length=200, description="A city with a trial site, or LAT,LON.")
    within: Annotated[float | None, AfterValidator(distance_on_earth)] = Field(None, description="km from `near`.")
    limit: int = Field(50, ge=1, le=1000, description="At most this many results.")


class ScreenQuery(ToolInput):
    """A profile to pre-screen against one trial's criteria."""

    age: Annotated[float, AfterValidator(plausible_age)] = Field(description="Age in years.")
    sex: str | None = Field(None, max_length=20, description="F or M.")
    ms_type: str | None = Field(None, max_length=40, description="cis, rrms, active_spms, spms or ppms.")
    edss: Annotated[float | None, AfterValidator(plausible_edss)] = Field(None, description="EDSS score, 0 to 10.")
    dmt: Annotated[list[Annotated[str, Field(max_length=100)]], AfterValidator(dropped_blanks)] = Field(
        default_factory=list, max_length=20, description="A treatment taken now or before; repeat for more.")
