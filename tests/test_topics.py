"""Topic articles: the packaged guides load, are cited and readable, and are found by slug."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import textstat

from mscare.catalogue import Catalogue
from mscare.topics import (
    REMINDER,
    UNCITED_LIMIT,
    Topic,
    UnknownTopic,
    find_topic,
    load_topic,
    load_topics,
    parse_sections,
    plain_text,
    topic_problems,
)

SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(\"]|\s*$)")


@pytest.fixture(scope="module")
def topics() -> dict[str, Topic]:
    return load_topics(strict=False)[0]


def test_packaged_topics_load_without_schema_problems() -> None:
    topics, problems = load_topics(strict=False)
    assert problems == []
    assert load_topics(strict=True)[0].keys() == topics.keys()


def test_there_are_at_least_25_articles(topics: dict[str, Topic]) -> None:
    assert len(topics) >= 25, sorted(topics)


def test_each_article_has_audience_review_date_and_title(topics: dict[str, Topic]) -> None:
    for slug, topic in topics.items():
        assert topic.meta.audience in {"patient", "clinician", "all"}, slug
        assert date(2020, 1, 1) <= topic.meta.last_reviewed <= date.today(), slug
        assert topic.meta.title.strip(), slug
        assert topic.path == f"topics/{slug}.md"


def test_each_article_has_sections_with_paragraphs(topics: dict[str, Topic]) -> None:
    for slug, topic in topics.items():
        titled = [s for s in topic.sections if s.title]
        assert len(titled) >= 2, slug


def test_long_paragraphs_are_cited(topics: dict[str, Topic]) -> None:
    uncited = [(slug, p.text[:70]) for slug, t in topics.items() for p in t.paragraphs()
               if not p.sources and len(p.text) > UNCITED_LIMIT]
    assert uncited == []


def test_paragraphs_of_two_or_more_sentences_are_cited(topics: dict[str, Topic]) -> None:
    # docs/CONTENT.md: "Every paragraph of 2+ sentences carries at least one [@source-id]"; the closing
    # reminder is the one exception.
    uncited = [(slug, p.text[:70]) for slug, t in topics.items() for p in t.paragraphs()
               if not p.sources and len(SENTENCE_END.findall(p.text)) >= 2 and not REMINDER.search(p.text)]
    assert uncited == []


def test_every_article_cites_sources_that_resolve(topics: dict[str, Topic], catalogue: Catalogue) -> None:
    for slug, topic in topics.items():
        assert topic.cited(), slug
        assert sorted(set(topic.cited()) - set(catalogue.sources)) == [], slug


def test_every_article_ends_with_the_not_advice_reminder(topics: dict[str, Topic]) -> None:
    for slug, topic in topics.items():
        last = topic.paragraphs()[-1].text
        assert REMINDER.search(last), (slug, last)
        assert "advice" in last.lower() or "substitute" in last.lower()


def test_related_links_point_at_existing_articles(topics: dict[str, Topic]) -> None:
    dangling = {slug: sorted(set(t.meta.related) - set(topics)) for slug, t in topics.items()}
    assert {slug: missing for slug, missing in dangling.items() if missing} == {}


def test_relapses_article_defines_a_relapse_as_lasting_24_hours(topics: dict[str, Topic]) -> None:
    relapses = topics["relapses"]
    text = " ".join(p.text for p in relapses.paragraphs())
    assert "24 hours" in text
    assert "[@" not in text  # citation marks are stripped from the passage text


def test_grade_matches_textstat_on_the_plain_body(topics: dict[str, Topic]) -> None:
    topic = topics["relapses"]
    blocks = [plain_text(b, list_items_as_sentences=True) for b in topic.body.split("\n\n") if b.strip()]
    expected = round(float(textstat.flesch_kincaid_grade(" ".join(blocks))), 1)
    assert topic.grade() == expected
    assert 0 < topic.grade() <= 10


# --- parsing ------------------------------------------------------------------------------------------


def test_plain_text_removes_citations_links_and_markup() -> None:
    markdown = "## Heading\n\n- **Bold** item with a [link](https://example.org) [@nmss-relapses] [@a-b]\n> quote"
    text = plain_text(markdown)
    assert re.findall(r"[A-Za-z]+", text) == ["Heading", "Bold", "item", "with", "a", "link", "quote"]
    for markup in ("[@", "https://", "**", "#", ">", "- "):
        assert markup not in text


def test_parse_sections_splits_paragraphs_and_names_subsections() -> None:
    body = (
        "Intro paragraph. [@src-a]\n\n"
        "## First\n\nOne. Two. [@src-b] [@src-a]\n\nThree.\n\n"
        "### Detail\nInline after heading. [@src-c]\n\n"
        "## Second\n\nLast words. [@src-b]\n"
    )
    sections = parse_sections(body)
    assert [s.title for s in sections] == ["", "First", "First: Detail", "Second"]
    first = sections[1].paragraphs
    assert [p.text for p in first] == ["One. Two.", "Three."]
    assert first[0].sources == ["src-b", "src-a"]
    assert first[1].sources == []
    assert sections[2].paragraphs[0].sources == ["src-c"]
    assert sections[2].paragraphs[0].section == "First: Detail"


def _write_topic(root: Path, slug: str, front: str, body: str) -> None:
    (root / "topics" / f"{slug}.md").write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")


def test_a_topic_with_a_bad_audience_is_reported(content_copy: Path) -> None:
    front = ("slug: odd\ntitle: Odd\naudience: everyone\nsummary: A summary that is long enough to pass.\n"
             "last_reviewed: 2026-01-01")
    _write_topic(content_copy, "odd", front, "## A\n\nText. [@x]\n")
    topics, problems = load_topics(content_copy, strict=False)
    assert "odd" not in topics
    assert any(p.startswith("topics/odd.md: audience: ") for p in problems), problems


def test_a_topic_without_front_matter_is_reported(content_copy: Path) -> None:
    (content_copy / "topics" / "bare.md").write_text("## Just a body\n\nText.\n", encoding="utf-8")
    _, problems = load_topics(content_copy, strict=False)
    assert "topics/bare.md: missing YAML front matter between '---' lines" in problems


def test_a_slug_that_differs_from_the_file_name_is_reported(content_copy: Path) -> None:
    front = ("slug: other-name\ntitle: Misnamed\naudience: all\nsummary: A summary that is long enough to pass.\n"
             "last_reviewed: 2026-01-01")
    _write_topic(content_copy, "misnamed", front, "## A\n\nText. [@x]\n")
    _, problems = load_topics(content_copy, strict=False)
    assert "topics/misnamed.md: slug: expected 'misnamed' (the file name), got 'other-name'" in problems


# --- finding ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["relapses", "Relapses", "  RELAPSES "])
def test_find_topic_forgives_case_and_spacing(topics: dict[str, Topic], given: str) -> None:
    assert find_topic(topics, given).slug == "relapses"


def test_find_topic_turns_spaces_into_hyphens(topics: dict[str, Topic]) -> None:
    assert find_topic(topics, "Treating relapses").slug == "treating-relapses"


def test_unknown_topic_suggests_close_slugs(topics: dict[str, Topic]) -> None:
    with pytest.raises(UnknownTopic) as err:
        find_topic(topics, "relapse")
    assert "relapses" in err.value.suggestions
    assert "Did you mean: " in err.value.message()
    assert "mscare topics list" in err.value.cli_message()


def test_nonsense_topic_raises_without_suggestions(topics: dict[str, Topic]) -> None:
    with pytest.raises(UnknownTopic) as err:
        find_topic(topics, "qqqqqqqq")
    assert err.value.suggestions == []


@pytest.mark.parametrize(("old", "new"), [("work-and-daily-life", "work-and-ms"),
                                          ("vision-tremor-heat-and-sexual-health", "symptoms-a-to-z")])
def test_the_slug_of_a_split_article_still_finds_its_successor(
        topics: dict[str, Topic], old: str, new: str) -> None:
    assert old not in topics
    assert find_topic(topics, old).slug == new


def test_an_old_topic_address_redirects_to_the_new_page(api_client: Any) -> None:
    response = api_client.get("/topics/work-and-daily-life", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/topics/work-and-ms"
    page = api_client.get("/topics/vision-tremor-heat-and-sexual-health")
    assert page.status_code == 200
    assert "MS symptoms A to Z" in page.text and 'href="/topics/vision-problems"' in page.text
    assert api_client.get("/api/topics/work-and-daily-life").json()["slug"] == "work-and-ms"


def test_an_alias_that_is_also_an_article_slug_is_reported(topics: dict[str, Topic]) -> None:
    topic = topics["work-and-ms"]
    topic.meta.aliases.append("relapses")
    try:
        assert "alias 'relapses' is the slug of an existing article" in " ".join(
            topic_problems(topic, set(), set(topics)))
    finally:
        topic.meta.aliases.remove("relapses")


def test_a_list_reads_as_one_sentence_in_a_passage_and_as_items_for_readability() -> None:
    markdown = "- numbness in one leg\n- blurred vision\n- tiredness"
    assert plain_text(markdown) == "numbness in one leg; blurred vision; tiredness."
    assert plain_text(markdown, list_items_as_sentences=True) == "numbness in one leg. blurred vision. tiredness."


# Articles added for issue 13 (subjects the NHS and MS charities cover that the first 32 did not).
NEW_ARTICLES = [
    "how-ms-is-diagnosed",
    "numbness-tingling-and-dizziness",
    "caring-for-someone-with-ms",
    "advanced-ms-and-palliative-care",
    "sleep",
    "speech-and-swallowing",
    "how-ms-drugs-work",
    "menopause",
    "ageing-with-ms",
    "ms-in-children-and-teenagers",
    "equipment-and-home-adaptations",
    "money-benefits-and-insurance",
    "relationships-and-intimacy",
    "vision-problems",
    "tremor-balance-and-coordination",
    "heat-sensitivity",
    "work-and-ms",
    "driving-and-travel",
    "newly-diagnosed-start-here",
    "symptoms-a-to-z",
]


@pytest.mark.parametrize("slug", NEW_ARTICLES)
def test_new_article_is_for_patients_readable_and_linked_to_an_older_article(
        topics: dict[str, Topic], slug: str) -> None:
    topic = topics[slug]
    assert topic.meta.audience == "patient"
    assert 0 < topic.grade() <= 9.5
    older = [r for r in topic.meta.related if r in topics and r not in NEW_ARTICLES]
    assert older, slug


# --- pictures -------------------------------------------------------------------------------------------------


def test_the_types_and_relapse_pages_show_their_pictures_inline_with_a_text_alternative(api_client: Any) -> None:
    for slug, title in (("types-of-ms", "three main types of MS"), ("relapses", "a relapse and recovery")):
        response = api_client.get(f"/topics/{slug}")
        assert response.status_code == 200
        html = response.text
        figure = html[html.index('<figure class="figure">'):html.index("</figure>")]
        assert '<svg' in figure and 'role="img"' in figure and "<desc id=" in figure
        assert title in figure and "<figcaption>" in figure
        assert "<script" not in figure


def test_the_drugs_page_shows_where_each_drug_group_acts(api_client: Any) -> None:
    html = api_client.get("/topics/how-ms-drugs-work").text
    figure = html[html.index('<figure class="figure">'):html.index("</figure>")]
    assert 'role="img"' in figure and "Where some groups of MS drugs act" in figure
    for words in ("hold some white blood cells back in the lymph nodes", "remove B cells from the blood",
                  "damps down inflammation"):
        assert words in figure


def test_svg_problems_catches_a_missing_description_and_scripts() -> None:
    from mscare.figures import figure_svg, svg_problems

    good = figure_svg("relapse-recovery")
    assert svg_problems(good) == []
    no_desc = re.sub(r"<desc .*?</desc>", "", good, flags=re.S)
    assert any("<desc" in p for p in svg_problems(no_desc))
    scripted = good.replace("</svg>", '<a href="https://example.com"><script>alert(1)</script></a></svg>')
    problem = "must not contain scripts, event handlers, outside links or inline styles"
    assert problem in svg_problems(scripted)
    assert problem in svg_problems(good.replace("<title ", "<style>path{}</style><title ", 1))
    assert svg_problems(good.replace("<path ", '<path onclick="x()" ', 1))


def test_a_figure_in_an_unknown_section_or_file_is_reported(content_copy: Path) -> None:
    path = content_copy / "topics" / "relapses.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("section: How long does a relapse last?", "section: No such heading")
    text = text.replace("name: relapse-recovery", "name: no-such-picture")
    path.write_text(text, encoding="utf-8")
    topic = load_topic(path, content_copy)[0]
    assert topic is not None
    problems = topic_problems(topic, set(), set())
    assert "topics/relapses.md: figure 'no-such-picture': no section called 'No such heading'" in problems
    assert "topics/relapses.md: no figure 'no-such-picture' in static/figures" in problems
