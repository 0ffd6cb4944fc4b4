"""Reliability of the HTTP face under a real uvicorn: one error shape, headers on every response (500 included),
usable keep-alive connections after errors, HEAD and Allow, and an index that is checked and swapped whole."""

from __future__ import annotations

import http.client
import os
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from mscare.app import create_app
from servers import serving

SECURITY = {"content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy",
            "permissions-policy"}


def request(conn: http.client.HTTPConnection, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    conn.request(method, path)
    response = conn.getresponse()
    body = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.fixture(scope="module")
def app_with_a_failing_route(web_home: Path, web_index: Path) -> Any:
    """The real app plus one route that fails, to see what a client gets from an unexpected server error."""
    app = create_app(index=web_index, trials_db=web_home / "trials.sqlite")

    @app.get("/api/fails-on-purpose", include_in_schema=False)
    def fails() -> None:
        raise RuntimeError("a bug")

    return app


def test_a_500_carries_the_security_headers_and_leaves_the_connection_usable(app_with_a_failing_route: Any) -> None:
    with serving(app_with_a_failing_route) as (host, port):
        conn = http.client.HTTPConnection(host, port, timeout=10)
        assert request(conn, "/healthz")[0] == 200
        status, headers, body = request(conn, "/api/fails-on-purpose")
        assert status == 500
        assert SECURITY <= set(headers), headers
        assert b'"server_error"' in body
        status, headers, _ = request(conn, "/healthz")  # same keep-alive connection: must not be reset
        assert status == 200 and SECURITY <= set(headers)
        conn.close()


def test_appointment_with_a_start_date_out_of_range_is_422_not_500(api_client: Any) -> None:
    for start in ["1900-01-01", "9999-12-31", "1989-12-31", "2101-01-01"]:
        response = api_client.get("/api/appointment", params={"therapy": "ocrevus", "start": start})
        assert response.status_code == 422, response.text
        detail = response.json()["detail"]
        assert detail[0]["loc"] == ["query", "start"] and "1990" in detail[0]["msg"]
        assert SECURITY <= set(response.headers)


@pytest.mark.parametrize(("url", "params", "status"), [
    ("/api/options", {"ms_type": ""}, 422),
    ("/api/options", {"ms_type": "rrms", "age": "abc"}, 422),
    ("/api/therapies", {"category": "vitamins"}, 422),
    ("/api/mitoxantrone-dose", {"dose": "-1"}, 422),
    ("/api/trials", {"near": "45.5,-122.6", "within": "50", "status": "bogus"}, 422),
    ("/api/therapies/xyzzymab", {}, 404),
    ("/api/topics/no-such-topic", {}, 404),
    ("/api/trials/NCT00000000", {}, 404),
    ("/api/no-such-route", {}, 404),
])
def test_every_api_error_has_the_validation_error_shape(api_client: Any, url: str, params: dict[str, str],
                                                        status: int) -> None:
    response = api_client.get(url, params=params)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    for item in detail:
        assert set(item) >= {"loc", "msg", "type"} and isinstance(item["loc"], list) and item["msg"]
        assert "--" not in item["msg"], "API messages name query parameters, not CLI options"


def test_openapi_documents_the_error_shape_on_every_operation(api_client: Any) -> None:
    schema = api_client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("404", "422"):
                ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorBody"), f"{method} {path} {status}: {ref}"
    assert schema["components"]["schemas"]["ErrorBody"]["properties"]["detail"]["type"] == "array"


@pytest.mark.parametrize("path", ["/healthz", "/api/therapies/tysabri", "/", "/topics/relapses", "/static/style.css"])
def test_head_works_wherever_get_does(api_client: Any, path: str) -> None:
    get = api_client.get(path)
    head = api_client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert SECURITY <= set(head.headers)


@pytest.mark.parametrize("path", ["/healthz", "/api/therapies", "/"])
def test_405_names_the_allowed_methods(api_client: Any, path: str) -> None:
    response = api_client.post(path)
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    assert SECURITY <= set(response.headers)


# --- the index: checked, swapped whole, damage reported ------------------------------------------------------


@pytest.fixture
def own_index(web_index: Path, tmp_path: Path) -> Path:
    """A private copy of the session index that a test may damage or replace."""
    path = tmp_path / "index.sqlite"
    shutil.copy(web_index, path)
    return path


def damage_pages(path: Path) -> None:
    """Overwrite pages in the middle of the file with noise, leaving the header intact (as ``dd conv=notrunc``)."""
    with path.open("r+b") as handle:
        handle.seek(4096 * 100)
        handle.write(os.urandom(4096 * 600))


def publish(source: Path, target: Path) -> None:
    """Publish a new build the way ``build_index`` does: a complete file renamed into place."""
    temp = target.with_name(".index-new.sqlite")
    shutil.copy(source, temp)
    os.replace(temp, target)


def test_a_damaged_index_is_reported_by_healthz_and_healed_by_a_rebuild(own_index: Path, web_index: Path,
                                                                       tmp_path: Path) -> None:
    app = create_app(index=own_index, trials_db=tmp_path / "trials.sqlite")
    with serving(app) as (host, port):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        assert request(conn, "/api/ask?q=what+is+a+relapse")[0] == 200
        damage_pages(own_index)
        status, headers, body = request(conn, "/healthz")
        assert status == 503 and b"mscare build" in body and SECURITY <= set(headers)
        status, _, body = request(conn, "/api/ask?q=what+is+a+relapse+again")
        assert status == 503 and b"index_unavailable" in body
        assert request(conn, "/ask?q=what+is+a+relapse")[0] == 503
        publish(web_index, own_index)  # what `mscare build` does
        assert request(conn, "/healthz")[0] == 200
        with ThreadPoolExecutor(8) as pool:  # every worker thread, not only this connection's
            statuses = list(pool.map(lambda i: ask_status(host, port, f"what is a relapse {i}"), range(24)))
        assert statuses == [200] * 24
        conn.close()


def ask_status(host: str, port: int, question: str) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        return request(conn, "/api/ask?q=" + question.replace(" ", "+"))[0]
    finally:
        conn.close()


def changed_build(web_index: Path, tmp_path: Path) -> Path:
    """A different build of the index: the relapse duration reads '72 hours zebracorn', with a new build id."""
    path = tmp_path / "changed.sqlite"
    shutil.copy(web_index, path)
    db = sqlite3.connect(path)
    db.execute("UPDATE passages SET text = replace(text, '24 hours', '72 hours zebracorn')")
    db.execute("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')")
    db.execute("UPDATE meta SET value = 'changed-build' WHERE key = 'build_id'")
    db.commit()
    db.close()
    return path


def test_a_new_build_moves_every_worker_at_once(own_index: Path, web_index: Path, tmp_path: Path) -> None:
    question = "how long must symptoms last to count as a relapse"
    app = create_app(index=own_index, trials_db=tmp_path / "trials.sqlite")
    with serving(app) as (host, port):
        def answer_text(i: int) -> str:
            conn = http.client.HTTPConnection(host, port, timeout=30)
            try:
                status, _, body = request(conn, f"/api/ask?q={question.replace(' ', '+')}+{i % 3}")
                assert status == 200
                return body.decode()
            finally:
                conn.close()

        with ThreadPoolExecutor(8) as pool:
            before = list(pool.map(answer_text, range(24)))  # warm every worker thread and the answer cache
        assert all("24 hours" in text and "zebracorn" not in text for text in before)
        publish(changed_build(web_index, tmp_path), own_index)
        with ThreadPoolExecutor(8) as pool:
            after = list(pool.map(answer_text, range(48)))
        assert all("zebracorn" in text for text in after), sum("zebracorn" in t for t in after)
        conn = http.client.HTTPConnection(host, port, timeout=30)
        assert b'"index_version":"changed-build"' in request(conn, "/healthz")[2]
        conn.close()


@pytest.mark.parametrize(("path", "params"), [
    ("/relapse-check", {"submitted": "1", "symptoms": "left leg weak", "hours": "nan"}),
    ("/relapse-check", {"submitted": "1", "symptoms": "left leg weak", "hours": "inf"}),
    ("/trials", {"submitted": "1", "near": "45.5,-122.6", "within": "inf"}),
    ("/compare", {"names": ",".join(["tysabri", "ocrevus"] * 100)}),
])
def test_pages_refuse_non_finite_numbers_and_overlong_lists(api_client: Any, path: str,
                                                            params: dict[str, str]) -> None:
    response = api_client.get(path, params=params)
    assert response.status_code == 422
    assert "Please" in response.text


def test_on_loopback_a_foreign_host_header_is_refused(web_index: Path, tmp_path: Path) -> None:
    app = create_app(index=web_index, trials_db=tmp_path / "trials.sqlite", host="127.0.0.1")
    with serving(app) as (host, port):
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("GET", "/healthz", headers={"Host": "evil.example"})
        response = conn.getresponse()
        body = response.read()
        assert response.status == 400 and b'"bad_host"' in body
        assert SECURITY <= {k.lower() for k, _ in response.getheaders()}
        for name in (f"127.0.0.1:{port}", f"localhost:{port}"):
            conn.request("GET", "/healthz", headers={"Host": name})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, name
        conn.close()
