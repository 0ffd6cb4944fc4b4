"""API: liveness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

router = APIRouter()


@router.get("/healthz", tags=["meta"])
def healthz(request: Request) -> dict[str, Any]:
    """Liveness: the server is up and its content is loaded."""
    state = request.app.state
    return {"status": "ok", "therapies": len(state.catalogue.therapies), "topics": len(state.topics)}
