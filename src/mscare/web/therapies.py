"""Pages: the therapy list, one therapy, and the source registry."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mscare.catalogue import Catalogue, UnknownTherapy
from mscare.cli.common import CATEGORIES
from mscare.serialize import source_json
from mscare.sources import TIER_NAMES, filter_sources
from mscare.trials import trials_for_therapy
from mscare.web.common import error_page, page

router = APIRouter(include_in_schema=False)


def therapy_filter(catalogue: Catalogue, category: str, route: str, us: str, eu: str) -> list[Any]:
    items = catalogue.by_category(category or None)
    if route:
        items = [t for t in items if route in t.routes]
    if us:
        items = [t for t in items if t.approvals.us.status == us]
    if eu:
        items = [t for t in items if t.approvals.eu.status == eu]
    return items


@router.get("/therapies", response_class=HTMLResponse)
def therapies_page(request: Request, category: str = "", route: str = "", us: str = "", eu: str = "") -> HTMLResponse:
    catalogue = request.app.state.catalogue
    if category and category not in CATEGORIES:
        return error_page(request, 422, f"Unknown category {category!r}.")
    items = therapy_filter(catalogue, category, route, us, eu)
    routes = sorted({r for t in catalogue.therapies.values() for r in t.routes})
    return page(request, "therapies.html", title="Therapies", therapies=items, categories=CATEGORIES,
                routes=routes, statuses=["approved", "not_approved", "under_review", "withdrawn", "off_label"],
                selected={"category": category, "route": route, "us": us, "eu": eu})


@router.get("/therapies/{name}", response_class=HTMLResponse)
def therapy_page(request: Request, name: str) -> HTMLResponse:
    catalogue = request.app.state.catalogue
    try:
        therapy = catalogue.lookup(name)
    except UnknownTherapy as err:
        return error_page(request, 404, err.message(), err.suggestions)
    trials = linked_trials(request, therapy.id)
    sources = catalogue.sources_of(sorted(therapy.cited()))
    return page(request, "therapy.html", title=therapy.display_name, t=therapy, sources=sources,
                cite={s.id: number for number, s in enumerate(sources, 1)}, trials=trials)


def linked_trials(request: Request, therapy_id: str) -> list[Any]:
    if not request.app.state.trials_db.exists():
        return []
    return list(trials_for_therapy(db_path=request.app.state.trials_db, therapy_id=therapy_id))


SOURCES_PER_PAGE = 50


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, q: str = "", publisher: str = "", tier: str = "", page_number: int = 1
                 ) -> HTMLResponse:
    everything = [source_json(s) for s in sorted(request.app.state.catalogue.sources.values(),
                                                 key=lambda s: s.title.lower())]
    chosen_tier = int(tier) if tier in {"1", "2", "3"} else None
    found = filter_sources(everything, words=q[:200], publisher=publisher, tier=chosen_tier)
    pages = max(1, -(-len(found) // SOURCES_PER_PAGE))
    current = min(max(page_number, 1), pages)
    publishers = sorted({s["publisher"] for s in everything}, key=str.lower)
    return page(request, "sources.html", title="Source registry", sources=everything, tier_names=TIER_NAMES,
                found=found[(current - 1) * SOURCES_PER_PAGE: current * SOURCES_PER_PAGE], found_count=len(found),
                page_number=current, pages=pages, publishers=publishers,
                form={"q": q, "publisher": publisher, "tier": tier})
