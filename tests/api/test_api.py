"""The REST API as a client sees it: status codes, JSON shapes, error bodies and security headers."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest

from mscare.settings import MAX_QUESTION_CHARS

SOURCE_KEYS = {"id", "title", "publisher", "url"}
PASSAGE_KEYS = {"id", "title", "text", "source", "score"}


def get_json(client: Any, url: str, status: int = 200, **params: Any) -> Any:
    response = client.get(url, params=params or None)
    assert response.status_code == status, f"{url} {params}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def messages(body: dict[str, Any]) -> str:
    """The error messages of an API error body, which always has FastAPI's validation-error shape."""
    assert isinstance(body["detail"], list) and body["detail"], body
    assert all(set(item) >= {"loc", "msg", "type"} for item in body["detail"]), body
    return " ".join(item["msg"] for item in body["detail"])


def assert_ask_shape(body: dict[str, Any], question: str) -> None:
    """The object DESIGN.md promises for ``mscare ask --json`` and ``/api/ask`` (extra keys may be added)."""
    assert set(body) >= {"question", "answer", "passages", "related"}
    assert body["question"] == question
    answer = body["answer"]
    assert set(answer) >= {"text", "sources", "topic", "confidence", "refused", "urgent"}
    assert isinstance(answer["text"], str) and answer["text"].strip()
    assert answer["topic"] is None or isinstance(answer["topic"], str)
    assert 0.0 <= answer["confidence"] <= 1.0
    assert isinstance(answer["refused"], bool) and isinstance(answer["urgent"], bool)
    for source in answer["sources"]:
        assert set(source) >= SOURCE_KEYS
        assert source["url"].startswith(("http://", "https://"))
    for passage in body["passages"]:
        assert set(passage) >= PASSAGE_KEYS
        assert isinstance(passage["score"], int | float)
    assert all(isinstance(slug, str) for slug in body["related"])


# --- meta and catalogue -------------------------------------------------------------------------------------


def test_healthz_counts_the_loaded_content(api_client: Any) -> None:
    body = get_json(api_client, "/healthz")
    assert body["status"] == "ok"
    assert body["therapies"] == len(get_json(api_client, "/api/therapies"))
    assert body["topics"] == len(get_json(api_client, "/api/topics"))


def test_therapy_list_and_category_filter(api_client: Any) -> None:
    everything = get_json(api_client, "/api/therapies")
    dmts = get_json(api_client, "/api/therapies", category="dmt")
    ids = {t["id"] for t in everything}
    assert {"natalizumab", "ocrelizumab", "cladribine"} <= ids
    assert dmts and all(t["category"] == "dmt" for t in dmts)
    assert len(dmts) < len(everything)
    assert {t["id"] for t in dmts} == {t["id"] for t in everything if t["category"] == "dmt"}


def test_unknown_category_is_422_naming_the_choices(api_client: Any) -> None:
    body = get_json(api_client, "/api/therapies", status=422, category="vitamins")
    assert "vitamins" in messages(body) and "dmt" in messages(body)


@pytest.mark.parametrize("name", ["tysabri", "Tysabri", "natalizumab", "tysabry"])
def test_therapy_by_brand_generic_or_near_miss(api_client: Any, name: str) -> None:
    body = get_json(api_client, f"/api/therapies/{name}")
    assert body["id"] == "natalizumab"
    assert "Tysabri" in body["brands"]
    assert set(body["approvals"]) >= {"us", "eu"}
    assert body["sources"]


def test_unknown_therapy_is_404_with_detail_and_suggestions(api_client: Any) -> None:
    body = get_json(api_client, "/api/therapies/xyzzymab", status=404)
    assert set(body) == {"detail", "suggestions"}
    assert "xyzzymab" in messages(body)
    assert isinstance(body["suggestions"], list)


def test_close_but_unknown_name_gets_suggestions(api_client: Any) -> None:
    response = api_client.get("/api/therapies/ocrelizumabb")
    if response.status_code == 200:  # the catalogue may know this misspelling as an alias
        assert response.json()["id"] == "ocrelizumab"
    else:
        assert response.status_code == 404
        assert "ocrelizumab" in response.json()["suggestions"]


def test_topics_list_and_one_topic(api_client: Any) -> None:
    topics = get_json(api_client, "/api/topics")
    slugs = [t["slug"] for t in topics]
    assert "relapses" in slugs
    assert all({"slug", "title", "audience", "summary"} <= set(t) for t in topics)
    relapses = get_json(api_client, "/api/topics/relapses")
    assert relapses["slug"] == "relapses"
    assert "relapse" in relapses["title"].lower()


def test_unknown_topic_is_404_json(api_client: Any) -> None:
    body = get_json(api_client, "/api/topics/no-such-topic", status=404)
    assert "no-such-topic" in messages(body)
    assert isinstance(body["suggestions"], list)


# --- ask ----------------------------------------------------------------------------------------------------


def test_ask_returns_the_documented_object_with_sources(api_client: Any) -> None:
    question = "How does natalizumab work?"
    body = get_json(api_client, "/api/ask", q=question)
    assert_ask_shape(body, question)
    answer = body["answer"]
    assert not answer["refused"] and not answer["urgent"]
    assert "natalizumab" in answer["text"].lower()
    assert answer["sources"], "an answer that is not a refusal cites at least one source"
    assert body["passages"]


def test_ask_k_bounds(api_client: Any) -> None:
    body = get_json(api_client, "/api/ask", q="What is a relapse?", k=2)
    assert len(body["passages"]) <= 2
    get_json(api_client, "/api/ask", status=422, q="What is a relapse?", k=0)
    get_json(api_client, "/api/ask", status=422, q="What is a relapse?", k=21)


def test_ask_flags_urgent_symptoms(api_client: Any) -> None:
    body = get_json(api_client, "/api/ask", q="my right eye went blurry since yesterday and hurts when I move it")
    assert body["answer"]["urgent"] is True


def test_ask_refuses_off_topic(api_client: Any) -> None:
    body = get_json(api_client, "/api/ask", q="how do I fix a leaky kitchen faucet")
    assert body["answer"]["refused"] is True
    assert body["answer"]["text"]


@pytest.mark.parametrize("q", ["", "   ", "\t\n ", "x" * (MAX_QUESTION_CHARS + 1)],
                         ids=["empty", "spaces", "whitespace", "1001-chars"])
def test_ask_rejects_empty_blank_and_too_long(api_client: Any, q: str) -> None:
    body = get_json(api_client, "/api/ask", status=422, q=q)
    assert body["detail"]


def test_ask_missing_q_is_422(api_client: Any) -> None:
    assert get_json(api_client, "/api/ask", status=422)["detail"]


def test_ask_accepts_exactly_the_limit(api_client: Any) -> None:
    question = ("How does natalizumab work? " * 40)[:MAX_QUESTION_CHARS - 1] + "?"
    assert len(question) == MAX_QUESTION_CHARS
    assert_ask_shape(get_json(api_client, "/api/ask", q=question), question)


@pytest.mark.parametrize("q", [
    "<script>alert(1)</script>",
    'what is "natalizumab"?',
    "what's a relapse?",
    "ocrelizumab NEAR natalizumab",
    "NEAR(relapse steroids, 5)",
    "relap*",
    "*",
    "-",
    "- natalizumab -ocrelizumab",
    "'; DROP TABLE passages; --",
    "\" OR 1=1 --",
    "title:relapse",
    "relapse AND OR NOT",
    "(((",
    "^natalizumab",
])
def test_ask_hostile_text_never_breaks(api_client: Any, q: str) -> None:
    body = get_json(api_client, "/api/ask", q=q)
    assert_ask_shape(body, q)
    # The index survives: an ordinary question still finds its passages afterwards.
    again = get_json(api_client, "/api/ask", q="What is a relapse?")
    assert again["passages"] and not again["answer"]["refused"]


# --- care tools ---------------------------------------------------------------------------------------------


def test_compare_by_brands(api_client: Any) -> None:
    body = get_json(api_client, "/api/compare", names="tysabri,ocrevus")
    assert body["therapies"] == ["natalizumab", "ocrelizumab"]
    fields = {row["field"]: row for row in body["rows"]}
    assert fields["brands"]["values"]["natalizumab"].startswith("Tysabri")
    assert any(row["differs"] for row in body["rows"])


def test_compare_unknown_name_is_404_with_suggestions(api_client: Any) -> None:
    body = get_json(api_client, "/api/compare", status=404, names="tysabri,xyzzymab")
    assert "xyzzymab" in messages(body) and isinstance(body["suggestions"], list)


def test_monitoring_schedule_from_start_date(api_client: Any) -> None:
    body = get_json(api_client, "/api/monitoring/natalizumab", start="2026-01-15")
    assert body["therapy"] == "natalizumab" and body["start"] == "2026-01-15"
    dates = [e["date"] for e in body["events"]]
    assert dates and dates == sorted(dates) and dates[0] >= "2026-01-15"
    assert any("JC" in e["test"] for e in body["events"])
    assert all(e["sources"] for e in body["events"])


def test_monitoring_months_bounds_the_horizon(api_client: Any) -> None:
    body = get_json(api_client, "/api/monitoring/natalizumab", start="2026-01-15", months=6)
    assert body["months"] == 6
    assert all(e["date"] < "2026-08-01" for e in body["events"])


@pytest.mark.parametrize("params", [
    {"start": "2026-13-15"}, {"start": "15/01/2026"}, {"start": "yesterday"}, {},
    {"start": "2026-01-15", "months": 500}, {"start": "2026-01-15", "months": 0},
    {"start": "2026-01-15", "months": "many"},
], ids=["month-13", "dmy", "word", "missing", "months-500", "months-0", "months-word"])
def test_monitoring_bad_input_is_422(api_client: Any, params: dict[str, Any]) -> None:
    assert get_json(api_client, "/api/monitoring/natalizumab", status=422, **params)["detail"]


def test_monitoring_unknown_therapy_is_404(api_client: Any) -> None:
    assert get_json(api_client, "/api/monitoring/xyzzymab", status=404, start="2026-01-15")["detail"]


def test_relapse_check_without_answers_is_unclear(api_client: Any) -> None:
    body = get_json(api_client, "/api/relapse-check")
    assert body["outcome"] == "unclear"
    assert body["advice"] and body["sources"]


def test_relapse_check_long_symptoms_is_likely_relapse(api_client: Any) -> None:
    body = get_json(api_client, "/api/relapse-check", symptoms="numb left leg", hours=48)
    assert body["outcome"] == "likely_relapse"


def test_relapse_check_with_fever_is_not_a_plain_relapse(api_client: Any) -> None:
    body = get_json(api_client, "/api/relapse-check", symptoms="legs weaker", hours=48, fever=True)
    assert body["outcome"] != "likely_relapse"


def test_options_for_relapsing_ms(api_client: Any) -> None:
    body = get_json(api_client, "/api/options", ms_type="rrms")
    assert body["profile"]["ms_type"] == "rrms"
    fit_ids = {f["id"] for f in body["fits"]}
    assert "natalizumab" in fit_ids or "ocrelizumab" in fit_ids
    for fit in body["fits"]:
        assert all(reason["sources"] for reason in fit["reasons_for"])


@pytest.mark.parametrize("ms_type", ["relapsing", "RRMS2", ""])
def test_options_bad_ms_type_is_422(api_client: Any, ms_type: str) -> None:
    assert get_json(api_client, "/api/options", status=422, ms_type=ms_type)["detail"]


def test_mitoxantrone_cumulative_dose(api_client: Any) -> None:
    body = api_client.get("/api/mitoxantrone-dose?dose=12&dose=12")
    assert body.status_code == 200
    data = body.json()
    assert data["cumulative"] == pytest.approx(24.0)
    assert data["limits"]["us"]["remaining"] == pytest.approx(data["limits"]["us"]["limit"] - 24.0)
    assert data["limits"]["eu"]["reached"] is False


@pytest.mark.parametrize("query", ["dose=-5", "dose=abc", "", "dose=inf"])
def test_mitoxantrone_bad_doses_are_422(api_client: Any, query: str) -> None:
    assert api_client.get(f"/api/mitoxantrone-dose?{query}").status_code == 422


def test_appointment_summary(api_client: Any) -> None:
    body = get_json(api_client, "/api/appointment", therapy="cladribine", concern="pregnancy")
    assert body["therapy"]["id"] == "cladribine"
    assert body["sources"]
    assert "pregnan" in str(body).lower()


def test_appointment_unknown_therapy_is_404(api_client: Any) -> None:
    assert get_json(api_client, "/api/appointment", status=404, therapy="xyzzymab")["detail"]


# --- headers, docs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/therapies", "/therapies/ocrelizumab", "/ask?q=relapse", "/healthz",
                                 "/api/therapies", "/api/therapies/xyzzymab", "/api/ask?q=", "/static/style.css",
                                 "/no-such-page"])
def test_security_headers_everywhere(api_client: Any, url: str) -> None:
    headers = api_client.get(url).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_docs_and_openapi_list_the_routes(api_client: Any) -> None:
    docs = api_client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert docs.headers["x-content-type-options"] == "nosniff"
    paths = set(get_json(api_client, "/openapi.json")["paths"])
    expected = {"/healthz", "/api/therapies", "/api/therapies/{name}", "/api/topics", "/api/topics/{slug}",
                "/api/ask", "/api/compare", "/api/monitoring/{name}", "/api/options", "/api/relapse-check",
                "/api/mitoxantrone-dose", "/api/appointment"}
    assert expected <= paths, f"missing from OpenAPI: {sorted(expected - paths)}"
    assert not any(p in paths for p in ("/", "/therapies", "/ask")), "HTML pages stay out of the API schema"


# --- fuzz-ish: odd text into every parameter ----------------------------------------------------------------

ODD_INPUTS = [
    "", " ", "\t\n\r", "\x00", "nat\x00alizumab", "\x1b[31mred\x1b[0m", "\x7f\x08", "\u202enrut", "\u200b",
    "\ufeffocrevus", "💊💉🧠", "👩‍⚕️ tysabri", "ナタリズマブ", "натализумаб", "Ñatalizümab", "ﬁngolimod", "𝕥𝕪𝕤𝕒𝕓𝕣𝕚",
    "TYSABRI", "tysabri" * 150, "a" * 5000, "../../../etc/passwd", "%00%2e%2e%2f", "<script>alert(1)</script>",
    "' OR 1=1 --", '"', "NEAR(a b)", "*", "-1", "NaN", "1e309", "2026-02-30", "9999-12-31", ",,,,",
    "tysabri,tysabri,tysabri", "ocrevus," * 100, "null", "{}", "\\",
]


def odd_requests(value: str) -> list[tuple[str, dict[str, str]]]:
    """Every route with a path or query parameter, with ``value`` put into each parameter in turn."""
    path = quote(value, safe="")
    return [
        ("/api/therapies", {"category": value}),
        (f"/api/therapies/{path}", {}),
        (f"/api/topics/{path}", {}),
        ("/api/ask", {"q": value}),
        ("/api/ask", {"q": "relapse", "k": value}),
        ("/api/compare", {"names": value}),
        ("/api/compare", {"names": f"tysabri,{value}"}),
        (f"/api/monitoring/{path}", {"start": "2026-01-15"}),
        ("/api/monitoring/natalizumab", {"start": value}),
        ("/api/monitoring/natalizumab", {"start": "2026-01-15", "months": value}),
        ("/api/relapse-check", {"symptoms": value}),
        ("/api/relapse-check", {"hours": value}),
        ("/api/relapse-check", {"red_flag": value, "fever": value}),
        ("/api/options", {"ms_type": value}),
        ("/api/options", {"ms_type": "rrms", "age": value, "jcv": value, "route": value, "region": value,
                          "priority": value}),
        ("/api/mitoxantrone-dose", {"dose": value}),
        ("/api/appointment", {"therapy": value}),
        ("/api/appointment", {"concern": value, "start": value}),
        ("/ask", {"q": value}),
        ("/therapies", {"category": value, "route": value, "us": value, "eu": value}),
        (f"/therapies/{path}", {}),
        (f"/topics/{path}", {}),
        ("/compare", {"names": value}),
        ("/monitoring", {"therapy": value, "start": "2026-01-15"}),
        ("/monitoring", {"therapy": "natalizumab", "start": value}),
        ("/monitoring", {"therapy": "natalizumab", "start": "2026-01-15", "months": value}),
        ("/relapse-check", {"submitted": "true", "symptoms": value, "hours": value, "red_flag": value}),
        ("/options", {"ms_type": value, "age": value}),
        ("/options", {"ms_type": "rrms", "age": value, "jcv": value, "route": value, "priority": value}),
        ("/mitoxantrone-dose", {"doses": value}),
        ("/appointment", {"submitted": "true", "therapy": value, "concern": value, "start": value}),
    ]


@pytest.mark.parametrize("value", ODD_INPUTS, ids=[f"odd{i}" for i in range(len(ODD_INPUTS))])
def test_odd_input_never_causes_a_server_error(api_client: Any, value: str) -> None:
    failures = []
    for url, params in odd_requests(value):
        response = api_client.get(url, params=params)
        if response.status_code >= 500:
            failures.append(f"{url} {params!r:.120}: {response.status_code}")
        elif url.startswith("/api/") and response.status_code >= 400:
            assert messages(response.json()), f"{url} {params!r:.120}: an API error names its cause"
    assert not failures, "server errors:\n" + "\n".join(failures)


# --- safety fields and source tiers -------------------------------------------------------------------


def test_therapy_json_carries_contraindications_interactions_and_guide(api_client: Any) -> None:
    body = get_json(api_client, "/api/therapies/fampyra")
    assert body["id"] == "dalfampridine"
    texts = [c["text"] for c in body["contraindications"]]
    assert texts[0].startswith("Any seizure in the past")
    assert all(c["sources"] for c in body["contraindications"])
    assert body["patient_guide"]["missed_dose"].startswith("Skip the missed dose")
    assert {s["id"]: s["tier"] for s in body["source_details"]}["dailymed-dalfampridine-er-label"] == 1


def test_sources_api_gives_tiers_and_rejects_an_unknown_tier(api_client: Any) -> None:
    everything = get_json(api_client, "/api/sources")
    assert {s["tier"] for s in everything} == {1, 2, 3}
    tier2 = get_json(api_client, "/api/sources", tier=2)
    assert tier2 and {s["tier"] for s in tier2} == {2}
    assert len(tier2) < len(everything)
    error = get_json(api_client, "/api/sources", status=422, tier=7)
    assert error["detail"]


def test_therapy_page_shows_the_safety_fields_with_numbered_citations(api_client: Any) -> None:
    response = api_client.get("/therapies/dalfampridine")
    assert response.status_code == 200
    html = response.text
    for heading in ["Who should not take it", "Other medicines and food", "Using it day to day", "How to take it",
                    "If you miss a dose", "What to avoid", "When to call your MS team or get urgent help",
                    "How soon it works"]:
        assert f">{heading}</h" in html
    assert '<strong class="region">(US only)</strong>' in html
    assert '<strong class="region">(EU and UK only)</strong>' in html
    import re

    number = re.search(r'<li id="src-(\d+)" tabindex="-1"><a href="[^"]*dalfampridine[^"]*"', html)
    assert number, "the DailyMed label is in the numbered source list"
    assert f'href="#src-{number.group(1)}"' in html  # cited inline by number
    assert f'href="#cite-{number.group(1)}"' in html  # and the list entry links back
    assert "<h1>dalfampridine (fampridine) (Ampyra)</h1>" in html
    assert '<nav class="toc"' in html


def test_sources_page_has_a_tier_column(api_client: Any) -> None:
    html = api_client.get("/sources", params={"q": "dalfampridine"}).text
    assert '<th scope="col">Tier</th>' in html
    assert re.search(r'<tr id="formularywatch-dalfampridine-2010"><td class="tier" data-label="Tier">3</td>', html)
    html = api_client.get("/sources", params={"q": "dalfampridine", "tier": "1"}).text
    assert re.search(r'<tr id="dailymed-dalfampridine-er-label"><td class="tier" data-label="Tier">1</td>', html)


def test_sources_page_searches_filters_and_pages(api_client: Any) -> None:
    first = api_client.get("/sources").text
    assert first.count('<td class="tier"') == 50 and "Next page" in first  # one page, not the whole registry
    only_nice = api_client.get("/sources", params={"publisher": "National Institute for Health and Care Excellence"})
    rows = re.findall(r'<tr id="[^"]+"><td class="tier" data-label="Tier">(\d)</td>', only_nice.text)
    assert rows and set(rows) == {"1"}
    tier3 = api_client.get("/sources", params={"tier": "3"}).text
    assert re.findall(r'data-label="Tier">(\d)<', tier3) and set(re.findall(r'data-label="Tier">(\d)<', tier3)) == {"3"}
    nothing = api_client.get("/sources", params={"q": "zzzz-no-such-source"}).text
    assert "<h2 id=\"results\" tabindex=\"-1\">0 sources" in nothing
