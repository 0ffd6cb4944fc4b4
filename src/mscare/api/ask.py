"""API: question answering."""

from __future__ import annotations

import os
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from mscare.api.common import Question, bad_request
from mscare.ask import QuestionError

router = APIRouter()
# The engine is pure Python and holds the GIL while it works: more threads than cores answering at once only
# adds contention, so answers run on at most this many threads per server process; other requests go on.
ENGINE_THREADS = max(1, min(2, os.cpu_count() or 1))
_limiter: anyio.CapacityLimiter | None = None


def engine_limiter() -> anyio.CapacityLimiter:
    """The process's limiter, made on first use (it needs a running event loop)."""
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(ENGINE_THREADS)
    return _limiter


@router.get("/api/ask", tags=["ask"], response_model=dict[str, Any])
async def ask(request: Request, q: Question, k: Annotated[int, Query(ge=1, le=20)] = 5) -> JSONResponse:
    """The same object as ``mscare ask --json``."""
    try:
        result = await anyio.to_thread.run_sync(request.app.state.answer, q.strip(), k, limiter=engine_limiter())
    except QuestionError as err:
        raise bad_request(str(err)) from err
    return JSONResponse(result.to_json())  # already plain JSON values: no second encoding pass
