"""API: the source registry, each source with its tier."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from mscare.serialize import source_json

router = APIRouter()


@router.get("/api/sources", tags=["catalogue"])
def list_sources(
    request: Request, tier: Annotated[int | None, Query(ge=1, le=3, description="Only sources of this tier.")] = None,
) -> list[dict[str, Any]]:
    """Every source in the registry with its tier: 1 regulator label or guideline, 2 paper or society, 3 other."""
    items = [source_json(s) for s in sorted(request.app.state.catalogue.sources.values(), key=lambda s: s.id)]
    return [s for s in items if tier in (None, s["tier"])]
