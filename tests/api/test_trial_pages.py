"""Trial pages over a real imported trials database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mscare.trials import import_trials

FIXTURE = Path(__file__).parent.parent / "fixtures" / "clinicaltrials" / "search_ms_portland.json"


@pytest.fixture(scope="module")
def client(web_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from mscare.app import create_app

    trials_db = tmp_path_factory.mktemp("trials") / "trials.sqlite"
    result = import_trials(FIXTURE, db_path=trials_db)
    assert result.imported == 4 and result.skipped == 1
    with TestClient(create_app(index=web_index, trials_db=trials_db), raise_server_exceptions=False) as c:
        yield c


def test_trial_search_page_lists_matches_with_distances(client: Any) -> None:
    page = client.get("/trials", params={"submitted": "true", "near": "45.5152,-122.6784", "within": "100"})
    assert page.status_code == 200
    assert "NCT04047628" in page.text and " km)" in page.text


def test_trial_page_prescreens_and_links_the_registry(client: Any) -> None:
    page = client.get("/trials/NCT04047628", params={"age": "60", "ms_type": "rrms"})
    assert page.status_code == 200
    assert "Likely not eligible" in page.text
    assert "https://clinicaltrials.gov/study/NCT04047628" in page.text


def test_therapy_page_links_its_trials(client: Any) -> None:
    page = client.get("/therapies/ozanimod")
    assert page.status_code == 200 and "/trials/NCT06408259" in page.text


@pytest.mark.parametrize(("url", "status"), [
    ("/trials/NCT00000000", 404), ("/trials", 200),
    ("/trials?submitted=true&near=Atlantis", 422), ("/trials/NCT04047628?age=-5", 422),
])
def test_trial_page_errors_are_clear(client: Any, url: str, status: int) -> None:
    assert client.get(url).status_code == status


def test_topic_paragraph_markup_is_escaped_commonmark_with_numbered_citations() -> None:
    from mscare.web.markdown import paragraph_html

    html = str(paragraph_html("**Note**: see [relapses](relapses) <script>alert(1)</script> [@core-ec-112]",
                              {"core-ec-112": 3}))
    assert '<a href="/topics/relapses">relapses</a>' in html and "<strong>Note</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "[@" not in html
    assert '<a class="cite" href="#source-3" id="cite-3" aria-label="Source 3">[3]</a>' in html
    assert str(paragraph_html("- one\n- two")).replace("\n", "") == "<ul><li>one</li><li>two</li></ul>"
    assert str(paragraph_html("*This is information, not advice.*")) == "<em>This is information, not advice.</em>"
    assert "<em>" not in str(paragraph_html("snake_case_words"))
    assert '<a href="javascript' not in str(paragraph_html("[x](javascript:alert(1))"))


def test_topic_markdown_renders_tables_nested_lists_and_headings() -> None:
    from mscare.web.markdown import paragraph_html

    table = str(paragraph_html("| drug | route |\n|---|---|\n| natalizumab | infusion |"))
    assert "<table>" in table and "<td>natalizumab</td>" in table
    nested = str(paragraph_html("- one\n  - inner\n- two"))
    assert nested.count("<ul>") == 2
    assert "<h3>When to call</h3>" in str(paragraph_html("### When to call"))
    env: dict[str, Any] = {}
    first = str(paragraph_html("a [@x]", {"x": 1}, env))
    again = str(paragraph_html("b [@x]", {"x": 1}, env))
    assert 'id="cite-1"' in first and 'id="cite-1"' not in again  # one back-link target per number
