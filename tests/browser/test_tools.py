"""The care tools and trial pre-screen as a newcomer uses them: results first, on a phone and a desktop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mscare.trials import import_trials

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent.parent / "fixtures" / "clinicaltrials" / "search_ms_portland.json"
PHONE = {"viewport": {"width": 375, "height": 812}}


@pytest.fixture(scope="module")
def trials_imported(web_home: Path, live_server: str) -> str:
    """The Portland fixture in the live server's trials database (the app reads the path on each request)."""
    import_trials(FIXTURE, db_path=web_home / "trials.sqlite")
    return live_server


def result_is_on_the_first_screen(page: Any) -> bool:
    box = page.locator("#result").bounding_box()
    return box is not None and box["y"] < page.viewport_size["height"] / 2


@pytest.mark.parametrize("size", [PHONE, {"viewport": {"width": 1280, "height": 900}}], ids=["375", "1280"])
def test_trial_prescreen_from_its_form_with_optional_fields_empty(
        page_factory: Any, trials_imported: str, screenshot: Any, size: dict[str, Any]) -> None:
    page = page_factory(**size)
    page.goto("/trials/NCT04047628")
    page.get_by_label("Age").fill("45")
    page.get_by_label("MS type").select_option("rrms")
    with page.expect_navigation():
        page.get_by_role("button", name="Pre-screen").click()
    screenshot(page, f"trial-prescreen-{size['viewport']['width']}")
    assert "dmt=" in page.url  # the empty optional medicine box was sent, as a real form does
    assert page.locator(".error").count() == 0
    assert page.locator("#result h2").inner_text().startswith("Pre-screen: ")
    assert page.title().split(":")[0] in {"You may qualify", "Likely not eligible", "We can't tell"}
    assert page.evaluate("document.activeElement.id") == "result"
    assert result_is_on_the_first_screen(page)


def test_relapse_result_comes_first_on_a_phone(page_factory: Any, screenshot: Any) -> None:
    page = page_factory(**PHONE)
    page.goto("/relapse-check")
    page.get_by_label("What changed?").fill("my left leg has been weaker since yesterday")
    page.get_by_label("How many hours has it lasted?").fill("30")
    with page.expect_navigation():
        page.get_by_role("button", name="Check").click()
    screenshot(page, "relapse-likely-375")
    assert result_is_on_the_first_screen(page)
    assert page.evaluate("document.activeElement.id") == "result"
    assert "relapse check" in page.title().lower() and page.title() != "Relapse check"
    assert "red flag:" not in page.content()


def test_options_result_comes_first_on_a_phone(page_factory: Any) -> None:
    page = page_factory(**PHONE)
    page.goto("/options")
    assert page.get_by_label("Type of MS").input_value() == ""  # no silent default
    page.get_by_label("Type of MS").select_option(label="relapsing-remitting MS")
    with page.expect_navigation():
        page.get_by_role("button", name="Show options").click()
    assert result_is_on_the_first_screen(page)
    assert "therapies fit" in page.title()


def test_monitoring_calendar_downloads_from_the_page(page: Any, screenshot: Any) -> None:
    page.goto("/monitoring?therapy=natalizumab&start=2026-01-15&months=24&region=us")
    screenshot(page, "monitoring-natalizumab")
    assert page.get_by_text("12 February 2026").count() >= 1  # the second infusion, 4 weeks after the first
    assert page.locator("details.year[open]").count() == 1  # this year open, later years folded
    with page.expect_download() as info:
        page.get_by_role("link", name="Download calendar (.ics)").click()
    download = info.value
    assert download.suggested_filename == "mscare-natalizumab-2026-01-15.ics"
    assert b"BEGIN:VCALENDAR" in Path(download.path()).read_bytes()


@pytest.mark.parametrize("width", [375, 1280])
def test_compare_with_the_picker_by_brand(page_factory: Any, screenshot: Any, width: int) -> None:
    page = page_factory(viewport={"width": width, "height": 900})
    page.goto("/compare")
    page.get_by_label("First therapy").select_option(label="Tecfidera (dimethyl fumarate)")
    page.get_by_label("Second therapy").select_option(label="Vumerity (diroximel fumarate)")
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    screenshot(page, f"compare-tecfidera-vumerity-{width}")
    assert page.locator("h1").inner_text() == "Compare dimethyl fumarate (Tecfidera) and diroximel fumarate (Vumerity)"
    first_row = page.locator("table.compare tbody tr").first
    assert "differs" in (first_row.get_attribute("class") or "")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    assert page.get_by_label("First therapy").input_value() == "Tecfidera"


def test_options_cite_sources_by_number_with_titles_and_back_links(page: Any) -> None:
    page.goto("/options?ms_type=rrms&route=oral")
    result = page.locator("#result")
    assert "fda-" not in result.locator("section.option").first.inner_text()  # no raw registry ids
    marker = result.locator("a.cite").first
    number = marker.inner_text().strip("[]")
    marker.click()
    target = page.locator(f"#source-{number}")
    assert target.is_visible() and target.locator("a").first.inner_text()  # a real title
    target.locator("a.back").click()
    assert page.evaluate("location.hash") == f"#cite-{number}"


def test_compare_cells_cite_their_sources_with_back_links(page: Any) -> None:
    page.goto("/compare?pick=Tecfidera&pick=Vumerity")
    marker = page.locator("table.compare td a.cite").first
    number = marker.inner_text().strip("[]")
    marker.click()
    assert page.evaluate("location.hash") == f"#source-{number}"
    page.locator(f"#source-{number} a.back").click()
    assert page.evaluate("location.hash") == f"#cite-{number}"


class Clicks:
    """Counts the clicks and choices a newcomer makes (typing into a box is not a click)."""

    def __init__(self, page: Any) -> None:
        self.page, self.count = page, 0

    def click(self, locator: Any, navigates: bool = True) -> None:
        self.count += 1
        if navigates:
            with self.page.expect_navigation():
                locator.click()
        else:
            locator.click()

    def choose(self, locator: Any, **option: str) -> None:
        self.count += 1
        locator.select_option(**option)


def test_the_five_newcomer_tasks_take_five_clicks_or_fewer(page: Any, trials_imported: str) -> None:
    nav = page.get_by_role("navigation", name="Main")
    # 1. Is Kesimpta safe in pregnancy?
    page.goto("/")
    clicks = Clicks(page)
    clicks.click(nav.get_by_role("link", name="Therapies"))
    clicks.click(page.get_by_role("link", name="ofatumumab", exact=True))
    clicks.click(page.get_by_role("link", name="Pregnancy and breastfeeding"), navigates=False)
    assert page.locator("#pregnancy").is_visible() and clicks.count <= 5
    # 2. Compare Tecfidera and Vumerity.
    page.goto("/")
    clicks = Clicks(page)
    clicks.click(nav.get_by_role("link", name="Compare"))
    clicks.choose(page.get_by_label("First therapy"), label="Tecfidera (dimethyl fumarate)")
    clicks.choose(page.get_by_label("Second therapy"), label="Vumerity (diroximel fumarate)")
    clicks.click(page.get_by_role("button", name="Compare"))
    assert "Vumerity" in page.locator("h1").inner_text() and clicks.count <= 5
    # 3. A natalizumab test calendar.
    page.goto("/")
    clicks = Clicks(page)
    clicks.click(nav.get_by_role("link", name="Tests and dose days"))
    clicks.choose(page.get_by_label("Therapy"), value="natalizumab")
    page.get_by_label("Date of the first dose").fill("2026-01-15")
    clicks.click(page.get_by_role("button", name="Make calendar"))
    with page.expect_download():
        clicks.click(page.get_by_role("link", name="Download calendar (.ics)"), navigates=False)
    assert clicks.count <= 5
    # 4. A trial near Portland for a 45-year-old with relapsing-remitting MS.
    page.goto("/")
    clicks = Clicks(page)
    clicks.click(nav.get_by_role("link", name="Trials"))
    page.get_by_label("Near a city (or latitude,longitude)").fill("Portland")
    clicks.click(page.get_by_role("button", name="Search"))
    clicks.click(page.locator("ul.cards a").first)
    page.get_by_label("Age").fill("45")
    clicks.choose(page.get_by_label("MS type"), value="rrms")
    clicks.click(page.get_by_role("button", name="Pre-screen"))
    assert page.locator("#result").is_visible() and clicks.count <= 5
    # 5. A list of questions for the next appointment.
    page.goto("/")
    clicks = Clicks(page)
    clicks.click(nav.get_by_role("link", name="Prepare for a visit"))
    clicks.click(page.locator("input[name=concern]").first, navigates=False)
    clicks.click(page.get_by_role("button", name="Make my page"))
    assert page.get_by_role("heading", level=2).count() >= 1 and clicks.count <= 5
