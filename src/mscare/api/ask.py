"""API: question answering."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from mscare.api.common import Question, bad_request
from mscare.ask import QuestionError

router = APIRouter()


@router.get("/api/ask", tags=["ask"])
def ask(request: Request, q: Question, k: Annotated[int, Query(ge=1, le=20)] = 5) -> dict[str, Any]:
    """The same object as ``mscare ask --json``."""
    try:
        result = request.app.state.answer(q.strip(), k)
    except QuestionError as err:
        raise bad_request(str(err)) from err
    return result.to_json()
