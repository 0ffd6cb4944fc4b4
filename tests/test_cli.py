"""The ``mscare`` command line, run for real through Click's test runner."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from mscare.catalogue import Catalogue
from mscare.topics import load_topics

README = Path(__file__).resolve().parents[1] / "README.md"

# The top-level commands the CLI promises (DESIGN.md, issue 4).
COMMANDS = ["build", "check", "therapies", "topics", "ask", "eval", "compare", "monitoring", "options",
            "relapse-check", "mitoxantrone-dose", "appointment", "serve", "trials"]

# Fields DESIGN.md names for a therapy record; the JSON output must carry all of them.
THERAPY_FIELDS = {"id", "generic_name", "brands", "category", "drug_class", "mechanism", "routes", "schedule",
                  "ms_types", "approvals", "efficacy", "boxed_warning", "key_risks", "monitoring", "pregnancy",
                  "last_reviewed", "sources"}


def run(runner: CliRunner, app: typer.Typer, *args: str):
    return runner.invoke(app, list(args))


def click_root(app: typer.Typer) -> typer.core.TyperGroup:
    """The Click group behind the Typer app (Typer ships its own copy of Click, so no click.Group check)."""
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    return root


def all_command_paths(app: typer.Typer) -> list[list[str]]:
    """Every command and subcommand as the words a user types after ``mscare``."""
    root = click_root(app)
    paths: list[list[str]] = []

    def walk(group: typer.core.TyperGroup, prefix: list[str]) -> None:
        for name, command in group.commands.items():
            paths.append([*prefix, name])
            if isinstance(command, typer.core.TyperGroup):
                walk(command, [*prefix, name])

    walk(root, [])
    return paths


# --- therapies ----------------------------------------------------------------------------------------


def test_therapies_list_json(runner: CliRunner, cli_app: typer.Typer, catalogue: Catalogue) -> None:
    result = run(runner, cli_app, "therapies", "list", "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert len(items) >= 55
    assert len(items) == len(catalogue.therapies)
    for item in items:
        assert THERAPY_FIELDS <= set(item), item["id"]
        assert item["source_details"], item["id"]
        assert {s["id"] for s in item["source_details"]} <= set(catalogue.sources)
    assert {"natalizumab", "ocrelizumab", "baclofen"} <= {i["id"] for i in items}


def test_therapies_list_by_category(runner: CliRunner, cli_app: typer.Typer, catalogue: Catalogue) -> None:
    result = run(runner, cli_app, "therapies", "list", "--category", "dmt", "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert {i["category"] for i in items} == {"dmt"}
    assert sorted(i["id"] for i in items) == sorted(t.id for t in catalogue.by_category("dmt"))
    assert "natalizumab" in {i["id"] for i in items}
    assert "baclofen" not in {i["id"] for i in items}


def test_therapies_list_as_text(runner: CliRunner, cli_app: typer.Typer, catalogue: Catalogue) -> None:
    result = run(runner, cli_app, "therapies", "list")
    assert result.exit_code == 0, result.output
    assert f"{len(catalogue.therapies)} therapies." in result.stdout
    assert "natalizumab" in result.stdout
    assert "not personal medical advice" in result.stdout


def test_therapies_list_rejects_an_unknown_category(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "therapies", "list", "--category", "vitamins")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown category 'vitamins'" in result.stderr
    assert "dmt" in result.stderr


def test_therapies_show_resolves_a_brand(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "therapies", "show", "tysabri", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["id"] == "natalizumab"
    assert "Tysabri" in record["brands"]
    assert THERAPY_FIELDS <= set(record)
    assert {s["id"] for s in record["source_details"]} >= set(record["sources"])


def test_therapies_show_text_names_the_therapy(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "therapies", "show", "Ocrevus")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ocrelizumab")


def test_therapies_show_unknown_exits_2_with_a_message(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "therapies", "show", "zzzz")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "No therapy called 'zzzz'" in result.stderr
    assert "mscare therapies list" in result.stderr


def test_therapies_show_near_miss_suggests(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "therapies", "show", "fumarate")
    assert result.exit_code == 2
    assert "Did you mean: " in result.stderr
    assert "dimethyl fumarate" in result.stderr


# --- topics -------------------------------------------------------------------------------------------


def test_topics_list_json(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "topics", "list", "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    topics, _ = load_topics(strict=False)
    assert sorted(i["slug"] for i in items) == sorted(topics)
    for item in items:
        assert set(item) == {"slug", "title", "audience", "summary"}
        assert item["audience"] in {"patient", "clinician", "all"}


def test_topics_show_json_has_sections_and_resolved_sources(
    runner: CliRunner, cli_app: typer.Typer, catalogue: Catalogue
) -> None:
    result = run(runner, cli_app, "topics", "show", "relapses", "--json")
    assert result.exit_code == 0, result.output
    topic = json.loads(result.stdout)
    assert topic["slug"] == "relapses"
    assert topic["sections"] and all(s["paragraphs"] for s in topic["sections"])
    cited = {i for s in topic["sections"] for p in s["paragraphs"] for i in p["sources"]}
    resolved = {s["id"] for s in topic["sources"]}
    assert cited and resolved == cited
    for source in topic["sources"]:
        assert source["url"].startswith("https://")
        assert source["title"] == catalogue.sources[source["id"]].title


def test_topics_show_text(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "topics", "show", "relapses")
    assert result.exit_code == 0, result.output
    assert "Sources:" in result.stdout
    assert "Last reviewed:" in result.stdout


def test_topics_show_unknown_slug_exits_2(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "topics", "show", "relapse")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "No topic called 'relapse'" in result.stderr
    assert "relapses" in result.stderr


# --- check --------------------------------------------------------------------------------------------


def test_check_exits_0_and_prints_the_readability_report(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "check")
    assert result.exit_code == 0, result.stderr
    assert "Readability (Flesch-Kincaid grade" in result.stdout
    topics, _ = load_topics(strict=False)
    for slug in topics:
        assert slug in result.stdout
    assert re.search(r"patient articles: mean grade \d+\.\d, max \d+\.\d", result.stdout)
    assert "OK: content is valid." in result.stdout


def test_check_json(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "check", "--json")
    report = json.loads(result.stdout)
    assert set(report) == {"ok", "therapies", "sources", "topics", "problems", "warnings", "readability", "tiers",
                           "duplicates"}
    assert report["duplicates"]["count"] == len(report["duplicates"]["pairs"]) < 15
    assert result.exit_code == (0 if report["ok"] else 1)
    assert report["ok"] == (report["problems"] == [])
    assert len(report["readability"]) == report["topics"]


# --- help and docs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMMANDS)
def test_every_promised_command_exists(cli_app: typer.Typer, name: str) -> None:
    assert name in click_root(cli_app).commands


def test_help_works_on_every_command(runner: CliRunner, cli_app: typer.Typer) -> None:
    paths = all_command_paths(cli_app)
    assert len(paths) >= 15
    for path in [[], *paths]:
        result = run(runner, cli_app, *path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.stdout, path
        if path:
            assert path[-1] in result.stdout, path


def test_the_installed_entry_point_lists_every_command(mscare_home: Path) -> None:
    # ``python -m mscare`` goes through ``mscare.cli.main``, which is what registers the optional command groups.
    result = subprocess.run([sys.executable, "-m", "mscare", "--help"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    listed = set(re.findall(r"^\s{1,4}([a-z][a-z-]+)\s", result.stdout, flags=re.M))
    assert sorted(set(COMMANDS) - listed) == []


def test_top_level_help_lists_the_commands(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "--help")
    for name in click_root(cli_app).commands:
        assert name in result.stdout


def test_every_cli_command_appears_in_the_readme(cli_app: typer.Typer) -> None:
    assert README.exists(), "README.md is missing"
    text = README.read_text(encoding="utf-8")
    names = sorted(set(COMMANDS) | set(click_root(cli_app).commands))
    missing = [n for n in names
               if not re.search(rf"mscare\s+{re.escape(n)}\b", text) and f"`{n}`" not in text]
    assert missing == []


def test_therapies_list_wraps_long_cells_and_uses_plain_words(runner, cli_app) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli_app, ["therapies", "list", "--category", "dmt"])
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout  # nothing is cut
    assert "disease-modifying" in result.stdout and "by mouth" in result.stdout
    assert "cladribine tablets (US)" in result.stdout  # the wrapped rest of a long brand cell


# --- safety fields and source tiers -------------------------------------------------------------------


def test_therapies_show_prints_contraindications_interactions_and_the_patient_guide(
    runner: CliRunner, cli_app: typer.Typer,
) -> None:
    result = run(runner, cli_app, "therapies", "show", "ampyra")
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", " ", result.stdout)
    assert "Who should not take it: - Any seizure in the past" in text
    assert "(creatinine clearance 50 mL/min or less) (US only) [dailymed-dalfampridine-er-label]" in text
    assert "(creatinine clearance below 80 mL/min) (EU and UK only) [ema-fampyra-epar]" in text
    assert "Other medicines and food: - Cimetidine and other OCT2 inhibitors:" in text
    for heading in ["How to take it:", "If you miss a dose:", "What to avoid:",
                    "When to call your MS team or get urgent help:", "How soon it works:"]:
        assert heading in text
    assert "Skip the missed dose" in text
    assert "Not yet verified: pregnancy: the US label's pregnancy summary was read in a copy" in text


def test_therapies_show_json_has_the_safety_fields_and_source_tiers(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "therapies", "show", "dalfampridine", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    seizures = record["contraindications"][0]
    assert seizures["text"].startswith("Any seizure in the past")
    assert seizures["regions"] == ["us", "eu", "uk"]
    assert [c["regions"] for c in record["contraindications"][1:3]] == [["us"], ["eu", "uk"]]
    assert record["interactions"][0]["agent"] == "Cimetidine and other OCT2 inhibitors"
    assert record["patient_guide"]["onset"].startswith("If it is going to help")
    assert record["vaccines"] is None
    tiers = {s["id"]: s["tier"] for s in record["source_details"]}
    assert tiers["dailymed-dalfampridine-er-label"] == 1
    assert tiers["mstrust-fampridine"] == 2
    assert tiers["formularywatch-dalfampridine-2010"] == 3


def test_sources_command_lists_tiers_and_filters(runner: CliRunner, cli_app: typer.Typer,
                                                 catalogue: Catalogue) -> None:
    everything = json.loads(run(runner, cli_app, "sources", "--json").stdout)
    assert len(everything) == len(catalogue.sources)
    assert {s["tier"] for s in everything} == {1, 2, 3}
    tier1 = json.loads(run(runner, cli_app, "sources", "--tier", "1", "--json").stdout)
    assert tier1 and all(s["tier"] == 1 for s in tier1)
    assert "fda-dalfampridine-label" in {s["id"] for s in tier1}
    table = run(runner, cli_app, "sources", "--tier", "3")
    assert table.exit_code == 0 and "formularywatch-dalfampridine-2010" in table.stdout
    bad = run(runner, cli_app, "sources", "--tier", "4")
    assert bad.exit_code == 2


def test_check_json_reports_tier_shares(runner: CliRunner, cli_app: typer.Typer) -> None:
    result = run(runner, cli_app, "check", "--json")
    body = json.loads(result.stdout)
    shares = body["tiers"]["shares"]
    assert set(shares) == {"1", "2", "3"}
    assert abs(sum(shares.values()) - 1) < 0.01
    assert body["tiers"]["tier3_max_share"] == 0.15
    assert body["tiers"]["citations"] > 1000
