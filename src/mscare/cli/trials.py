"""Clinical-trial commands: ``mscare trials import | search | screen``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mscare.cli.common import JsonFlag, app, emit_json, fail
from mscare.inputs import BadInput, parse_input
from mscare.render import wrap
from mscare.settings import DISCLAIMER
from mscare.trials import (
    TrialHit,
    TrialInputError,
    UnknownTrial,
    default_trials_path,
    import_trials,
    screen,
    search_trials,
)
from mscare.trials.inputs import ScreenQuery, TrialSearchQuery

trials_app = typer.Typer(no_args_is_help=True, help="Import, search and pre-screen ClinicalTrials.gov trials.")
app.add_typer(trials_app, name="trials")
VERDICT_WORDS = {"may_qualify": "You may qualify", "likely_not": "You are likely not eligible",
                 "cant_tell": "Can't tell from the listed criteria"}
EFFECT_MARKS = {"fits": "[fits]", "against": "[against]", "unclear": "[unclear]", "note": "[note]"}


def progress_to_stderr(message: str) -> None:
    typer.echo(message, err=True)


@trials_app.command("import")
def import_cmd(
    path: Annotated[str, typer.Argument(help="A ClinicalTrials.gov API v2 JSON file, or a folder of them.")],
    include_all: Annotated[bool, typer.Option("--all", help="Also keep studies that are not about MS.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Import saved API v2 responses (exit 2 if any file had errors). Example: mscare trials import studies.json"""
    if not path.strip():
        fail("no file or folder given")
    try:
        result = import_trials(Path(path), db_path=default_trials_path(), include_all=include_all,
                               progress=progress_to_stderr)
    except TrialInputError as err:
        fail(str(err))
    if as_json:
        emit_json(result.to_json())
    else:
        typer.echo(f"Imported {result.imported} new, updated {result.updated}, skipped {result.skipped} not about MS"
                   f"{'' if include_all else ' (use --all to keep them)'}"
                   f"{f', skipped {result.older} older than the stored record' if result.older else ''}.")
        for note in result.notes:
            typer.echo(f"Note: {note}", err=True)
    for error in result.errors:
        typer.echo(f"Error: {error}", err=True)
    if result.errors:
        raise typer.Exit(2)


def hit_lines(hit: TrialHit) -> str:
    where = ""
    if hit.nearest_site and hit.distance_km is not None:
        site = hit.nearest_site
        place = ", ".join(p for p in (site.get("facility"), site.get("city"), site.get("country")) if p)
        where = f"\n    nearest site: {place} ({hit.distance_km:g} km)"
    return f"{hit.nct_id}  {hit.title}\n    {hit.summary}{where}\n    {hit.url}"


@trials_app.command("search")
def search_cmd(
    text: Annotated[str | None, typer.Argument(help="Words to look for, e.g. 'fatigue' or 'ozanimod'.")] = None,
    status: Annotated[str | None, typer.Option(help="e.g. recruiting, not_yet_recruiting, completed.")] = None,
    phase: Annotated[str | None, typer.Option(help="1, 2, 3, 4, early1, na, or 2/3.")] = None,
    near: Annotated[str | None, typer.Option(help="A city with a trial site, or LAT,LON.")] = None,
    within: Annotated[str | None, typer.Option(help="Only trials with a site within this many km of --near.")
                      ] = None,
    limit: Annotated[str, typer.Option(help="At most this many results (1-1000).")] = "50",
    as_json: JsonFlag = False,
) -> None:
    """Search imported trials. Example: mscare trials search fatigue --status recruiting --near Portland --within 50"""
    try:
        query = parse_input(TrialSearchQuery, {"q": text, "status": status, "phase": phase, "near": near,
                                               "within": within, "limit": limit})
        hits = search_trials(db_path=default_trials_path(), text=query.q, status=query.status, phase=query.phase,
                             near=query.near, within_km=query.within, limit=query.limit)
    except BadInput as err:
        fail(str(err))
    except TrialInputError as err:
        fail(str(err))
    if as_json:
        emit_json([h.to_json() for h in hits])
        return
    if not hits:
        hint = "" if default_trials_path().is_file() else " No trials imported yet: run 'mscare trials import PATH'."
        typer.echo(f"No matching trials.{hint}")
        return
    typer.echo("\n\n".join(hit_lines(h) for h in hits))
    typer.echo(f"\n{len(hits)} trials. Trial teams decide who can take part. {DISCLAIMER}")


@trials_app.command("screen")
def screen_cmd(
    nct_id: Annotated[str, typer.Argument(help="The trial's NCT id, e.g. NCT06408259.")],
    age: Annotated[str, typer.Option(help="Your age in years.")],
    sex: Annotated[str | None, typer.Option(help="F or M.")] = None,
    ms_type: Annotated[str | None, typer.Option(help="cis, rrms, active_spms, spms or ppms.")] = None,
    edss: Annotated[str | None, typer.Option(help="Your EDSS disability score, 0-10.")] = None,
    dmt: Annotated[list[str] | None, typer.Option(help="A treatment you take or took; repeat for more.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Pre-screen yourself for a trial. Example: mscare trials screen NCT06408259 --age 12 --ms-type rrms"""
    try:
        query = parse_input(ScreenQuery, {"age": age, "sex": sex, "ms_type": ms_type, "edss": edss, "dmt": dmt})
        result = screen(db_path=default_trials_path(), nct_id=nct_id, age=query.age, sex=query.sex,
                        ms_type=query.ms_type, edss=query.edss, dmts=list(query.dmt))
    except BadInput as err:
        fail(str(err))
    except UnknownTrial as err:
        fail(f"{err} Import it first: mscare trials import PATH")
    except TrialInputError as err:
        fail(str(err))
    if as_json:
        emit_json(result.to_json())
        return
    typer.echo(f"{result.nct_id}: {result.title}\n{result.url}\n")
    typer.echo(f"Verdict: {VERDICT_WORDS[result.verdict]}.\n")
    for reason in result.reasons:
        typer.echo(wrap(f"{EFFECT_MARKS[reason.effect]} {reason.finding}", f'"{reason.criterion}"'))
    if not result.reasons:
        typer.echo("No listed criterion could be checked against your answers.")
    typer.echo(wrap("\nNote:", result.note))
