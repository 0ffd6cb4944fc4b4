"""API: topic articles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mscare.api.common import not_found
from mscare.serialize import topic_json
from mscare.topics import UnknownTopic, find_topic

router = APIRouter()


@router.get("/api/topics", tags=["topics"])
def list_topics(request: Request) -> list[dict[str, Any]]:
    return [{"slug": t.slug, "title": t.meta.title, "audience": t.meta.audience, "summary": t.meta.summary}
            for t in sorted(request.app.state.topics.values(), key=lambda t: t.meta.title)]


@router.get("/api/topics/{slug}", tags=["topics"], response_model=None)
def get_topic(request: Request, slug: str) -> dict[str, Any] | JSONResponse:
    try:
        topic = find_topic(request.app.state.topics, slug)
    except UnknownTopic as err:
        return not_found(err.message(), ["path", "slug"], err.suggestions)
    return topic_json(topic, request.app.state.catalogue)
