"""JSON shapes shared by the CLI ``--json`` output and the API."""

from __future__ import annotations

from typing import Any

from mscare.catalogue import Catalogue
from mscare.models import Source, Therapy
from mscare.sources import source_tier
from mscare.topics import Topic


def source_json(source: Source) -> dict[str, Any]:
    """A registry entry plus its tier (1 regulator or guideline, 2 paper or society, 3 other)."""
    return {**source.model_dump(mode="json"), "tier": source_tier(source)}


def therapy_json(therapy: Therapy, catalogue: Catalogue) -> dict[str, Any]:
    """The record's own fields plus its resolved sources under ``source_details``."""
    data = therapy.model_dump(mode="json")
    data["source_details"] = [source_json(s) for s in catalogue.sources_of(sorted(therapy.cited()))]
    return data


def topic_json(topic: Topic, catalogue: Catalogue) -> dict[str, Any]:
    """An article's front matter, its sections with paragraph text, and resolved sources."""
    return {
        **topic.meta.model_dump(mode="json"),
        "sections": [
            {"title": s.title,
             "paragraphs": [{"text": p.text, "sources": p.sources} for p in s.paragraphs]}
            for s in topic.sections
        ],
        "sources": [source_json(s) for s in catalogue.sources_of(topic.cited())],
    }
