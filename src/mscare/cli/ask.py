"""Commands: ask a question; evaluate the engine on a question set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mscare.ask import QuestionError, answer
from mscare.cli.common import JsonFlag, app, emit_json, fail
from mscare.evaluation import EvalFileError, EvalReport, resolve_split, run_eval
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


EVAL_DIR = Path("tests") / "fixtures" / "eval"


@app.command("eval")
def evaluate(
    sets: Annotated[list[str], typer.Argument(
        help="JSONL question sets (as in shared/eval/qa_dev.jsonl) or split names found in --dir "
             "(dev, test, triage_dev, triage_test, ...).")],
    folder: Annotated[Path, typer.Option("--dir", help="Where split names are looked up.")] = EVAL_DIR,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show each failing item.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Run question sets; print pass rates per set and per kind. Example: mscare eval dev test"""
    store = open_store()
    try:
        reports = [run_eval(resolve_split(name, folder), store=store) for name in sets]
    except EvalFileError as err:
        fail(str(err))
    finally:
        store.close()
    if as_json:
        first = reports[0]
        emit_json({"rate": round(first.rate, 3), "by_kind": first.by_kind(),
                   "splits": [r.summary() for r in reports],
                   "items": [{"split": r.name, "id": i.id, "kind": i.kind, "passed": i.passed,
                              "failures": i.failures} for r in reports for i in r.items]})
        return
    for report in reports:
        print_report(report, verbose=verbose)


def print_report(report: EvalReport, *, verbose: bool) -> None:
    summary = report.summary()
    rows = [[kind, f"{v['passed']}/{v['total']}", f"{v['rate']:.0%}"] for kind, v in report.by_kind().items()]
    typer.echo(f"== {report.name}")
    typer.echo(table(["kind", "passed", "rate"], rows))
    typer.echo(f"overall: {summary['passed']}/{summary['total']} ({report.rate:.0%}); "
               f"urgent flagged {summary['urgent_flagged']}/{summary['urgent_total']}; "
               f"false alarms {summary['false_alarms']}/{summary['not_urgent_total']}; "
               f"declines {summary['declines_right']}/{summary['declines_total']}; "
               f"false refusals {summary['false_refusals']}; median words {summary['median_words']}")
    if verbose:
        for item in report.items:
            if not item.passed:
                typer.echo(f"\nFAIL {item.id} [{item.kind}]: {'; '.join(item.failures)}")
                typer.echo(f"    {item.answer['text'][:400]}")
    typer.echo("")
