"""What every API route shares: error helpers and common parameter types."""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Query
from fastapi.responses import JSONResponse

from mscare.catalogue import UnknownTherapy
from mscare.settings import MAX_QUESTION_CHARS

Question = Annotated[str, Query(min_length=1, max_length=MAX_QUESTION_CHARS, description="The question.")]


def bad_request(message: str, status: int = 422) -> HTTPException:
    return HTTPException(status_code=status, detail=message)


def unknown_therapy(err: UnknownTherapy) -> JSONResponse:
    return JSONResponse(status_code=404, content={"detail": err.message(), "suggestions": err.suggestions})
