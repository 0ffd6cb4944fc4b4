"""The ``mscare`` command line: thin commands over the core, each with ``--json``."""

from __future__ import annotations

import importlib
import ipaddress
import os
import socket
import sqlite3
import sys
from typing import Annotated

import typer

try:  # typer 0.2x carries its own copy of click; older typer uses click itself
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors  # type: ignore[no-redef]

from mscare.cli.common import JsonFlag, app, emit_json, fail

# The module that defines each top-level command: a run imports only the one it needs (``--help`` imports all).
COMMAND_MODULES = {"ask": "ask", "eval": "ask", "appointment": "care", "compare": "care",
                   "mitoxantrone-dose": "care", "monitoring": "care", "options": "care", "relapse-check": "care",
                   "sources": "catalogue", "therapies": "catalogue", "topics": "catalogue", "diary": "diary",
                   "trials": "trials", "build": None, "check": None, "serve": None}


@app.command("check")
def check(as_json: JsonFlag = False) -> None:
    """Validate all content: schema, citations, dates, readability. Exits 1 on any problem."""
    from mscare.check import run_check
    from mscare.render import table

    report = run_check()
    if as_json:
        emit_json({"ok": report.ok, "therapies": report.therapies, "sources": report.sources,
                   "topics": report.topics, "problems": report.problems, "warnings": report.warnings,
                   "readability": report.readability,
                   "tiers": {"citations": report.citations, "tier3_max_share": report.tier3_max_share,
                             "shares": {str(k): round(v, 3) for k, v in report.tier_shares.items()}},
                   "duplicates": {"count": len(report.duplicates), "pairs": report.duplicates}})
    else:
        typer.echo("Readability (Flesch-Kincaid grade; patient articles must be 10 or below):")
        rows = [[str(r["slug"]), str(r["audience"]), f"{r['grade']:.1f}"] for r in report.readability]
        typer.echo(table(["topic", "audience", "grade"], rows, max_col=50))
        grades = [float(str(r["grade"])) for r in report.readability if r["audience"] == "patient"]
        if grades:
            typer.echo(f"patient articles: mean grade {sum(grades) / len(grades):.1f}, max {max(grades):.1f}")
        typer.echo(f"\nNear-identical sentences across articles: {len(report.duplicates)} pairs (must be under 15)")
        for pair in report.duplicates:
            first, second = pair["first"], pair["second"]
            assert isinstance(first, dict) and isinstance(second, dict)
            typer.echo(f"  {first['slug']} / {second['slug']} ({pair['similarity']}): {str(first['sentence'])[:90]}")
        typer.echo(f"\n{report.therapies} therapies, {report.sources} sources, {report.topics} topics.")
        shares = ", ".join(f"tier {k} {v:.0%}" for k, v in report.tier_shares.items())
        typer.echo(f"Therapy citations by source tier ({report.citations}): {shares} "
                   f"(tier 3 at most {report.tier3_max_share:.0%}).")
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
    from mscare.store import build_index

    result = build_index()
    if as_json:
        emit_json(result)
    else:
        typer.echo(f"Index ready: {result['passages']} passages in {result['seconds']} s at {result['path']}")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 unless you need more.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes sharing the read-only index; "
                                                              "use the number of CPU cores.")] = 1,
    accounts: Annotated[bool, typer.Option(
        "--accounts", help="Shared mode: sign-up and log-in, one private diary per account. Needed on any "
                           "non-loopback host.")] = False,
) -> None:
    """Start the web app and API. Example: mscare serve --port 8000 --workers 2"""
    import uvicorn

    from mscare.app import create_app
    from mscare.store import open_store

    if not accounts and not is_loopback(host):
        fail(f"--host {host} lets other people reach the diary; serve it with --accounts (shared mode, with log-in) "
             "or keep --host 127.0.0.1")
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        fail(f"--host: {host!r} is not a valid host name or address")

    mode = "shared mode: people sign up at /diary/signup" if accounts else "local mode: one diary, no log-in"
    typer.echo(f"mscare is running at http://{host}:{port}/  ({mode}; API docs: http://{host}:{port}/docs; "
               "Ctrl+C to stop)")
    if workers == 1:
        uvicorn.run(create_app(host=host, accounts=accounts), host=host, port=port, log_level="warning")
        return
    open_store().close()  # build a missing or stale index once, before the workers open it read-only
    os.environ["MSCARE_SERVE_HOST"] = host  # each worker process builds its app for the same host and mode
    os.environ["MSCARE_ACCOUNTS"] = "1" if accounts else "0"
    uvicorn.run("mscare.app:create_served_app", factory=True, workers=workers, host=host, port=port,
                log_level="warning")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this computer (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def register_commands(argv: list[str] | None = None) -> None:
    """Import the command modules so their commands join ``app``: only the one that ``argv`` runs, when known."""
    wanted = COMMAND_MODULES.get(argv[0], "") if argv else ""
    names = ["ask", "care", "catalogue", "diary", "trials"] if wanted == "" else [wanted] if wanted else []
    for name in names:
        importlib.import_module(f"mscare.cli.{name}")


def main() -> None:
    """Console entry point: every error is one ``Error:`` line on stderr; bad input exits 2."""
    register_commands(sys.argv[1:])
    sys.exit(run(sys.argv[1:]))


def run(args: list[str]) -> int:
    """Run the command line on ``args`` and return the exit status, turning every error into one line."""
    try:
        result = app(args=args, prog_name="mscare", standalone_mode=False)
    except click_errors.NoArgsIsHelpError as err:
        typer.echo(err.ctx.get_help())
        return 0
    except click_errors.UsageError as err:  # click's default is a three-line usage block; one line is enough
        hint = f" (see '{err.ctx.command_path} --help')" if err.ctx else ""
        return one_line(err.format_message() + hint)
    except click_errors.ClickException as err:
        return one_line(err.format_message(), err.exit_code)
    except typer.Abort:
        return one_line("no answer given (the input ended); nothing was checked")
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        return 130
    except Exception as err:  # noqa: BLE001 - only the kinds below are turned into one line
        return one_error_line(err)
    return result if isinstance(result, int) else 0


def one_error_line(err: Exception) -> int:
    """Known failures (a broken index, a data folder that cannot be written, bad nesting) as one line; else raise."""
    from mscare.settings import data_home
    from mscare.store import IndexUnavailable

    if isinstance(err, IndexUnavailable):
        return one_line(str(err))
    if isinstance(err, OSError):  # a read-only or full data folder, a missing device
        where = f" {err.filename}" if err.filename else ""
        return one_line(f"cannot use{where}: {err.strerror or err}")
    if isinstance(err, sqlite3.Error):
        return one_line(f"a database in {data_home()} could not be used ({err})")
    if isinstance(err, RecursionError):
        return one_line("the input is nested too deeply to read")
    raise err


def one_line(message: str, code: int = 2) -> int:
    typer.echo("Error: " + " ".join(message.split()), err=True)
    return code
