"""One input model per diary action, shared by every face: parsing, limits and the one-line message."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from mscare.content import content_dir

FIRST_YEAR, LAST_YEAR = 1950, 2100
RECOVERY = ("full", "partial", "none", "unknown")
KINDS = ("therapy", "relapse", "symptom", "test")


class DiaryInputError(ValueError):
    """Bad diary input; the message is one line naming the culprit."""


@lru_cache(maxsize=1)
def symptom_names() -> dict[str, str]:
    """The symptoms a person can score: id -> label (content/diary/symptoms.yaml)."""
    data = yaml.safe_load((content_dir() / "diary" / "symptoms.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data["symptoms"].items()}


def check_year(value: dt.date) -> dt.date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must be between {FIRST_YEAR} and {LAST_YEAR}")
    return value


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TherapyInput(Input):
    name: str = Field(min_length=1, max_length=200)
    start: dt.date
    stop: dt.date | None = None
    reason: str | None = Field(default=None, max_length=2000)

    _years = field_validator("start", "stop")(lambda v: v if v is None else check_year(v))

    @model_validator(mode="after")
    def stop_after_start(self) -> TherapyInput:
        if self.stop is not None and self.stop < self.start:
            raise ValueError(f"--stop {self.stop} is before --start {self.start}")
        return self


class TherapyStopInput(Input):
    name: str = Field(min_length=1, max_length=200)
    date: dt.date
    reason: str | None = Field(default=None, max_length=2000)

    _years = field_validator("date")(check_year)


class RelapseInput(Input):
    date: dt.date
    symptoms: str = Field(min_length=1, max_length=2000)
    treated_with: str | None = Field(default=None, max_length=200)
    recovery: Literal["full", "partial", "none", "unknown"] = "unknown"

    _years = field_validator("date")(check_year)


class SymptomInput(Input):
    date: dt.date
    symptom: str
    score: int = Field(ge=0, le=10)
    note: str | None = Field(default=None, max_length=2000)

    _years = field_validator("date")(check_year)

    @field_validator("symptom")
    @classmethod
    def known_symptom(cls, value: str) -> str:
        key = value.strip().lower()
        if key not in symptom_names():
            raise ValueError(f"must be one of: {', '.join(symptom_names())}")
        return key


class TestInput(Input):
    __test__ = False  # not a pytest class
    date: dt.date
    due_id: str | None = Field(default=None, max_length=120)
    test: str | None = Field(default=None, min_length=1, max_length=500)
    result: str | None = Field(default=None, max_length=2000)

    _years = field_validator("date")(check_year)

    @model_validator(mode="after")
    def one_of(self) -> TestInput:
        if (self.due_id is None) == (self.test is None):
            raise ValueError("give either --for DUE_ID or --test TEXT")
        return self


class ListQuery(Input):
    kind: Literal["therapy", "relapse", "symptom", "test"] | None = None
    since: dt.date | None = None


M = TypeVar("M", bound=BaseModel)
OPTION_NAMES = {"due_id": "--for", "treated_with": "--treated-with", "name": "NAME"}


def parse(model: type[M], **values: object) -> M:
    """Build ``model`` from raw values, turning a validation error into one ``DiaryInputError`` line."""
    try:
        return model.model_validate(values)
    except ValidationError as err:
        raise DiaryInputError(describe(err, values)) from None


def describe(err: ValidationError, values: dict[str, object]) -> str:
    first = err.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    message = str(first["msg"]).removeprefix("Value error, ")
    if not field:
        return message
    option = OPTION_NAMES.get(field, "--" + field.replace("_", "-"))
    if first["type"].startswith("date"):
        message = "must be a real date as YYYY-MM-DD"
    return f"{option} {message}, got {values.get(field)!r}"
