"""What every API route shares: the one error shape, error helpers and common parameter types.

Every 4xx and 5xx from the API has FastAPI's validation-error shape, ``{"detail": [{"loc", "msg", "type"}]}``;
a 404 for a name adds ``suggestions``. ``ERROR_RESPONSES`` documents it on every operation.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from mscare.catalogue import UnknownTherapy
from mscare.settings import MAX_QUESTION_CHARS

Question = Annotated[str, Query(min_length=1, max_length=MAX_QUESTION_CHARS, description="The question.")]
CLI_OPTION = re.compile(r"--([a-z]+(?:-[a-z]+)*)")


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(description="Where the problem is, e.g. [\"query\", \"start\"].")
    msg: str = Field(description="What is wrong, in words.")
    type: str = Field(description="A short code: value_error, not_found, http_error, server_error ...")


class ErrorBody(BaseModel):
    """The body of every API error."""

    detail: list[ErrorItem]
    suggestions: list[str] = Field(default_factory=list, description="Close names, for an unknown name.")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The request could not be read (for example a body that is not JSON)."},
    404: {"model": ErrorBody, "description": "Not found: an unknown name or id (with suggestions)."},
    415: {"model": ErrorBody, "description": "A body that is not JSON where JSON is required."},
    422: {"model": ErrorBody, "description": "The input is not valid."},
    503: {"model": ErrorBody, "description": "The search index or trials database cannot be read."},
}


def error_items(message: str, loc: list[str | int] | None = None, kind: str = "value_error") -> list[dict[str, Any]]:
    """One error in the shared shape; CLI option names in core messages become query parameter names."""
    text = CLI_OPTION.sub(lambda m: m.group(1).replace("-", "_"), message)
    return [{"loc": loc or [], "msg": text, "type": kind}]


def bad_request(message: str, field: str | None = None, status: int = 422) -> HTTPException:
    return HTTPException(status_code=status, detail=error_items(message, ["query", field] if field else ["query"]))


def not_found(message: str, loc: list[str | int], suggestions: list[str] | None = None) -> JSONResponse:
    content: dict[str, Any] = {"detail": error_items(message, loc, "not_found")}
    if suggestions is not None:
        content["suggestions"] = suggestions
    return JSONResponse(status_code=404, content=content)


def unknown_therapy(err: UnknownTherapy, loc: list[str | int] | None = None) -> JSONResponse:
    return not_found(err.message(), loc or ["query", "name"], err.suggestions)
