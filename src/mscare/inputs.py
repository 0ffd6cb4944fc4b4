"""One input model per tool, shared by the CLI, the API and the pages, with one plain message per problem.

Each tool's pydantic model owns parsing, limits and wording; a face maps its raw input (options, query
parameters, form fields) onto the model with ``parse_input``. The same bad input then gives the same message
everywhere: ``"start: enter a real date as YYYY-MM-DD, for example 2026-01-15."``. FastAPI's own validation
errors go through ``plain_message`` too, so the API's 422 bodies read the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

Model = TypeVar("Model", bound=BaseModel)


class ToolInput(BaseModel):
    """Base of every tool's input: unknown fields are refused and text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


@dataclass(frozen=True)
class InputProblem:
    field: str  # the field (query parameter, form field id, CLI option without "--")
    message: str  # the whole plain message, starting with the field


class BadInput(ValueError):
    """Input that does not fit a tool's model; ``problems`` holds one plain message per field."""

    def __init__(self, problems: list[InputProblem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _bounds(ctx: Mapping[str, Any]) -> str:
    low = ctx.get("ge", ctx.get("gt"))
    high = ctx.get("le", ctx.get("lt"))
    if low is not None and high is not None:
        return f"from {low} to {high}"
    if low is not None:
        return f"{'above' if 'gt' in ctx else 'of at least'} {low}"
    return f"{'below' if 'lt' in ctx else 'of at most'} {high}"


def plain_text(error: Mapping[str, Any]) -> str:
    """What a pydantic or FastAPI error means, in words a patient understands (without the field name)."""
    kind, ctx = str(error.get("type", "")), dict(error.get("ctx") or {})
    if kind == "missing":
        return "this is required."
    if kind.startswith("date") or kind.startswith("datetime"):
        return "enter a real date as YYYY-MM-DD, for example 2026-01-15."
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return "enter a whole number."
    if kind in {"float_parsing", "float_type", "finite_number"}:
        return "enter a number."
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return f"enter a number {_bounds(ctx)}."
    if kind == "literal_error":
        return f"choose {ctx.get('expected', 'one of the listed values')}."
    if kind == "string_too_long":
        return f"use at most {ctx.get('max_length')} characters."
    if kind == "string_too_short":
        return f"use at least {ctx.get('min_length')} characters."
    if kind == "too_long":
        return f"give at most {ctx.get('max_length')}."
    if kind == "too_short":
        return f"give at least {ctx.get('min_length')}."
    if kind in {"bool_parsing", "bool_type"}:
        return "answer true or false."
    if kind == "extra_forbidden":
        return "this is not something the tool asks for."
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, ").rstrip(".") + "."


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """The field a problem is about: the last named part of its location (query parameter or model field)."""
    names = [str(part) for part in loc if isinstance(part, str) and part not in {"query", "path", "body"}]
    return names[-1] if names else "input"


NAMED = re.compile(r"^[a-z_]+: ")  # a core message that already names its field ("today: enter a date ...")


def plain_message(error: Mapping[str, Any]) -> str:
    """``"months: enter a number from 1 to 120."``: the field, then what to do."""
    text = plain_text(error)
    field = field_name(list(error.get("loc", ())))
    return text if field == "input" and NAMED.match(text) else f"{field}: {text}"


def problems_of(err: ValidationError) -> list[InputProblem]:
    return [InputProblem(field_name(list(e["loc"])), plain_message(e)) for e in err.errors()]


def parse_input(model: type[Model], raw: Mapping[str, Any]) -> Model:
    """Build a tool's input from raw values (strings from a form or the command line); raise ``BadInput``."""
    present = {key: value for key, value in raw.items() if value is not None and value != ""}
    try:
        return model.model_validate(present)
    except ValidationError as err:
        raise BadInput(problems_of(err)) from None
