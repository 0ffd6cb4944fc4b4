"""The web pages in a real browser: ask, cite, browse, urgent and refused answers, keyboard, no-JS, phone, print."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

pytestmark = pytest.mark.browser

URGENT_QUESTION = "my right eye went blurry since yesterday and hurts when I move it"
OFF_TOPIC_QUESTION = "how do I fix a leaky kitchen faucet"
XSS_QUESTION = "<script>alert(1)</script>"


def ask_url(question: str) -> str:
    return "/ask?q=" + quote(question)


def ask_from_box(page: Any, question: str) -> None:
    page.get_by_label("Ask a question about MS treatment or care").fill(question)
    with page.expect_navigation():
        page.get_by_role("button", name="Ask").click()


def test_ask_from_home_and_follow_a_citation(page: Any, screenshot: Any) -> None:
    page.goto("/")
    screenshot(page, "home")
    ask_from_box(page, "How does natalizumab work?")
    assert urlsplit(page.url).path == "/ask"
    assert parse_qs(urlsplit(page.url).query)["q"] == ["How does natalizumab work?"]
    answer = page.locator("section.answer")
    assert answer.get_by_role("heading", name="Answer").is_visible()
    assert "natalizumab" in answer.inner_text().lower()
    citations = answer.locator("a.cite")
    assert citations.count() >= 1
    assert re.fullmatch(r"\[\d+\]", citations.first.inner_text())
    sources = page.locator("ol.sources > li")
    assert sources.count() >= 1
    # Every citation number points at an item of the source list.
    numbers = {int(c.inner_text().strip("[]")) for c in citations.all()}
    assert numbers <= set(range(1, sources.count() + 1))
    screenshot(page, "answer")

    page.locator("a.cite", has_text="[1]").first.click()
    assert urlsplit(page.url).fragment == "source-1"
    target = page.locator("#source-1")
    assert target.is_visible()
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == "source-1"
    assert target.evaluate("el => el.closest('ol.sources') !== null")
    assert target.locator("a[href^='http']").count() == 1
    screenshot(page, "answer-source-1")


def test_browse_therapies_to_a_therapy_with_us_and_eu_approval(page: Any, screenshot: Any) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Therapies").click()
    page.wait_for_url("**/therapies")
    assert page.get_by_role("heading", level=1).inner_text() == "Therapy catalogue"
    screenshot(page, "therapies")
    page.get_by_role("link", name="ocrelizumab", exact=True).click()
    page.wait_for_url("**/therapies/ocrelizumab")
    assert page.get_by_role("heading", level=1).inner_text().startswith("ocrelizumab")
    approval = page.locator("h2#approval + table")
    rows = {row.locator("th").inner_text(): row.locator("td").first.inner_text()
            for row in approval.locator("tbody tr").all()}
    assert set(rows) == {"US (FDA)", "EU (EMA)"}
    assert rows["US (FDA)"] == "approved" and rows["EU (EMA)"] == "approved"
    assert page.locator("ol.sources > li").count() >= 1
    screenshot(page, "therapy-ocrelizumab")


def test_urgent_question_shows_the_urgent_banner(page: Any, screenshot: Any) -> None:
    page.goto("/")
    ask_from_box(page, URGENT_QUESTION)
    banner = page.get_by_role("alert")
    assert banner.count() == 1 and banner.is_visible()
    assert "urgent" in banner.inner_text().lower()
    text = banner.inner_text()
    assert "911 (US), 999 (UK) or 112 (EU)" in text  # the numbers to call, in the banner itself
    assert len(text.split()) > 25  # and the advice itself, not only a pointer to it
    # The banner comes before the answer text.
    assert page.evaluate("""() => {
        const alert = document.querySelector('[role=alert]');
        const answer = document.querySelector('#answer-h');
        return !!(alert.compareDocumentPosition(answer) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    screenshot(page, "answer-urgent")


def test_off_topic_question_is_refused(page: Any, screenshot: Any) -> None:
    page.goto(ask_url(OFF_TOPIC_QUESTION))
    refusal = page.locator("section.refusal")
    assert refusal.is_visible()
    assert refusal.get_by_role("heading").inner_text() == "We can't answer that"
    assert refusal.locator("p").inner_text().strip()
    assert page.get_by_role("alert").count() == 0
    assert page.locator("section.answer").count() == 0
    screenshot(page, "answer-refused")


def test_keyboard_only_skip_link_then_question_box(page: Any, screenshot: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("({text: document.activeElement.textContent, "
                            "href: document.activeElement.getAttribute('href')})")
    assert focused == {"text": "Skip to content", "href": "#main"}
    assert page.locator("a.skip").is_visible(), "the skip link shows when focused"
    screenshot(page, "home-skip-link-focused")
    page.keyboard.press("Enter")
    assert urlsplit(page.url).fragment == "main"
    # Following the skip link moves focus to <main>; wait for it so the next Tab starts from there.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'", timeout=5000)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q", "after the skip link, Tab reaches the question box"
    page.keyboard.type("What is a relapse?")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/ask"
    assert page.locator("p.question").inner_text() == "What is a relapse?"
    assert page.get_by_role("heading", name="Answer").is_visible()


def test_script_in_a_question_is_shown_as_text(page_and_watch: Any, screenshot: Any) -> None:
    page, watch = page_and_watch
    page.goto("/")
    ask_from_box(page, XSS_QUESTION)
    assert page.locator("p.question").inner_text() == XSS_QUESTION
    html = page.content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert page.locator("main script").count() == 0
    assert page.get_by_label("Ask a question about MS treatment or care").input_value() == XSS_QUESTION
    page.wait_for_timeout(200)
    assert watch.dialogs == []
    screenshot(page, "answer-script-as-text")


def test_therapy_filter_works_without_javascript(page_factory: Any, screenshot: Any) -> None:
    page = page_factory(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page.goto("/therapies")
    assert page.evaluate("1 + 1") == 2  # Playwright's own scripts still run; the page's would not
    total = page.locator("table.list tbody tr").count()
    page.get_by_label("Type").select_option("dmt")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert parse_qs(urlsplit(page.url).query).get("category") == ["dmt"]
    rows = page.locator("table.list tbody tr")
    assert 0 < rows.count() < total
    assert {row.locator("td").nth(1).inner_text() for row in rows.all()} == {"disease-modifying"}
    assert page.locator("p", has_text=re.compile(r"^\d+ therapies\.$")).inner_text() == f"{rows.count()} therapies."
    assert page.get_by_label("Type").input_value() == "dmt", "the form keeps the chosen filter"
    screenshot(page, "therapies-dmt-no-js")


PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.mark.parametrize("name, path", [
    ("home-375", "/"),
    ("answer-375", ask_url("How does natalizumab work?")),
    ("therapy-375", "/therapies/ocrelizumab"),
    ("monitoring-375", "/monitoring?therapy=natalizumab&start=2026-01-15"),
    ("appointment-375", "/appointment?submitted=true&therapy=cladribine&concern=pregnancy"),
    ("therapies-375", "/therapies"),
    ("compare-3-375", "/compare?pick=Tecfidera&pick=Vumerity&pick=Ocrevus"),
    ("sources-375", "/sources"),
])
def test_phone_width_has_no_horizontal_scroll(page_factory: Any, screenshot: Any, name: str, path: str) -> None:
    page = page_factory(**PHONE)
    page.goto(path)
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, "
                           "client: document.documentElement.clientWidth})")
    assert widths["client"] == 375
    assert widths["scroll"] <= widths["client"], f"{path}: page is {widths['scroll']}px wide in a 375px viewport"
    # No table hides columns in a sideways scroll box either: wide tables become cards on a phone.
    hidden = page.evaluate("[...document.querySelectorAll('table')].filter(t => t.scrollWidth > t.clientWidth + 1)"
                           ".map(t => t.className)")
    assert hidden == [], f"{path}: tables scroll sideways: {hidden}"
    screenshot(page, name)


def test_phone_home_stacks_the_question_box_above_the_button(page_factory: Any) -> None:
    page = page_factory(**PHONE)
    page.goto("/")
    box = page.get_by_label("Ask a question about MS treatment or care").bounding_box()
    button = page.get_by_role("button", name="Ask").bounding_box()
    assert box is not None and button is not None
    assert button["y"] >= box["y"] + box["height"], "the Ask button sits under the box on a phone"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375


def test_print_hides_navigation_and_forms(page: Any, screenshot: Any) -> None:
    page.goto(ask_url("How does natalizumab work?"))
    assert page.get_by_role("navigation", name="Main").is_visible()
    page.emulate_media(media="print")
    assert page.get_by_role("navigation", name="Main").is_hidden()
    assert page.locator("form.ask").is_hidden()
    assert page.locator("section.answer").is_visible()
    assert page.locator("ol.sources").is_visible()
    screenshot(page, "answer-print")


def test_relapse_check_form_with_a_warning_sign_is_urgent(page: Any, screenshot: Any) -> None:
    page.goto("/relapse-check")
    page.get_by_label("What changed?").fill("I cannot see out of my left eye")
    page.get_by_label("How many hours has it lasted?").fill("3")
    page.get_by_label("Sudden loss or blurring of vision").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Check").click()
    screenshot(page, "relapse-check-warning-sign")
    assert page.get_by_label("Sudden loss or blurring of vision").is_checked(), "the form keeps the ticked warning sign"
    alert = page.get_by_role("alert")
    assert alert.count() == 1 and "urgent" in alert.inner_text().lower()


def test_unknown_therapy_page_suggests_names(page_and_watch: Any, screenshot: Any) -> None:
    page, watch = page_and_watch
    response = page.goto("/therapies/xyzzymab")
    assert response is not None and response.status == 404
    watch.console_errors = [e for e in watch.console_errors if "/therapies/xyzzymab" not in e]  # the 404 itself
    assert page.get_by_role("heading", level=1).inner_text() == "Not found"
    assert "xyzzymab" in page.get_by_role("alert").inner_text()
    screenshot(page, "therapy-not-found")


# --- accessibility ------------------------------------------------------------------------------------------

A11Y_PAGES = {
    "home": "/",
    "answer": ask_url("How does natalizumab work?"),
    "answer-urgent": ask_url(URGENT_QUESTION),
    "answer-refused": ask_url(OFF_TOPIC_QUESTION),
    "therapies": "/therapies",
    "therapy": "/therapies/ocrelizumab",
    "topics": "/topics",
    "topic": "/topics/relapses",
    "topic-figure": "/topics/how-ms-drugs-work",
    "topic-index": "/topics/symptoms-a-to-z",
    "compare": "/compare?names=natalizumab,ocrelizumab",
    "relapse-check": "/relapse-check?submitted=true&symptoms=numb+left+leg&hours=48",
    "relapse-check-urgent": "/relapse-check?submitted=true&symptoms=cannot+see&hours=2&red_flag=vision-loss",
    "monitoring": "/monitoring?therapy=natalizumab&start=2026-01-15",
    "options": "/options?ms_type=rrms",
    "appointment": "/appointment?submitted=true&therapy=cladribine&concern=pregnancy",
    "sources": "/sources",
}
SEVERE = {"serious", "critical"}
ONE_PIXEL_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"  # CSP allows data:


@pytest.fixture(scope="session")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


# Pages whose tables or forms could overflow a phone screen: checked again at 375 px.
A11Y_PHONE_PAGES = ["home", "answer", "therapy", "compare", "monitoring", "appointment", "relapse-check",
                    "topic-figure"]


def severe_violations(axe: Any, page: Any) -> tuple[list[dict[str, Any]], str]:
    results = axe.run(page)
    severe = [v for v in results.response["violations"] if v["impact"] in SEVERE]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {n['target']}: {n['html'][:160]}"
                                                               for n in v["nodes"][:5])
        for v in severe)
    return severe, report


def test_an_old_topic_link_lands_on_the_article_that_replaced_it(page: Any, screenshot: Any) -> None:
    page.goto("/topics/work-and-daily-life")
    assert page.url.endswith("/topics/work-and-ms")
    assert "Work and MS" in page.locator("h1").inner_text()
    page.goto("/topics/vision-tremor-heat-and-sexual-health")
    page.get_by_role("link", name="heat sensitivity").first.click()
    assert page.url.endswith("/topics/heat-sensitivity")
    screenshot(page, "topic-heat-sensitivity")


def test_axe_reports_a_planted_violation(page: Any, axe: Any) -> None:
    """The checker itself works under the site's CSP: an image without alt text and an empty link are found."""
    page.goto("/")
    page.evaluate("""(gif) => document.querySelector('main').insertAdjacentHTML(
        'beforeend', `<img src="${gif}"><a href="/topics"></a>`)""", ONE_PIXEL_GIF)
    severe, _ = severe_violations(axe, page)
    assert {"image-alt", "link-name"} <= {v["id"] for v in severe}


@pytest.mark.parametrize("name", list(A11Y_PAGES))
def test_no_serious_accessibility_violations(page: Any, axe: Any, screenshot: Any, name: str) -> None:
    response = page.goto(A11Y_PAGES[name])
    assert response is not None and response.status < 400, f"{A11Y_PAGES[name]}: {response and response.status}"
    screenshot(page, f"a11y-{name}")
    severe, report = severe_violations(axe, page)
    assert not severe, f"{A11Y_PAGES[name]}:\n{report}"


@pytest.mark.parametrize("name", A11Y_PHONE_PAGES)
def test_no_serious_accessibility_violations_on_a_phone(page_factory: Any, axe: Any, name: str) -> None:
    page = page_factory(**PHONE)
    page.goto(A11Y_PAGES[name])
    severe, report = severe_violations(axe, page)
    assert not severe, f"{A11Y_PAGES[name]} at 375 px:\n{report}"


def test_therapy_page_safety_sections_and_citations_in_a_browser(page: Any, screenshot: Any) -> None:
    page.goto("/therapies/ampyra")
    assert page.get_by_role("heading", name="Who should not take it").is_visible()
    items = page.locator("ul.contraindications > li")
    assert items.count() == 5
    assert items.first.inner_text().startswith("Any seizure in the past")
    assert "(US only)" in items.nth(1).inner_text()
    guide = page.get_by_role("region", name="Using it day to day")
    headings = [h.inner_text() for h in guide.get_by_role("heading", level=3).all()]
    assert headings == ["How to take it", "If you miss a dose", "What to avoid",
                        "When to call your MS team or get urgent help", "How soon it works"]
    # A citation number jumps to its entry in the page's source list.
    link = items.first.locator(".cites a").first
    number = int(link.inner_text().strip("[]"))
    link.click()
    target = page.locator(":target")
    assert target.evaluate("el => el.closest('ol.sources') !== null")
    assert page.locator("ol.sources > li").nth(number - 1).get_attribute("id") == target.get_attribute("id")
    screenshot(page, "therapy-dalfampridine-safety")
