"""Pages: the topic list and one topic article."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mscare.topics import UnknownTopic, find_topic
from mscare.web.common import error_page, page

router = APIRouter(include_in_schema=False)


@router.get("/topics", response_class=HTMLResponse)
def topics_page(request: Request) -> HTMLResponse:
    topics = sorted(request.app.state.topics.values(), key=lambda t: t.meta.title)
    return page(request, "topics.html", title="Topics", topics=topics)


@router.get("/topics/{slug}", response_class=HTMLResponse, response_model=None)
def topic_page(request: Request, slug: str) -> HTMLResponse | RedirectResponse:
    try:
        topic = find_topic(request.app.state.topics, slug)
    except UnknownTopic as err:
        return error_page(request, 404, err.message(), err.suggestions, base="/topics/")
    if slug.strip().lower() in topic.meta.aliases:  # the old address of a split or renamed article
        return RedirectResponse(f"/topics/{topic.slug}", status_code=301)
    sources = request.app.state.catalogue.sources_of(topic.cited())
    numbers = {s.id: i for i, s in enumerate(sources, 1)}
    return page(request, "topic.html", title=topic.meta.title, topic=topic, sources=sources, numbers=numbers,
                cite_env={},
                topics=request.app.state.topics)
