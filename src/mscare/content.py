"""Reading packaged content files: where they are, YAML loading, and readable validation errors."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

CONTENT_DATE_FIELD = "last_reviewed"
DATE_LINE = re.compile(r"^\s*-?\s*([\w-]+):\s*(\d{4}-\d{1,2}-\d{1,2})\s*(?:#.*)?$", re.M)
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader is about 10 times faster


class ContentError(Exception):
    """Content that does not validate; ``problems`` lists one line per fault, naming file and field."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def content_dir() -> Path:
    """The packaged, read-only content folder."""
    return Path(str(resources.files("mscare") / "content"))


def relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_yaml(path: Path, root: Path) -> tuple[Any, list[str]]:
    """Parse one YAML file; on a syntax error return None and a message naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
        try:
            return yaml.load(text, Loader=FAST_LOADER), []  # noqa: S506 - a safe loader, in C where available
        except yaml.YAMLError:
            return yaml.safe_load(text), []  # the pure-Python loader words syntax errors the same way everywhere
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        return None, [f"{relative(path, root)}: not valid YAML: {err}".replace("\n", " ")]
    except ValueError as err:  # PyYAML builds dates itself: 2026-02-30 raises here
        return None, [f"{relative(path, root)}: {impossible_date(text, err)}"]


def impossible_date(text: str, err: ValueError) -> str:
    """Name the field holding a date that does not exist (``last_reviewed: 2026-02-30``)."""
    for key, value in DATE_LINE.findall(text):
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{key}: {value} is not a valid date ({err})"
    return f"not valid YAML: {err}"


def describe_errors(err: ValidationError, where: str) -> list[str]:
    """Turn a pydantic error into lines like ``therapies/x.yaml: monitoring[2].when: message``."""
    lines = []
    for item in err.errors():
        parts: list[str] = []
        for key in item["loc"]:
            if isinstance(key, int):
                parts.append(f"[{key}]")
            else:
                parts.append(("." if parts else "") + str(key))
        field = "".join(parts) or "(record)"
        message = item["msg"].removeprefix("Value error, ")
        got = item.get("input")
        shown = "" if isinstance(got, (dict, list)) or got is None else f" (got {got!r})"
        lines.append(f"{where}: {field}: {message}{shown}")
    return lines


def validate(model: type[BaseModel], raw: Any, where: str) -> tuple[Any, list[str]]:
    """Validate ``raw`` as ``model``; return the object or None and the problems found."""
    if not isinstance(raw, dict):
        return None, [f"{where}: expected a mapping of fields, got {type(raw).__name__}"]
    try:
        return model.model_validate(raw), []
    except ValidationError as err:
        return None, describe_errors(err, where)
