"""API: the therapy catalogue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mscare.api.common import bad_request, unknown_therapy
from mscare.catalogue import UnknownTherapy
from mscare.cli.common import CATEGORIES
from mscare.serialize import therapy_json

router = APIRouter()


@router.get("/api/therapies", tags=["catalogue"])
def list_therapies(request: Request, category: str | None = None) -> list[dict[str, Any]]:
    """Every therapy, optionally of one category."""
    if category is not None and category not in CATEGORIES:
        raise bad_request(f"unknown category {category!r}; choose one of: {', '.join(CATEGORIES)}", "category")
    catalogue = request.app.state.catalogue
    return [therapy_json(t, catalogue) for t in catalogue.by_category(category)]


@router.get("/api/therapies/{name}", tags=["catalogue"], response_model=None)
def get_therapy(request: Request, name: str) -> dict[str, Any] | JSONResponse:
    """One therapy by id, generic name, brand, abbreviation or a near miss."""
    catalogue = request.app.state.catalogue
    try:
        return therapy_json(catalogue.lookup(name), catalogue)
    except UnknownTherapy as err:
        return unknown_therapy(err, ["path", "name"])
