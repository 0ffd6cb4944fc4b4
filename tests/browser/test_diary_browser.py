"""The diary in a real browser on a shared server: two people sign up, add entries, see only their own, export.

A second uvicorn serves the app in shared mode (``accounts=True``) over its own SQLite diary; forms are used as a
person would, with and without JavaScript, at 1280 and 375 px, and every diary page is checked with axe.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import served

PASSWORD = "plum tree walking 42"
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
SEVERE = {"serious", "critical"}
DIARY_PAGES = ["/diary", "/diary/add", "/diary/chart", "/diary/due", "/diary/summary", "/diary/export",
               "/diary/account"]


@pytest.fixture(scope="module")
def shared_server(web_index: Path, web_home: Path, tmp_path_factory: pytest.TempPathFactory,
                  page_opener: Any) -> Iterator[str]:
    """mscare in shared mode on a free loopback port, its diary in a fresh SQLite file."""
    from mscare.app import create_app

    diary = tmp_path_factory.mktemp("shared-diary") / "diary.sqlite"
    app = create_app(index=web_index, trials_db=web_home / "trials.sqlite", accounts=True,
                     diary_url=f"sqlite:///{diary}")
    with served(app, page_opener[1]()) as base_url:
        yield base_url
    app.state.diary.close()


@pytest.fixture
def person(browser: Any, shared_server: str, page_opener: Any) -> Iterator[Any]:
    """Open a browser context per person (own cookies), closed at the end with its error checks."""
    opened: list[Iterator[tuple[Any, Any]]] = []

    def make(**options: Any) -> Any:
        gen = page_opener[0](browser, shared_server, accept_downloads=True, **(options or DESKTOP))
        opened.append(gen)
        return next(gen)[0]

    yield make
    for gen in opened:
        next(gen, None)


def sign_up_and_log_in(page: Any, name: str) -> None:
    page.goto("/diary")
    assert "/diary/login" in page.url
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_role("status").inner_text().startswith("Your account is ready")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/diary")
    assert f"Logged in as {name}" in page.locator(".diary-nav").inner_text()


def add_relapse(page: Any, symptoms: str, date: str) -> None:
    page.goto("/diary/add")
    page.get_by_label("Date it started").fill(date)
    page.get_by_label("What happened, in your words").fill(symptoms)
    page.get_by_role("button", name="Save the relapse").click()
    assert page.get_by_role("status").inner_text().startswith("Saved.")


def add_symptom(page: Any, symptom: str, score: int, date: str) -> None:
    page.goto("/diary/add?kind=symptom")
    page.locator("#symptom-date").fill(date)
    page.get_by_label("Symptom", exact=True).select_option(value=symptom)
    page.get_by_label("Score from 0 (none) to 10 (worst)").fill(str(score))
    page.get_by_role("button", name="Save the score").click()
    assert page.get_by_role("status").inner_text().startswith("Saved.")


def download_json(page: Any, link: str) -> dict[str, Any]:
    page.goto("/diary/export")
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    return dict(json.loads(Path(info.value.path()).read_text(encoding="utf-8")))


def test_two_people_keep_separate_diaries_and_both_export(person: Any, screenshot: Any) -> None:
    ann, bob = person(), person(**PHONE)
    sign_up_and_log_in(ann, "ann")
    sign_up_and_log_in(bob, "bob")
    add_relapse(ann, "ann: numb left hand", "2026-11-01")
    add_symptom(ann, "fatigue", 6, "2026-11-20")
    add_relapse(bob, "bob: blurred right eye", "2026-10-15")
    ann.goto("/diary")
    bob.goto("/diary")
    assert "ann: numb left hand" in ann.locator("main").inner_text()
    assert "bob:" not in ann.locator("main").inner_text()
    assert "bob: blurred right eye" in bob.locator("main").inner_text()
    assert "ann:" not in bob.locator("main").inner_text() and "Fatigue" not in bob.locator("main").inner_text()
    screenshot(ann, "diary-timeline-1280")
    screenshot(bob, "diary-timeline-375")
    ann_export = download_json(ann, "Download my diary (JSON)")
    bob_export = download_json(bob, "Download my diary (JSON)")
    assert sorted(e["kind"] for e in ann_export["entries"]) == ["relapse", "symptom"]
    assert [e["symptoms"] for e in bob_export["entries"]] == ["bob: blurred right eye"]
    bob_fhir = download_json(bob, "Download for health records (FHIR R4 JSON)")
    assert bob_fhir["resourceType"] == "Bundle" and len(bob_fhir["entry"]) == 3
    # A link to the other's entry is not found.
    ann_id = ann_export["entries"][0]["id"]
    assert bob.request.get(f"/api/diary/entries/{ann_id}").status == 404
    bob.get_by_role("button", name="Log out").click()
    bob.wait_for_url("**/diary/login")
    bob.goto("/diary")
    assert "/diary/login" in bob.url


def test_forms_work_without_javascript(browser: Any, shared_server: str, page_opener: Any) -> None:
    gen = page_opener[0](browser, shared_server, java_script_enabled=False, **DESKTOP)
    page = next(gen)[0]
    try:
        sign_up_and_log_in(page, "nojs")
        add_relapse(page, "without scripts", "2026-09-01")
        page.goto("/diary/chart")
        assert page.get_by_role("heading", name="Symptom chart").is_visible()
    finally:
        next(gen, None)


@pytest.mark.parametrize("options", [DESKTOP, PHONE], ids=["1280", "375"])
def test_diary_pages_are_accessible(person: Any, options: dict[str, Any], screenshot: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = person(**options)
    name = f"a11y{options['viewport']['width']}"
    sign_up_and_log_in(page, name)
    add_symptom(page, "fatigue", 4, "2026-11-01")
    add_symptom(page, "fatigue", 7, "2026-11-25")
    axe = Axe()
    for url in DIARY_PAGES:
        page.goto(url)
        violations = [v for v in axe.run(page).response["violations"] if v["impact"] in SEVERE]
        assert not violations, f"{url}: " + "; ".join(f"{v['id']}: {v['nodes'][0]['target']}" for v in violations)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= options["viewport"]["width"], f"{url} scrolls sideways ({width} px)"
        screenshot(page, f"diary{url.replace('/', '-')}-{options['viewport']['width']}")
    page.goto("/diary/summary")
    page.emulate_media(media="print")
    assert not page.locator(".diary-nav").is_visible() and not page.locator("form.filters").is_visible()
    assert page.get_by_role("heading", name="Symptom scores").is_visible()
    screenshot(page, f"diary-summary-print-{options['viewport']['width']}")
    page.emulate_media(media="screen")
    page.context.clear_cookies()
    for url in ("/diary/login", "/diary/signup"):
        page.goto(url)
        assert not [v for v in axe.run(page).response["violations"] if v["impact"] in SEVERE], url


def test_behind_an_https_proxy_the_cookie_is_secure(shared_server: str) -> None:
    """uvicorn trusts X-Forwarded-Proto from 127.0.0.1 (a reverse proxy on the same host), as the README says."""
    account = {"username": "proxied", "password": PASSWORD}
    assert httpx.post(f"{shared_server}/api/accounts", json=account).status_code == 201
    plain = httpx.post(f"{shared_server}/api/login", json=account)
    proxied = httpx.post(f"{shared_server}/api/login", json=account, headers={"X-Forwarded-Proto": "https"})
    assert plain.status_code == proxied.status_code == 200
    assert "secure" not in plain.headers["set-cookie"].lower()
    assert "; secure" in proxied.headers["set-cookie"].lower()
