"""Commands: ask a question; evaluate the engine on a question set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mscare.ask import QuestionError, answer
from mscare.cli.common import JsonFlag, app, emit_json, fail
from mscare.evaluation import EvalFileError, run_eval
from mscare.render import table, wrap
from mscare.store import open_store


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
