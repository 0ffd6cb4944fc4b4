"""Shared mode: accounts, sessions, the login rate limit and per-account diaries, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from mscare.app import create_app
from mscare.diary.db import open_diary

PASSWORD = "plum tree walking 42"
RELAPSE = {"kind": "relapse", "date": "2026-11-01", "symptoms": "numb left hand"}


@pytest.fixture
def shared_app(diary_url: str, web_index: Path, web_home: Path) -> Iterator[Any]:
    app = create_app(index=web_index, trials_db=web_home / "trials.sqlite", diary_url=diary_url, accounts=True)
    yield app
    app.state.diary.close()


@pytest.fixture
def new_client(shared_app: Any) -> Iterator[Callable[..., TestClient]]:
    """Clients of one shared server, each with its own cookie jar (one per person)."""
    clients: list[TestClient] = []

    def make(base_url: str = "http://testserver") -> TestClient:
        client = TestClient(shared_app, raise_server_exceptions=False, base_url=base_url)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def sign_up_and_log_in(client: TestClient, name: str) -> None:
    assert client.post("/api/accounts", json={"username": name, "password": PASSWORD}).status_code == 201
    assert client.post("/api/login", json={"username": name, "password": PASSWORD}).status_code == 200


def run_sql(diary_url: str, sql: str) -> None:
    diary = open_diary(diary_url)
    with diary.engine.begin() as conn:
        conn.execute(text(sql))
    diary.close()


def test_sign_up_is_201_and_a_taken_name_is_409(new_client: Callable[..., TestClient]) -> None:
    client = new_client()
    response = client.post("/api/accounts", json={"username": "Ann", "password": PASSWORD})
    assert response.status_code == 201 and response.json()["username"] == "ann"
    again = client.post("/api/accounts", json={"username": "ann", "password": PASSWORD + "x"})
    assert again.status_code == 409 and again.json()["detail"][0]["msg"] == "the user name 'ann' is taken"


@pytest.mark.parametrize(("password", "reason"), [
    ("short pass", "at least 12 characters"),
    ("password1234", "too easy to guess"),
    ("QWERTYUIOPAS", "too easy to guess"),
    ("ann-the-great-1", "too easy to guess"),  # contains the user name
])
def test_weak_passwords_are_422(new_client: Callable[..., TestClient], password: str, reason: str) -> None:
    response = new_client().post("/api/accounts", json={"username": "ann", "password": password})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["body", "password"] and reason in detail[0]["msg"]


def test_passwords_are_stored_only_as_argon2_hashes(new_client: Callable[..., TestClient], diary_url: str) -> None:
    new_client().post("/api/accounts", json={"username": "ann", "password": PASSWORD})
    diary = open_diary(diary_url)
    with diary.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM account")).scalar_one()
    diary.close()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_login_sets_a_safe_session_cookie(new_client: Callable[..., TestClient]) -> None:
    client = new_client()
    client.post("/api/accounts", json={"username": "ann", "password": PASSWORD})
    response = client.post("/api/login", json={"username": "ann", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["username"] == "ann"
    cookie = response.headers["set-cookie"].lower()
    assert "mscare_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http (tests, loopback)
    https = new_client("https://testserver")
    secure = https.post("/api/login", json={"username": "ann", "password": PASSWORD}).headers["set-cookie"].lower()
    assert "; secure" in secure


def test_wrong_name_and_wrong_password_get_the_same_401(new_client: Callable[..., TestClient]) -> None:
    client = new_client()
    client.post("/api/accounts", json={"username": "ann", "password": PASSWORD})
    wrong_password = client.post("/api/login", json={"username": "ann", "password": "not the password"})
    wrong_name = client.post("/api/login", json={"username": "bob", "password": PASSWORD})
    assert wrong_password.status_code == wrong_name.status_code == 401
    assert wrong_password.json() == wrong_name.json()
    assert wrong_name.json()["detail"][0]["msg"] == "wrong user name or password"
    assert "set-cookie" not in wrong_password.headers


def test_five_failures_lock_the_name_until_the_window_passes(new_client: Callable[..., TestClient],
                                                              diary_url: str) -> None:
    client = new_client()
    client.post("/api/accounts", json={"username": "ann", "password": PASSWORD})
    for _ in range(5):
        assert client.post("/api/login", json={"username": "ann", "password": "a wrong guess"}).status_code == 401
    locked = client.post("/api/login", json={"username": "ann", "password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 800
    assert "too many failed logins" in locked.json()["detail"][0]["msg"]
    # Another name is not locked by ann's failures.
    assert client.post("/api/accounts", json={"username": "bob", "password": PASSWORD}).status_code == 201
    assert client.post("/api/login", json={"username": "bob", "password": PASSWORD}).status_code == 200
    # 16 minutes later the window has passed: the right password works again.
    minus = "at - INTERVAL '16 minutes'" if diary_url.startswith("postgresql") else "datetime(at, '-16 minutes')"
    run_sql(diary_url, f"UPDATE account_login_failure SET at = {minus}")
    assert client.post("/api/login", json={"username": "ann", "password": PASSWORD}).status_code == 200


def test_diary_routes_need_a_session(new_client: Callable[..., TestClient]) -> None:
    client = new_client()
    for method, url in [("GET", "/api/diary/entries"), ("GET", "/api/diary/entries/re-00000000"),
                        ("DELETE", "/api/diary/entries/re-00000000"), ("GET", "/api/diary/due"),
                        ("GET", "/api/diary/export"), ("DELETE", "/api/accounts/me")]:
        response = client.request(method, url)
        assert response.status_code == 401, url
        assert response.json()["detail"][0]["msg"] == "log in first (POST /api/login)"
    assert client.post("/api/diary/entries", json=RELAPSE).status_code == 401
    assert client.post("/api/diary/import", json={"format": "mscare-diary", "version": 1, "entries": []}
                       ).status_code == 401


def test_logout_ends_the_session_on_the_server(new_client: Callable[..., TestClient]) -> None:
    client = new_client()
    sign_up_and_log_in(client, "ann")
    token = client.cookies.get("mscare_session")
    assert client.post("/api/logout").status_code == 204
    replay = new_client()
    replay.cookies.set("mscare_session", token or "")
    assert replay.get("/api/diary/entries").status_code == 401


def test_sessions_expire(new_client: Callable[..., TestClient], diary_url: str) -> None:
    client = new_client()
    sign_up_and_log_in(client, "ann")
    assert client.get("/api/diary/entries").status_code == 200
    minus = "expires_at - INTERVAL '13 hours'" if diary_url.startswith("postgresql") else \
        "datetime(expires_at, '-13 hours')"
    run_sql(diary_url, f"UPDATE account_session SET expires_at = {minus}")
    assert client.get("/api/diary/entries").status_code == 401


def test_each_person_sees_only_their_own_entries(new_client: Callable[..., TestClient]) -> None:
    ann, bob = new_client(), new_client()
    sign_up_and_log_in(ann, "ann")
    sign_up_and_log_in(bob, "bob")
    ann_entry = ann.post("/api/diary/entries", json=RELAPSE).json()
    bob.post("/api/diary/entries", json={"kind": "symptom", "date": "2026-11-02", "symptom": "fatigue", "score": 4})
    assert [e["id"] for e in ann.get("/api/diary/entries").json()["entries"]] == [ann_entry["id"]]
    assert [e["kind"] for e in bob.get("/api/diary/entries").json()["entries"]] == ["symptom"]
    # Another person's entry is 404 (never 403), for reading and deleting.
    assert bob.get(f"/api/diary/entries/{ann_entry['id']}").status_code == 404
    assert bob.delete(f"/api/diary/entries/{ann_entry['id']}").status_code == 404
    assert ann.get(f"/api/diary/entries/{ann_entry['id']}").status_code == 200
    assert [e["kind"] for e in bob.get("/api/diary/export").json()["entries"]] == ["symptom"]
    # Importing ann's export into bob's diary copies the entry; ann's stays hers.
    document = ann.get("/api/diary/export").json()
    assert bob.post("/api/diary/import", json=document).json() == {"added": 1, "skipped": 0}
    assert bob.delete(f"/api/diary/entries/{ann_entry['id']}").status_code == 200
    assert ann.get(f"/api/diary/entries/{ann_entry['id']}").status_code == 200


def test_two_people_writing_at_once_keep_their_own_entries(new_client: Callable[..., TestClient]) -> None:
    people = {"ann": new_client(), "bob": new_client()}
    for name, client in people.items():
        sign_up_and_log_in(client, name)
    errors: list[str] = []

    def write(name: str, client: TestClient) -> None:
        for day in range(1, 11):
            body = {"kind": "relapse", "date": f"2026-10-{day:02d}", "symptoms": f"{name} {day}"}
            response = client.post("/api/diary/entries", json=body)
            if response.status_code != 201:
                errors.append(f"{name} {day}: {response.status_code} {response.text}")

    threads = [threading.Thread(target=write, args=item) for item in people.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    for name, client in people.items():
        symptoms = [e["symptoms"] for e in client.get("/api/diary/entries").json()["entries"]]
        assert symptoms == [f"{name} {day}" for day in range(1, 11)]


def test_deleting_an_account_deletes_its_entries(new_client: Callable[..., TestClient], diary_url: str) -> None:
    ann, bob = new_client(), new_client()
    sign_up_and_log_in(ann, "ann")
    sign_up_and_log_in(bob, "bob")
    ann.post("/api/diary/entries", json=RELAPSE)
    bob.post("/api/diary/entries", json=RELAPSE)
    assert len(ann.get("/api/diary/export").json()["entries"]) == 1  # the data can be downloaded first
    response = ann.delete("/api/accounts/me")
    assert response.status_code == 200 and response.json() == {"deleted": True, "entries_deleted": 1}
    assert ann.get("/api/diary/entries").status_code == 401
    assert ann.post("/api/login", json={"username": "ann", "password": PASSWORD}).status_code == 401
    assert len(bob.get("/api/diary/entries").json()["entries"]) == 1
    diary = open_diary(diary_url)
    with diary.engine.connect() as conn:
        owners = conn.execute(text("SELECT DISTINCT owner_id FROM diary_relapse")).scalars().all()
        sessions = conn.execute(text("SELECT count(*) FROM account_session")).scalar_one()
    diary.close()
    assert len(owners) == 1 and sessions == 1  # only bob's entry and bob's session are left


def test_account_bodies_are_json_only(new_client: Callable[..., TestClient]) -> None:
    client = new_client()
    assert client.post("/api/accounts", data={"username": "ann", "password": PASSWORD}).status_code == 415
    assert client.post("/api/login", data={"username": "ann", "password": PASSWORD}).status_code == 415
