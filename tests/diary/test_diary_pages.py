"""The diary pages without a browser: forms post, CSRF is enforced, shared mode needs a log-in; both databases."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mscare.app import create_app

PASSWORD = "plum tree walking 42"


def make_client(diary_url: str, web_index: Path, web_home: Path, accounts: bool) -> tuple[Any, TestClient]:
    app = create_app(index=web_index, trials_db=web_home / "trials.sqlite", diary_url=diary_url, accounts=accounts)
    return app, TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def local(diary_url: str, web_index: Path, web_home: Path) -> Iterator[TestClient]:
    app, client = make_client(diary_url, web_index, web_home, accounts=False)
    yield client
    client.close()
    app.state.diary.close()


@pytest.fixture
def shared_app(diary_url: str, web_index: Path, web_home: Path) -> Iterator[Any]:
    app = create_app(index=web_index, trials_db=web_home / "trials.sqlite", diary_url=diary_url, accounts=True)
    yield app
    app.state.diary.close()


def csrf(client: TestClient, url: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def error_text(html: str) -> str:
    match = re.search(r'class="error" role="alert">([^<]*)<', html)
    return match.group(1) if match else ""


def sign_up(app: Any, name: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    token = csrf(client, "/diary/signup")
    created = client.post("/diary/signup", data={"username": name, "password": PASSWORD, "csrf_token": token},
                          follow_redirects=False)
    assert created.status_code == 303
    token = csrf(client, "/diary/login")
    logged = client.post("/diary/login", data={"username": name, "password": PASSWORD, "csrf_token": token,
                                               "next": "/diary"}, follow_redirects=False)
    assert logged.status_code == 303 and logged.headers["location"] == "/diary"
    return client


def test_a_form_adds_an_entry_shown_on_the_timeline(local: TestClient) -> None:
    token = csrf(local, "/diary/add")
    response = local.post("/diary/entries", data={"kind": "relapse", "date": "2026-11-01", "symptoms": "numb left hand",
                                                  "recovery": "partial", "csrf_token": token})
    assert response.status_code == 200 and "Saved." in response.text
    assert "Relapse: numb left hand (recovery: partial)" in response.text


def test_a_bad_form_is_422_with_the_field_named_and_the_values_kept(local: TestClient) -> None:
    token = csrf(local, "/diary/add")
    response = local.post("/diary/entries", data={"kind": "symptom", "date": "2026-11-01", "symptom": "fatigue",
                                                  "score": "12", "note": "after work", "csrf_token": token})
    assert response.status_code == 422
    assert error_text(response.text).startswith("Score:") and 'value="after work"' in response.text
    unknown = local.post("/diary/entries", data={"kind": "therapy", "name": "notadrug", "start": "2026-01-01",
                                                 "csrf_token": token})
    assert unknown.status_code == 422 and "notadrug" in error_text(unknown.text)


def test_posts_without_the_csrf_token_are_403(local: TestClient) -> None:
    assert local.post("/diary/entries", data={"kind": "relapse", "date": "2026-11-01", "symptoms": "x"}
                      ).status_code == 403
    assert local.post("/diary/entries", data={"kind": "relapse", "date": "2026-11-01", "symptoms": "x",
                                              "csrf_token": "forged"}).status_code == 403
    assert "empty" in local.get("/diary").text


def test_delete_and_stop_a_therapy_from_the_timeline(local: TestClient) -> None:
    token = csrf(local, "/diary/add")
    local.post("/diary/entries", data={"kind": "therapy", "name": "Tysabri", "start": "2026-01-05",
                                       "csrf_token": token})
    page = local.get("/diary").text
    assert "Therapy: natalizumab, from 2026-01-05 (current)" in page
    stopped = local.post("/diary/therapy/stop", data={"name": "natalizumab", "date": "2026-06-01",
                                                      "csrf_token": token})
    assert "Therapy: natalizumab, from 2026-01-05 to 2026-06-01" in stopped.text
    entry_id = re.search(r'id="entry-(th-[0-9a-f]{8})"', stopped.text).group(1)  # type: ignore[union-attr]
    assert local.post(f"/diary/entries/{entry_id}/delete", data={}).status_code == 403
    assert "Deleted." in local.post(f"/diary/entries/{entry_id}/delete", data={"csrf_token": token}).text
    assert local.post(f"/diary/entries/{entry_id}/delete", data={"csrf_token": token}).status_code == 404


def test_chart_due_summary_and_downloads(local: TestClient) -> None:
    token = csrf(local, "/diary/add")
    today = re.search(r'id="symptom-date" name="date" type="date" required value="([0-9-]+)"',
                      local.get("/diary/add").text).group(1)  # type: ignore[union-attr]
    local.post("/diary/entries", data={"kind": "symptom", "date": today, "symptom": "fatigue", "score": "6",
                                       "csrf_token": token})
    local.post("/diary/entries", data={"kind": "therapy", "name": "natalizumab", "start": today, "csrf_token": token})
    chart = local.get("/diary/chart").text
    assert "<svg" in chart and "Fatigue scores as a table" in chart and "<td>6</td>" in chart
    due = local.get("/diary/due")
    assert due.status_code == 200 and "natalizumab" in due.text
    ics = local.get("/diary/due.ics")
    assert ics.headers["content-type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content
    summary = local.get("/diary/summary").text
    assert "summary for my appointment" in summary and "Questions:" in summary
    exported = local.get("/diary/export.json")
    assert "attachment" in exported.headers["content-disposition"] and len(exported.json()["entries"]) == 2
    assert local.get("/diary/export.fhir.json").json()["resourceType"] == "Bundle"


def test_import_from_the_page(local: TestClient) -> None:
    token = csrf(local, "/diary/export")
    document = {"format": "mscare-diary", "version": 1, "entries": [
        {"id": "re-0000abcd", "kind": "relapse", "date": "2026-02-01", "symptoms": "blurred eye",
         "recovery": "full", "recorded_at": "2026-02-02T10:00:00"}]}
    upload = {"file": ("diary.json", json.dumps(document).encode(), "application/json")}
    response = local.post("/diary/import", data={"csrf_token": token}, files=upload)
    assert response.status_code == 200 and "Imported 1 entries (0 were already in your diary)" in response.text
    bad = local.post("/diary/import", data={"csrf_token": token}, files={"file": ("x.json", b"nope", "text/plain")})
    assert bad.status_code == 422 and "not JSON" in error_text(bad.text)
    assert local.post("/diary/import", files=upload).status_code == 403


def test_account_pages_are_404_in_local_mode(local: TestClient) -> None:
    assert local.get("/diary/signup").status_code == 404
    assert local.get("/diary/login").status_code == 404


def test_shared_mode_pages_need_a_log_in(shared_app: Any) -> None:
    client = TestClient(shared_app, raise_server_exceptions=False)
    for url in ("/diary", "/diary/add", "/diary/chart", "/diary/due", "/diary/summary", "/diary/export",
                "/diary/export.json", "/diary/account"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/diary/login"), url
    assert client.post("/diary/entries", data={"kind": "relapse", "date": "2026-11-01", "symptoms": "x"}
                       ).status_code == 403


def test_shared_mode_forms_need_the_sessions_own_token(shared_app: Any) -> None:
    ann, bob = sign_up(shared_app, "ann"), sign_up(shared_app, "bob")
    ann_token, bob_token = csrf(ann, "/diary/add"), csrf(bob, "/diary/add")
    assert ann_token != bob_token
    body = {"kind": "relapse", "date": "2026-11-01", "symptoms": "ann's relapse"}
    assert ann.post("/diary/entries", data=body).status_code == 403
    assert ann.post("/diary/entries", data={**body, "csrf_token": bob_token}).status_code == 403
    assert "ann&#39;s relapse" in ann.post("/diary/entries", data={**body, "csrf_token": ann_token}).text
    assert "ann&#39;s relapse" not in bob.get("/diary").text
    assert bob.get("/diary/export.json").json()["entries"] == []


def test_sign_up_and_log_in_errors_on_the_pages(shared_app: Any) -> None:
    client = TestClient(shared_app, raise_server_exceptions=False)
    token = csrf(client, "/diary/signup")
    short = client.post("/diary/signup", data={"username": "ann", "password": "short", "csrf_token": token})
    assert short.status_code == 422 and "at least 12 characters" in error_text(short.text)
    assert client.post("/diary/signup", data={"username": "ann", "password": PASSWORD}).status_code == 403
    sign_up(shared_app, "ann")
    taken = client.post("/diary/signup", data={"username": "ann", "password": PASSWORD, "csrf_token": token})
    assert taken.status_code == 422 and "taken" in error_text(taken.text)
    wrong = client.post("/diary/login", data={"username": "ann", "password": "wrong password!", "csrf_token": token})
    assert wrong.status_code == 401 and error_text(wrong.text) == "Wrong user name or password."
    away = client.post("/diary/login", data={"username": "ann", "password": PASSWORD, "csrf_token": token,
                                             "next": "https://evil.example/"}, follow_redirects=False)
    assert away.headers["location"] == "/diary"


def test_log_out_and_delete_the_account_from_the_pages(shared_app: Any) -> None:
    ann = sign_up(shared_app, "ann")
    token = csrf(ann, "/diary/add")
    ann.post("/diary/entries", data={"kind": "relapse", "date": "2026-11-01", "symptoms": "x", "csrf_token": token})
    account = ann.get("/diary/account").text
    assert 'href="/diary/export.json"' in account  # export is offered before deletion
    wrong = ann.post("/diary/account/delete", data={"password": "not my password", "csrf_token": token})
    assert wrong.status_code == 401
    gone = ann.post("/diary/account/delete", data={"password": PASSWORD, "csrf_token": token})
    assert "Your account and your diary were deleted." in gone.text
    assert ann.get("/diary", follow_redirects=False).status_code == 303
    bob = sign_up(shared_app, "bob")
    out = bob.post("/diary/logout", data={"csrf_token": csrf(bob, "/diary")}, follow_redirects=False)
    assert out.status_code == 303 and bob.get("/diary", follow_redirects=False).status_code == 303


def test_change_an_entry_from_the_timeline(local: TestClient) -> None:
    token = csrf(local, "/diary/add")
    local.post("/diary/entries", data={"kind": "symptom", "date": "2026-11-01", "symptom": "fatigue", "score": "5",
                                       "note": "hot week", "csrf_token": token})
    timeline = local.get("/diary").text
    entry_id = re.search(r'href="/diary/entries/(sy-[0-9a-f]{8})/edit"', timeline).group(1)  # type: ignore[union-attr]
    form = local.get(f"/diary/entries/{entry_id}/edit").text
    assert 'value="hot week"' in form and 'value="5"' in form and 'value="2026-11-01"' in form
    body = {"kind": "symptom", "date": "2026-11-02", "symptom": "pain", "score": "3", "csrf_token": token}
    assert local.post(f"/diary/entries/{entry_id}/edit", data={**body, "csrf_token": ""}).status_code == 403
    bad = local.post(f"/diary/entries/{entry_id}/edit", data={**body, "score": "-1"})
    assert bad.status_code == 422 and error_text(bad.text).startswith("Score:")
    changed = local.post(f"/diary/entries/{entry_id}/edit", data=body)
    assert "Pain: 3 out of 10" in changed.text and "Fatigue" not in changed.text
    assert local.get("/diary/entries/sy-00000000/edit").status_code == 404
