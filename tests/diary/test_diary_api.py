"""The diary API in local mode (one local owner, no log-in), on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mscare.app import create_app

RELAPSE = {"kind": "relapse", "date": "2026-11-01", "symptoms": "numb left hand"}


@pytest.fixture
def client(diary_url: str, web_index: Path, web_home: Path) -> Iterator[TestClient]:
    app = create_app(index=web_index, trials_db=web_home / "trials.sqlite", diary_url=diary_url)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    app.state.diary.close()


def test_post_returns_the_stored_entry_with_its_id(client: TestClient) -> None:
    response = client.post("/api/diary/entries", json=RELAPSE)
    assert response.status_code == 201
    entry = response.json()
    assert entry["id"].startswith("re-") and entry["symptoms"] == "numb left hand" and entry["date"] == "2026-11-01"
    assert client.get(f"/api/diary/entries/{entry['id']}").json() == entry
    assert client.get("/api/diary/entries").json()["entries"] == [entry]


def test_every_kind_can_be_added_and_listed_in_date_order(client: TestClient) -> None:
    bodies = [{"kind": "therapy", "name": "tysabri", "start": "2026-01-05"},
              {"kind": "symptom", "date": "2026-03-01", "symptom": "fatigue", "score": 6},
              {"kind": "test", "date": "2026-02-01", "test": "MRI brain", "result": "stable"}, RELAPSE]
    for body in bodies:
        assert client.post("/api/diary/entries", json=body).status_code == 201
    entries = client.get("/api/diary/entries").json()["entries"]
    assert [e["kind"] for e in entries] == ["therapy", "test", "symptom", "relapse"]
    assert entries[0]["name"] == "natalizumab"
    assert [e["kind"] for e in client.get("/api/diary/entries", params={"kind": "symptom"}).json()["entries"]] == \
        ["symptom"]


def test_the_api_and_the_cli_share_the_local_diary(client: TestClient, cli_app: Any, runner: CliRunner) -> None:
    entry = client.post("/api/diary/entries", json=RELAPSE).json()
    listed = runner.invoke(cli_app, ["diary", "list", "--json"])
    assert entry["id"] in listed.output


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "relapse", "date": "2026-02-30", "symptoms": "x"}, "date"),
    ({"kind": "symptom", "date": "2026-03-01", "symptom": "fatigue", "score": 11}, "score"),
    ({"kind": "holiday", "date": "2026-03-01"}, "kind"),
    ({"kind": "relapse", "date": "2026-03-01", "symptoms": "x", "colour": "red"}, "colour"),
])
def test_bad_bodies_are_422_in_fastapi_validation_shape(client: TestClient, body: dict[str, Any], field: str) -> None:
    response = client.post("/api/diary/entries", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail[0]["loc"][0] == "body" and field in str(detail[0]["loc"]) + str(detail)
    assert client.get("/api/diary/entries").json()["entries"] == []


def test_core_errors_are_422_in_the_same_shape(client: TestClient) -> None:
    response = client.post("/api/diary/entries", json={"kind": "therapy", "name": "notadrug", "start": "2026-01-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"] and "notadrug" in response.json()["detail"][0]["msg"]
    response = client.post("/api/diary/entries", json={"kind": "test", "date": "2026-01-01", "due_id": "nope"})
    assert response.status_code == 422 and "not a due item" in response.json()["detail"][0]["msg"]


def test_non_json_bodies_are_415(client: TestClient) -> None:
    response = client.post("/api/diary/entries", data={"kind": "relapse", "date": "2026-11-01", "symptoms": "x"})
    assert response.status_code == 415
    assert response.json()["detail"][0]["msg"] == "send a JSON body with Content-Type: application/json"
    response = client.post("/api/diary/import", content=b"{}", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_get_and_delete_an_unknown_entry_are_404(client: TestClient) -> None:
    assert client.get("/api/diary/entries/re-00000000").status_code == 404
    response = client.delete("/api/diary/entries/re-00000000")
    assert response.status_code == 404
    assert response.json()["detail"][0]["msg"] == "no diary entry with id 're-00000000'"


def test_delete_removes_the_entry(client: TestClient) -> None:
    entry = client.post("/api/diary/entries", json=RELAPSE).json()
    assert client.delete(f"/api/diary/entries/{entry['id']}").json() == {"deleted": entry["id"], "kind": "relapse"}
    assert client.get(f"/api/diary/entries/{entry['id']}").status_code == 404


def test_due_lists_tests_from_the_therapy_schedule(client: TestClient) -> None:
    client.post("/api/diary/entries", json={"kind": "therapy", "name": "natalizumab", "start": "2026-01-05"})
    report = client.get("/api/diary/due", params={"today": "2026-12-06"}).json()
    assert report["today"] == "2026-12-06" and report["due"]
    assert {item["therapy"] for item in report["due"]} == {"natalizumab"}
    due_id = report["due"][0]["id"]
    done = client.post("/api/diary/entries", json={"kind": "test", "date": "2026-12-06", "due_id": due_id})
    assert done.status_code == 201 and done.json()["due_id"] == due_id
    assert client.get("/api/diary/due", params={"today": "bad"}).status_code == 422


def test_export_json_imports_back_and_fhir_is_a_bundle(client: TestClient) -> None:
    client.post("/api/diary/entries", json=RELAPSE)
    exported = client.get("/api/diary/export", params={"format": "json"})
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    document = exported.json()
    assert document["format"] == "mscare-diary" and len(document["entries"]) == 1
    fhir = client.get("/api/diary/export", params={"format": "fhir"}).json()
    assert fhir["resourceType"] == "Bundle" and len(fhir["entry"]) == 3
    assert client.get("/api/diary/export", params={"format": "csv"}).status_code == 422
    assert client.post("/api/diary/import", json=document).json() == {"added": 0, "skipped": 1}
    client.delete(f"/api/diary/entries/{document['entries'][0]['id']}")
    assert client.post("/api/diary/import", json=document).json() == {"added": 1, "skipped": 0}
    bad = client.post("/api/diary/import", json={"format": "other", "entries": []})
    assert bad.status_code == 422 and "not an mscare diary export" in bad.json()["detail"][0]["msg"]


def test_accounts_routes_do_not_exist_in_local_mode(client: TestClient) -> None:
    assert client.post("/api/accounts", json={"username": "ann", "password": "a long password 1"}).status_code == 404
    assert client.post("/api/login", json={"username": "ann", "password": "a long password 1"}).status_code == 404


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_serving_beyond_loopback_without_accounts_refuses_to_start(cli_app: Any, runner: CliRunner, host: str) -> None:
    result = runner.invoke(cli_app, ["serve", "--host", host])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"--host {host}" in lines[0] and "--accounts" in lines[0]


def test_loopback_hosts_are_local() -> None:
    from mscare.cli.main import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "10.0.0.1", "::", "example.org"))


def test_put_changes_an_entry_in_place(client: TestClient) -> None:
    entry = client.post("/api/diary/entries", json=RELAPSE).json()
    changed = client.put(f"/api/diary/entries/{entry['id']}", json={**RELAPSE, "recovery": "full"})
    assert changed.status_code == 200 and changed.json()["id"] == entry["id"] and changed.json()["recovery"] == "full"
    other_kind = client.put(f"/api/diary/entries/{entry['id']}",
                            json={"kind": "symptom", "date": "2026-11-01", "symptom": "pain", "score": 2})
    assert other_kind.status_code == 422 and "is a relapse" in other_kind.json()["detail"][0]["msg"]
    assert client.put("/api/diary/entries/re-00000000", json=RELAPSE).status_code == 404
    assert client.put(f"/api/diary/entries/{entry['id']}", data=RELAPSE).status_code == 415


def test_an_unreachable_diary_database_is_503_not_a_traceback(web_index: Path, web_home: Path,
                                                               mscare_home: Path) -> None:
    app = create_app(index=web_index, trials_db=web_home / "trials.sqlite",
                     diary_url="postgresql://nobody@127.0.0.1:9/none?connect_timeout=2")
    with TestClient(app, raise_server_exceptions=False) as client:
        api = client.get("/api/diary/entries")
        page = client.get("/diary")
    message = api.json()["detail"][0]["msg"]
    assert api.status_code == 503 and message.startswith("cannot open the diary database")
    assert "\n" not in message and "Traceback" not in api.text
    assert page.status_code == 503 and "<h1" in page.text and "Traceback" not in page.text


def test_due_for_a_far_away_day_is_422_not_a_server_error(client: TestClient) -> None:
    # Found by the long schemathesis run: year 1 overflowed the schedule arithmetic.
    response = client.get("/api/diary/due", params={"today": "0001-01-01", "region": "uk"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "today: enter a date between 1990 and 2100."
