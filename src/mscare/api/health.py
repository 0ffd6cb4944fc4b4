"""API: health. 200 only when the server can answer from its index; 503 says what is wrong."""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mscare.api.common import error_items

router = APIRouter()


@router.get("/healthz", tags=["meta"], response_model=None)
def healthz(request: Request) -> dict[str, Any] | JSONResponse:
    """The server is up, its content is loaded and its search index answers a query."""
    snapshot = request.app.state.snapshot
    problem = snapshot.problem
    if problem is None:
        try:
            snapshot.store().db.execute("SELECT COUNT(*) FROM meta").fetchone()
        except sqlite3.Error as err:
            problem = f"the search index cannot answer ({err}); run 'mscare build' to rebuild it"
    if problem is not None:
        return JSONResponse(status_code=503, content={"status": "error", "detail": error_items(problem, [],
                                                                                                "index_unavailable")})
    return {"status": "ok", "index_version": snapshot.version, "therapies": len(snapshot.catalogue.therapies),
            "topics": len(snapshot.topics)}
