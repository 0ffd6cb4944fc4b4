"""Commands: browse therapies and topics."""

from __future__ import annotations

from typing import Annotated

import typer

from mscare.catalogue import UnknownTherapy, default_catalogue
from mscare.cli.common import CATEGORIES, JsonFlag, app, emit_json, fail, therapies_app, topics_app
from mscare.render import table, therapy_rows, therapy_view, wrap
from mscare.serialize import source_json, therapy_json, topic_json
from mscare.settings import DISCLAIMER
from mscare.topics import UnknownTopic, default_topics, find_topic


@therapies_app.command("list")
def therapies_list(
    category: Annotated[str | None, typer.Option(help=f"One of: {', '.join(CATEGORIES)}.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List therapies. Example: mscare therapies list --category dmt"""
    if category is not None and category not in CATEGORIES:
        fail(f"unknown category {category!r}; choose one of: {', '.join(CATEGORIES)}")
    catalogue = default_catalogue()
    items = catalogue.by_category(category)
    if as_json:
        emit_json([therapy_json(t, catalogue) for t in items])
    else:
        typer.echo(therapy_rows(items))
        typer.echo(f"\n{len(items)} therapies. {DISCLAIMER}")


@therapies_app.command("show")
def therapies_show(
    name: Annotated[str, typer.Argument(help="Id, generic name, brand, abbreviation or a near miss.")],
    as_json: JsonFlag = False,
) -> None:
    """Show one therapy. Example: mscare therapies show tysabri"""
    catalogue = default_catalogue()
    try:
        therapy = catalogue.lookup(name)
    except UnknownTherapy as err:
        fail(err.cli_message())
    if as_json:
        emit_json(therapy_json(therapy, catalogue))
    else:
        typer.echo(therapy_view(therapy, catalogue))
        typer.echo(f"\n{DISCLAIMER}")


@topics_app.command("list")
def topics_list(as_json: JsonFlag = False) -> None:
    """List the topic guides. Example: mscare topics list"""
    topics = sorted(default_topics().values(), key=lambda t: t.meta.title)
    if as_json:
        emit_json([{"slug": t.slug, "title": t.meta.title, "audience": t.meta.audience,
                    "summary": t.meta.summary} for t in topics])
    else:
        typer.echo(table(["slug", "title", "audience"], [[t.slug, t.meta.title, t.meta.audience] for t in topics],
                         max_col=50))


@topics_app.command("show")
def topics_show(
    slug: Annotated[str, typer.Argument(help="The topic's slug, e.g. relapses.")],
    as_json: JsonFlag = False,
) -> None:
    """Show one topic guide with its sources. Example: mscare topics show relapses"""
    try:
        topic = find_topic(default_topics(), slug)
    except UnknownTopic as err:
        fail(err.cli_message())
    catalogue = default_catalogue()
    if as_json:
        emit_json(topic_json(topic, catalogue))
        return
    typer.echo(f"{topic.meta.title}\n{'=' * len(topic.meta.title)}\n")
    for section in topic.sections:
        if section.title:
            typer.echo(f"## {section.title}\n")
        for para in section.paragraphs:
            marks = " ".join(f"[{i}]" for i in para.sources)
            typer.echo(wrap("", f"{para.text} {marks}".strip()).lstrip("\n") + "\n")
    typer.echo("Sources:")
    for source in catalogue.sources_of(topic.cited()):
        typer.echo(f"  [{source.id}] {source.title}. {source.publisher}. {source.url}")
    typer.echo(f"\nLast reviewed: {topic.meta.last_reviewed}")


@app.command("sources")
def sources_list(
    tier: Annotated[int | None, typer.Option(min=1, max=3, help="Only sources of this tier (1, 2 or 3).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List the source registry with each source's tier. Example: mscare sources --tier 1"""
    items = [source_json(s) for s in sorted(default_catalogue().sources.values(), key=lambda s: s.id)]
    items = [s for s in items if tier in (None, s["tier"])]
    if as_json:
        emit_json(items)
        return
    typer.echo(table(["id", "tier", "kind", "publisher"],
                     [[s["id"], str(s["tier"]), s["kind"], s["publisher"]] for s in items], max_col=48))
    typer.echo("\nTier 1: regulator label or official guideline; 2: peer-reviewed paper, MS society or health "
               f"service; 3: other. {len(items)} sources.")
