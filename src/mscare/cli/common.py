"""Shared pieces of the command line: the Typer app, JSON output and clean errors."""

from __future__ import annotations

import json
from typing import Annotated, Any, NoReturn

import typer

from mscare.settings import DISCLAIMER

app = typer.Typer(
    no_args_is_help=True, add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
    help="mscare: an offline, cited guide to multiple sclerosis treatment and care. " + DISCLAIMER,
)
therapies_app = typer.Typer(no_args_is_help=True, help="Browse the therapy catalogue.")
topics_app = typer.Typer(no_args_is_help=True, help="Read the topic guides.")
app.add_typer(therapies_app, name="therapies")
app.add_typer(topics_app, name="topics")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
CATEGORIES = ["dmt", "relapse", "symptomatic", "off_label", "procedure"]


def emit_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error to stderr and exit (2 = bad input)."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)
