"""The ``mscare`` command line: thin commands over the core, each with ``--json``."""

from __future__ import annotations

import ipaddress
import sys
from typing import Annotated

import typer

from mscare.check import run_check
from mscare.cli.common import JsonFlag, app, emit_json, fail
from mscare.render import table
from mscare.store import build_index


@app.command("check")
def check(as_json: JsonFlag = False) -> None:
    """Validate all content: schema, citations, dates, readability. Exits 1 on any problem."""
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
    result = build_index()
    if as_json:
        emit_json(result)
    else:
        typer.echo(f"Index ready: {result['passages']} passages in {result['seconds']} s at {result['path']}")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 unless you need more.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    accounts: Annotated[bool, typer.Option(
        "--accounts", help="Shared mode: sign-up and log-in, one private diary per account. Needed on any "
                           "non-loopback host.")] = False,
) -> None:
    """Start the web app and API. Example: mscare serve --port 8000"""
    import uvicorn

    from mscare.app import create_app

    if not accounts and not is_loopback(host):
        fail(f"--host {host} lets other people reach the diary; serve it with --accounts (shared mode, with log-in) "
             "or keep --host 127.0.0.1")
    application = create_app(accounts=accounts)
    mode = "shared mode: people sign up at /diary/signup" if accounts else "local mode: one diary, no log-in"
    typer.echo(f"mscare is running at http://{host}:{port}/  ({mode}; API docs: http://{host}:{port}/docs; "
               "Ctrl+C to stop)")
    uvicorn.run(application, host=host, port=port, log_level="warning")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this computer (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def register_commands() -> None:
    """Import every command module so its commands join ``app`` (one module per feature)."""
    from mscare.cli import ask, care, catalogue, diary, trials  # noqa: F401


def main() -> None:
    """Console entry point."""
    register_commands()

    try:
        app()
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)
