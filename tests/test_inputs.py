"""One input model per tool: the same bad input gives the same plain message in the CLI, the API and the page."""

from __future__ import annotations

import html
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from mscare.care.inputs import DoseQuery, MonitoringQuery
from mscare.inputs import BadInput, parse_input

MONITORING_CASES = [
    ({"start": "2026-02-30"}, "start: enter a real date as YYYY-MM-DD, for example 2026-01-15."),
    ({"start": "15/01/2026"}, "start: enter a real date as YYYY-MM-DD, for example 2026-01-15."),
    ({"start": "2026-01-15", "months": "twelve"}, "months: enter a whole number."),
    ({"start": "2026-01-15", "months": "500"}, "months: enter a number from 1 to 120."),
    ({"start": "2026-01-15", "region": "fr"}, "region: choose 'us', 'eu' or 'uk'."),
    ({"start": "1850-01-01"}, "start: enter a date between 1990 and 2100."),
]


def one_line(text: str) -> str:
    return text.strip().removeprefix("Error: ")


@pytest.mark.parametrize(("raw", "message"), MONITORING_CASES)
def test_the_model_owns_the_message(raw: dict[str, str], message: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_input(MonitoringQuery, raw)
    assert [p.message for p in err.value.problems] == [message]


@pytest.mark.parametrize(("raw", "message"), MONITORING_CASES)
def test_monitoring_bad_input_reads_the_same_in_cli_api_and_page(
        runner: CliRunner, cli_app: typer.Typer, api_client: Any, raw: dict[str, str], message: str) -> None:
    args = ["monitoring", "natalizumab"] + [part for key, value in raw.items() for part in (f"--{key}", value)]
    cli = runner.invoke(cli_app, args)
    assert cli.exit_code == 2 and one_line(cli.stderr) == message

    api = api_client.get("/api/monitoring/natalizumab", params=raw)
    assert api.status_code == 422
    assert [e["msg"] for e in api.json()["detail"]] == [message]

    page = api_client.get("/monitoring", params={"therapy": "natalizumab", **raw})
    assert page.status_code == 422
    field = message.split(":")[0]
    assert f'<a href="#{field}">{message}</a>' in html.unescape(page.text)  # the error summary links to the field
    assert "Please check your answers" in page.text.split("</title>")[0]


@pytest.mark.parametrize(("doses", "message"), [
    (["twelve"], "dose: enter a number."),
    (["-3"], "dose: enter each dose as a number of mg/m² above 0."),
    (["nan"], "dose: enter each dose as a number of mg/m² above 0."),
    (["900"], "dose: a single dose of 900 mg/m² is not plausible; check the number."),
])
def test_mitoxantrone_bad_doses_read_the_same_everywhere(
        runner: CliRunner, cli_app: typer.Typer, api_client: Any, doses: list[str], message: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_input(DoseQuery, {"dose": doses})
    assert str(err.value) == message
    cli = runner.invoke(cli_app, ["mitoxantrone-dose", *[p for d in doses for p in ("--dose", d)]])
    assert cli.exit_code == 2 and one_line(cli.stderr) == message
    api = api_client.get("/api/mitoxantrone-dose", params={"dose": doses})
    assert api.status_code == 422 and [e["msg"] for e in api.json()["detail"]] == [message]
    page = api_client.get("/mitoxantrone-dose", params={"doses": ", ".join(doses)})
    assert page.status_code == 422 and f'<a href="#dose">{message}</a>' in html.unescape(page.text)


@pytest.mark.parametrize(("cli_args", "params", "message"), [
    (["--symptoms", "legs weak", "--hours", "-2"], {"symptoms": "legs weak", "hours": "-2"},
     "hours: enter a number of hours from 0 to 8760 (a year)."),
    (["--symptoms", "legs weak", "--hours", "nan"], {"symptoms": "legs weak", "hours": "nan"},
     "hours: enter a number of hours from 0 to 8760 (a year)."),
    (["--symptoms", "legs weak", "--hours", "two"], {"symptoms": "legs weak", "hours": "two"},
     "hours: enter a number."),
])
def test_relapse_check_bad_input_reads_the_same_everywhere(runner: CliRunner, cli_app: typer.Typer, api_client: Any,
                                                            cli_args: list[str], params: dict[str, str],
                                                            message: str) -> None:
    cli = runner.invoke(cli_app, ["relapse-check", *cli_args])
    assert cli.exit_code == 2 and one_line(cli.stderr) == message
    api = api_client.get("/api/relapse-check", params=params)
    assert api.status_code == 422 and [e["msg"] for e in api.json()["detail"]] == [message]
    page = api_client.get("/relapse-check", params={**params, "submitted": "true"})
    assert page.status_code == 422 and f'<a href="#hours">{message}</a>' in html.unescape(page.text)


@pytest.mark.parametrize(("cli_args", "params", "field", "message"), [
    (["--ms-type", "relapsing"], {"ms_type": "relapsing"}, "ms_type",
     "ms_type: choose 'cis', 'rrms', 'active_spms', 'spms' or 'ppms'."),
    (["--ms-type", "rrms", "--age", "abc"], {"ms_type": "rrms", "age": "abc"}, "age", "age: enter a whole number."),
    (["--ms-type", "rrms", "--age", "300"], {"ms_type": "rrms", "age": "300"}, "age",
     "age: enter an age in years from 1 to 119."),
    (["--ms-type", "rrms", "--route", "patch"], {"ms_type": "rrms", "route": "patch"}, "route",
     "route: choose 'oral', 'injection' or 'infusion'."),
])
def test_options_bad_input_reads_the_same_everywhere(runner: CliRunner, cli_app: typer.Typer, api_client: Any,
                                                     cli_args: list[str], params: dict[str, str], field: str,
                                                     message: str) -> None:
    cli = runner.invoke(cli_app, ["options", *cli_args])
    assert cli.exit_code == 2 and one_line(cli.stderr) == message
    api = api_client.get("/api/options", params=params)
    assert api.status_code == 422 and [e["msg"] for e in api.json()["detail"]] == [message]
    page = api_client.get("/options", params=params)
    assert page.status_code == 422 and f'<a href="#{field}">{message}</a>' in html.unescape(page.text)


def test_compare_needs_two_to_five_names_in_every_face(runner: CliRunner, cli_app: typer.Typer,
                                                        api_client: Any) -> None:
    message = "names: give at least 2."
    cli = runner.invoke(cli_app, ["compare", "tysabri"])
    assert cli.exit_code == 2 and one_line(cli.stderr) == message
    api = api_client.get("/api/compare", params={"names": "tysabri"})
    assert api.status_code == 422 and [e["msg"] for e in api.json()["detail"]] == [message]
    page = api_client.get("/compare", params={"pick": ["tysabri", ""]})
    assert page.status_code == 422 and message in html.unescape(page.text)
    same = "names: name at least two different therapies to compare."
    assert one_line(runner.invoke(cli_app, ["compare", "tysabri", "natalizumab"]).stderr) == same
    assert api_client.get("/api/compare", params={"names": "tysabri,natalizumab"}).json()["detail"][0]["msg"] == same


def test_appointment_bad_start_reads_the_same_everywhere(runner: CliRunner, cli_app: typer.Typer,
                                                         api_client: Any) -> None:
    message = "start: enter a real date as YYYY-MM-DD, for example 2026-01-15."
    cli = runner.invoke(cli_app, ["appointment", "--therapy", "ocrevus", "--start", "2026-02-30"])
    assert cli.exit_code == 2 and one_line(cli.stderr) == message
    api = api_client.get("/api/appointment", params={"therapy": "ocrevus", "start": "2026-02-30"})
    assert api.status_code == 422 and [e["msg"] for e in api.json()["detail"]] == [message]
    page = api_client.get("/appointment", params={"therapy": "ocrevus", "start": "2026-02-30", "submitted": "true"})
    assert page.status_code == 422 and f'<a href="#start">{message}</a>' in html.unescape(page.text)
