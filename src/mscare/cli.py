"""The ``mscare`` command line: thin commands over the core, each with ``--json``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mscare.ask import QuestionError, answer
from mscare.catalogue import UnknownTherapy, default_catalogue
from mscare.check import run_check
from mscare.cli_common import CATEGORIES, JsonFlag, app, emit_json, fail, therapies_app, topics_app
from mscare.evaluation import EvalFileError, run_eval
from mscare.render import table, therapy_rows, therapy_view, wrap
from mscare.serialize import therapy_json, topic_json
from mscare.settings import DISCLAIMER
from mscare.store import build_index, open_store
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
        fail(err.message())
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
        fail(err.message())
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


@app.command("check")
def check(as_json: JsonFlag = False) -> None:
    """Validate all content: schema, citations, dates, readability. Exits 1 on any problem."""
    report = run_check()
    if as_json:
        emit_json({"ok": report.ok, "therapies": report.therapies, "sources": report.sources,
                   "topics": report.topics, "problems": report.problems, "warnings": report.warnings,
                   "readability": report.readability})
    else:
        typer.echo("Readability (Flesch-Kincaid grade; patient articles must be 10 or below):")
        rows = [[str(r["slug"]), str(r["audience"]), f"{r['grade']:.1f}"] for r in report.readability]
        typer.echo(table(["topic", "audience", "grade"], rows, max_col=50))
        grades = [float(str(r["grade"])) for r in report.readability if r["audience"] == "patient"]
        if grades:
            typer.echo(f"patient articles: mean grade {sum(grades) / len(grades):.1f}, max {max(grades):.1f}")
        typer.echo(f"\n{report.therapies} therapies, {report.sources} sources, {report.topics} topics.")
        for warning in report.warnings:
            typer.echo(f"warning: {warning}")
        for problem in report.problems:
            typer.echo(f"problem: {problem}", err=True)
        typer.echo("OK: content is valid." if report.ok else f"FAILED: {len(report.problems)} problems.")
    if not report.ok:
        raise typer.Exit(1)


@app.command("build")
def build(as_json: JsonFlag = False) -> None:
    """Build or rebuild the search index (also happens on first use)."""
    result = build_index()
    if as_json:
        emit_json(result)
    else:
        typer.echo(f"Index ready: {result['passages']} passages in {result['seconds']} s at {result['path']}")


@app.command("ask")
def ask(
    question: Annotated[str, typer.Argument(help="Your question in plain words (at most 1,000 characters).")],
    k: Annotated[int, typer.Option("--k", min=1, max=20, help="How many supporting passages to show.")] = 5,
    as_json: JsonFlag = False,
) -> None:
    """Ask a question. Example: mscare ask "How does natalizumab work?"""
    store = open_store()
    try:
        result = answer(question=question, store=store, k=k)
    except QuestionError as err:
        fail(str(err))
    finally:
        store.close()
    if as_json:
        emit_json(result.to_json())
        return
    if result.urgent:
        typer.echo("!! URGENT !!")
    typer.echo(wrap("", result.text).lstrip("\n"))
    if result.sources:
        typer.echo("\nSources:")
        for number, source in enumerate(result.sources, 1):
            typer.echo(f"  [{number}] {source['title']}. {source['publisher']}. {source['url']}")
    if result.related:
        typer.echo(f"\nRelated topics: {', '.join(result.related)} (mscare topics show SLUG)")


@app.command("eval")
def evaluate(
    path: Annotated[Path, typer.Argument(help="A JSONL question set, as in shared/eval/qa_dev.jsonl.")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show each failing item.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Run a question set and print pass rates by kind. Example: mscare eval qa_dev.jsonl"""
    store = open_store()
    try:
        report = run_eval(path, store=store)
    except EvalFileError as err:
        fail(str(err))
    finally:
        store.close()
    if as_json:
        emit_json({"rate": round(report.rate, 3), "by_kind": report.by_kind(),
                   "items": [{"id": i.id, "kind": i.kind, "passed": i.passed, "failures": i.failures}
                             for i in report.items]})
        return
    rows = [[kind, f"{v['passed']}/{v['total']}", f"{v['rate']:.0%}"] for kind, v in report.by_kind().items()]
    typer.echo(table(["kind", "passed", "rate"], rows))
    typer.echo(f"overall: {sum(i.passed for i in report.items)}/{len(report.items)} ({report.rate:.0%})")
    if verbose:
        for item in report.items:
            if not item.passed:
                typer.echo(f"\nFAIL {item.id} [{item.kind}]: {'; '.join(item.failures)}")
                typer.echo(f"    {item.answer['text'][:400]}")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 unless you need more.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Start the web app and API. Example: mscare serve --port 8000"""
    import uvicorn

    from mscare.app import create_app

    application = create_app()
    typer.echo(f"mscare is running at http://{host}:{port}/  (API docs: http://{host}:{port}/docs; Ctrl+C to stop)")
    uvicorn.run(application, host=host, port=port, log_level="warning")


def main() -> None:
    """Console entry point."""
    import mscare.cli_care  # noqa: F401  (registers the care-tool commands)
    import mscare.cli_trials  # noqa: F401  (registers the trials commands)

    try:
        app()
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)
