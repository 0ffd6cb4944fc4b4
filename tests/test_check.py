"""``mscare check``: schema, citations, dates, forbidden claims and the readability gate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import textstat
import yaml

from mscare.catalogue import Catalogue
from mscare.check import CheckReport, forbidden_claims, run_check
from mscare.check_sources import RULES, Policy, check_sources, load_policy
from mscare.models import Source, Therapy
from mscare.sources import load_tier_rules, source_tier
from mscare.topics import MAX_PATIENT_GRADE, load_topics, plain_text

REMINDER_LINE = "*This is general information, not personal medical advice. Talk to your MS team about your own care.*"

# A paragraph written for specialists: long sentences of long words, far above grade 10.
DENSE = (
    "Immunomodulatory pharmacotherapeutic interventions substantially ameliorate inflammatory demyelinating "
    "neurodegeneration, notwithstanding considerable interindividual heterogeneity regarding therapeutic "
    "responsiveness, longitudinal tolerability considerations and multidimensional pharmacovigilance "
    "requirements necessitating comprehensive interdisciplinary collaboration."
)
PLAIN = "MS can make you tired. Rest helps. Short walks help too. Ask your team what suits you."


def some_source_id(root: Path) -> str:
    return yaml.safe_load((root / "sources" / "core.yaml").read_text(encoding="utf-8"))[0]["id"]


def write_topic(root: Path, slug: str, *, audience: str, paragraphs: list[str], reminder: bool = True) -> Path:
    front = (f"slug: {slug}\ntitle: Test article {slug}\naudience: {audience}\n"
             "summary: An article written by the test suite to exercise the checks.\nlast_reviewed: 2026-01-01")
    body = "## First section\n\n" + "\n\n".join(paragraphs) + ("\n\n" + REMINDER_LINE if reminder else "") + "\n"
    path = root / "topics" / f"{slug}.md"
    path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    return path


def problems_for(report_problems: list[str], where: str) -> list[str]:
    return [p for p in report_problems if p.startswith(where)]


# --- packaged content ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> CheckReport:
    return run_check()


def test_packaged_content_passes_the_check(report: CheckReport) -> None:
    assert report.problems == []
    assert report.ok


def test_check_reports_one_readability_entry_per_topic(report: CheckReport) -> None:
    topics, _ = load_topics(strict=False)
    assert report.topics == len(topics)
    assert sorted(r["slug"] for r in report.readability) == sorted(topics)
    for entry in report.readability:
        topic = topics[str(entry["slug"])]
        assert entry["audience"] == topic.meta.audience
        assert entry["grade"] == topic.grade()


def test_packaged_patient_articles_are_at_grade_10_or_below(report: CheckReport) -> None:
    too_hard = [(r["slug"], r["grade"]) for r in report.readability
                if r["audience"] == "patient" and float(str(r["grade"])) > MAX_PATIENT_GRADE]
    assert too_hard == []


def test_check_counts_therapies_and_sources(report: CheckReport, catalogue: Catalogue) -> None:
    assert report.therapies == len(catalogue.therapies) >= 55
    assert report.sources == len(catalogue.sources)


# --- readability gate ---------------------------------------------------------------------------------


def test_readability_gate_fails_a_hard_patient_article_and_reports_its_grade(content_copy: Path) -> None:
    source = some_source_id(content_copy)
    write_topic(content_copy, "hard-reading", audience="patient",
                paragraphs=[f"{DENSE} [@{source}]", f"{DENSE} [@{source}]"])
    report = run_check(content_copy)
    entry = next(r for r in report.readability if r["slug"] == "hard-reading")
    body = (content_copy / "topics" / "hard-reading.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    expected = round(float(textstat.flesch_kincaid_grade(plain_text(body))), 1)
    assert entry["grade"] == expected > MAX_PATIENT_GRADE
    assert problems_for(report.problems, "topics/hard-reading.md") == [
        f"topics/hard-reading.md: reading grade {expected} is above {MAX_PATIENT_GRADE} for a patient article"
    ]
    assert not report.ok


def test_readability_gate_leaves_clinician_articles_alone(content_copy: Path) -> None:
    source = some_source_id(content_copy)
    write_topic(content_copy, "for-specialists", audience="clinician", paragraphs=[f"{DENSE} [@{source}]"])
    report = run_check(content_copy)
    entry = next(r for r in report.readability if r["slug"] == "for-specialists")
    assert float(str(entry["grade"])) > MAX_PATIENT_GRADE
    assert problems_for(report.problems, "topics/for-specialists.md") == []


def test_a_plain_patient_article_passes(content_copy: Path) -> None:
    source = some_source_id(content_copy)
    write_topic(content_copy, "easy-reading", audience="patient", paragraphs=[f"{PLAIN} [@{source}]"])
    report = run_check(content_copy)
    assert problems_for(report.problems, "topics/easy-reading.md") == []
    entry = next(r for r in report.readability if r["slug"] == "easy-reading")
    assert float(str(entry["grade"])) <= 8


def test_an_old_slug_claimed_by_two_articles_is_reported(content_copy: Path) -> None:
    source = some_source_id(content_copy)
    path = write_topic(content_copy, "second-claim", audience="patient", paragraphs=[f"{PLAIN} [@{source}]"])
    alias = "aliases: [work-and-daily-life]\nlast_reviewed:"
    text = path.read_text(encoding="utf-8").replace("last_reviewed:", alias, 1)
    path.write_text(text, encoding="utf-8")
    report = run_check(content_copy)
    assert "topics: alias 'work-and-daily-life' is given by more than one article" in report.problems


# --- citations ----------------------------------------------------------------------------------------


def test_an_uncited_paragraph_is_reported(content_copy: Path) -> None:
    source = some_source_id(content_copy)
    uncited = ("Exercise can help many people with MS feel stronger and less tired. Start slowly, and build "
               "up over a few weeks with advice from a physiotherapist.")
    write_topic(content_copy, "uncited", audience="patient", paragraphs=[f"{PLAIN} [@{source}]", uncited])
    report = run_check(content_copy)
    found = problems_for(report.problems, "topics/uncited.md")
    assert found == [f"topics/uncited.md: section 'First section': paragraph without a citation: {uncited[:60]!r}"]


def test_an_unknown_source_id_in_an_article_is_reported(content_copy: Path) -> None:
    write_topic(content_copy, "bad-cite", audience="patient", paragraphs=[f"{PLAIN} [@no-such-source-2026]"])
    report = run_check(content_copy)
    assert problems_for(report.problems, "topics/bad-cite.md") == [
        "topics/bad-cite.md: cites unknown source [@no-such-source-2026]"
    ]


def test_an_unknown_source_id_in_a_therapy_is_reported(content_copy: Path) -> None:
    path = content_copy / "therapies" / "baclofen.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["monitoring"] = [{"test": "Liver tests", "when": "baseline", "why": "Safety check.",
                          "sources": ["invented-source"]}]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    report = run_check(content_copy)
    assert "therapies/baclofen.yaml: sources: unknown source ids ['invented-source']" in report.problems


def test_a_missing_reminder_is_reported(content_copy: Path) -> None:
    source = some_source_id(content_copy)
    write_topic(content_copy, "no-reminder", audience="patient", paragraphs=[f"{PLAIN} [@{source}]"],
                reminder=False)
    report = run_check(content_copy)
    assert problems_for(report.problems, "topics/no-reminder.md") == [
        "topics/no-reminder.md: must end with the reminder that this is information, not personal advice"
    ]


# --- dates and dosing ---------------------------------------------------------------------------------


def test_a_review_date_in_the_future_is_reported(content_copy: Path) -> None:
    source = some_source_id(content_copy)
    write_topic(content_copy, "dated", audience="patient", paragraphs=[f"{PLAIN} [@{source}]"])
    report = run_check(content_copy, today=date(2025, 12, 31))
    assert "topics/dated.md: last_reviewed 2026-01-01 is in the future" in report.problems


def test_before_each_dose_without_dosing_is_reported(content_copy: Path) -> None:
    path = content_copy / "therapies" / "baclofen.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw.pop("dosing", None)
    raw["monitoring"] = [{"test": "Liver tests", "when": "before each dose", "why": "Safety check.",
                          "sources": list(raw["sources"][:1])}]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    report = run_check(content_copy)
    message = "therapies/baclofen.yaml: monitoring is linked to doses but the record has no dosing calendar"
    assert message in report.problems


# --- forbidden claims ---------------------------------------------------------------------------------


def test_a_cure_claim_is_reported_and_its_negation_is_not() -> None:
    assert forbidden_claims("Good news. MS can be cured with this diet.", "x.md") == [
        "x.md: claims a cure: 'MS can be cured with this diet.'"
    ]
    assert forbidden_claims("MS cannot be cured. Treatment slows it down.", "x.md") == []
    assert forbidden_claims("Multiple sclerosis is curable now.", "x.md") != []
    assert forbidden_claims("This pill cures MS!", "x.md") != []
    assert forbidden_claims("No drug cures MS, but many reduce relapses.", "x.md") == []


def test_check_reports_a_cure_claim_in_an_article_but_not_a_denial(content_copy: Path) -> None:
    source = some_source_id(content_copy)
    write_topic(content_copy, "cure-claim", audience="patient",
                paragraphs=[f"MS can be cured if you start early. {PLAIN} [@{source}]"])
    write_topic(content_copy, "cure-denial", audience="patient",
                paragraphs=[f"MS cannot be cured yet. {PLAIN} [@{source}]"])
    report = run_check(content_copy)
    claims = [p for p in report.problems if "claims a cure" in p]
    assert len(claims) == 1
    assert claims[0].startswith("topics/cure-claim.md: claims a cure: ")
    assert "MS can be cured if you start early." in claims[0]


def test_check_reports_a_cure_claim_in_a_therapy_record(content_copy: Path) -> None:
    path = content_copy / "therapies" / "baclofen.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["notes"] = ["Some say multiple sclerosis is curable with baclofen."]
    raw["unverified"] = ["The first approval year was not confirmed on the label."]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    report = run_check(content_copy)
    assert any(p.startswith("therapies/baclofen.yaml: claims a cure:") for p in report.problems), report.problems


def test_a_red_flag_without_urgent_advice_is_reported(content_copy: Path) -> None:
    article = content_copy / "topics" / "zz-red-flag.md"
    article.write_text(
        "---\nslug: zz-red-flag\ntitle: Test\naudience: clinician\nsummary: A test article about vision.\n"
        "last_reviewed: 2026-11-25\n---\n## Vision\n\nSudden loss of vision can be optic neuritis. "
        "It is common in MS. [@core-msplus-vision]\n\n*This is information, not personal medical advice.*\n",
        encoding="utf-8")
    problems = run_check(content_copy).problems
    assert any("zz-red-flag" in p and "urgent care" in p for p in problems)


# --- source tiers and the source rules ----------------------------------------------------------------

STRICT = Policy(tier3_max_share=0.15, enforcement={})  # every rule an error
ANY_SHARE = Policy(tier3_max_share=1.0, enforcement={})  # every rule an error, any tier-3 share


def src(source_id: str, url: str, kind: str = "label") -> Source:
    return Source(id=source_id, title=f"Title of {source_id}", publisher="Publisher", url=url,
                  accessed=date(2026, 12, 6), kind=kind)  # type: ignore[arg-type]


REGISTRY = {s.id: s for s in [
    src("fda-drug-label", "https://www.accessdata.fda.gov/drugsatfda_docs/label/2024/x.pdf"),
    src("ema-drug-epar", "https://www.ema.europa.eu/en/medicines/human/EPAR/x"),
    src("paper-trial", "https://pubmed.ncbi.nlm.nih.gov/123/", kind="paper"),
    src("copy-drug-label", "https://fda.report/DailyMed/abc"),
    src("news-drug", "https://www.fiercebiotech.com/x", kind="news"),
]}


def therapy(**fields: object) -> Therapy:
    record: dict[str, object] = {
        "id": "testdrug", "generic_name": "testdrug", "category": "dmt", "drug_class": "test class",
        "mechanism": "Calms the immune system in a way tests can follow.", "routes": ["oral"],
        "schedule": "10 mg once a day", "approvals": {"us": {"status": "approved"}, "eu": {"status": "not_approved"}},
        "efficacy": "moderate", "key_risks": ["infections"], "pregnancy": "Use contraception.",
        "last_reviewed": "2026-12-06", "sources": ["fda-drug-label"],
        "contraindications": [{"text": "Active serious infection", "sources": ["fda-drug-label"]}],
        "vaccines": {"live": "Avoid live vaccines during treatment.", "sources": ["fda-drug-label"]},
    }
    record.update(fields)
    return Therapy.model_validate(record)


def findings(*therapies: Therapy, policy: Policy = STRICT, registry: dict[str, Source] | None = None):
    return check_sources(therapies, registry or REGISTRY, rules=load_tier_rules(), policy=policy)


@pytest.mark.parametrize(("url", "kind", "tier"), [
    ("https://api.fda.gov/drug/label.json?search=x", "label", 1),
    ("https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=x", "label", 1),
    ("https://www.ema.europa.eu/en/medicines/human/EPAR/x", "label", 1),
    ("https://ec.europa.eu/health/documents/community-register/2024/x.pdf", "label", 1),
    ("https://www.medicines.org.uk/emc/product/1/smpc", "label", 1),
    ("https://www.gov.uk/drug-safety-update/x", "agency", 1),
    ("https://www.nice.org.uk/guidance/ng220", "guideline", 1),
    ("https://pubmed.ncbi.nlm.nih.gov/1/", "guideline", 1),  # an official guideline's journal record
    ("https://pubmed.ncbi.nlm.nih.gov/1/", "paper", 2),
    ("https://doi.org/10.1/x", "paper", 2),
    ("https://www.nationalmssociety.org/x", "society", 2),
    ("https://www.nhs.uk/medicines/x", "agency", 2),
    ("https://www.gov.uk/access-to-work", "agency", 2),  # gov.uk, but not the MHRA
    ("https://fda.report/DailyMed/x", "label", 3),  # a label mirror, whatever its kind says
    ("https://www.drugs.com/pro/x.html", "label", 3),
    ("https://notfda.gov.example.com/x", "label", 3),
])
def test_source_tier_follows_host_and_kind(url: str, kind: str, tier: int) -> None:
    assert source_tier(src("any-source", url, kind)) == tier


def test_a_safety_field_without_a_tier1_source_is_an_error() -> None:
    record = therapy(field_sources={"pregnancy": ["paper-trial", "copy-drug-label"]})
    assert findings(record, policy=ANY_SHARE).problems == [
        "therapies/testdrug.yaml: pregnancy: no tier-1 source (regulator label or official guideline); "
        "cite one or add an unverified entry 'pregnancy: reason'"
    ]


def test_each_monitoring_item_needs_a_tier1_source() -> None:
    monitoring = [{"test": "Liver tests", "when": "baseline", "why": "Label.", "sources": ["fda-drug-label"]},
                  {"test": "Blood count", "when": "every 6 months", "why": "Copy.", "sources": ["copy-drug-label"]}]
    problems = findings(therapy(monitoring=monitoring), policy=ANY_SHARE).problems
    assert [p.split(": ")[1] for p in problems] == ["monitoring"]


def test_an_unverified_entry_turns_the_missing_tier1_source_into_a_counted_warning() -> None:
    record = therapy(field_sources={"pregnancy": ["news-drug"]},
                     unverified=["pregnancy: the regulator's label was not available; a news report was used."])
    result = findings(record, policy=ANY_SHARE)
    assert result.problems == []
    assert "1 safety fields have no tier-1 source yet and are marked unverified: testdrug pregnancy" in result.warnings


def test_symptomatic_records_need_no_tier1_source() -> None:
    record = therapy(category="symptomatic", sources=["paper-trial"], contraindications=[], vaccines=None)
    assert findings(record, policy=ANY_SHARE).problems == []


def test_tier3_share_above_the_limit_is_reported_with_its_figure() -> None:
    record = therapy(field_sources={"notes": ["copy-drug-label"], "pregnancy": ["fda-drug-label"]})
    result = findings(record)
    # 5 citations: sources, 2 field_sources lists, contraindications[0], vaccines; one of them tier 3.
    assert result.citations == 5
    assert result.shares == {1: 0.8, 2: 0.0, 3: 0.2}
    assert "tier-3 sources are 20% of 5 therapy citations; at most 15% allowed" in result.problems
    relaxed = findings(record, policy=Policy(tier3_max_share=0.15, enforcement={"tier3_share": "warning"}))
    assert "tier-3 sources are 20% of 5 therapy citations; at most 15% allowed" in relaxed.warnings
    assert relaxed.problems == []


def test_a_regulator_id_must_point_to_that_regulator() -> None:
    registry = {**REGISTRY, "fda-drug-copy": src("fda-drug-copy", "https://fda.report/DailyMed/abc"),
                "ema-drug-news": src("ema-drug-news", "https://www.einpresswire.com/article/1"),
                "mhra-drug-dsu": src("mhra-drug-dsu", "https://www.gov.uk/drug-safety-update/x"),
                "nice-drug-ta": src("nice-drug-ta", "https://nice.org.uk/guidance/ta1")}
    problems = findings(therapy(), registry=registry).problems
    assert problems == [
        "sources: fda-drug-copy: an id starting 'fda-' must point to that regulator, not https://fda.report/DailyMed/abc",
        "sources: ema-drug-news: an id starting 'ema-' must point to that regulator, "
        "not https://www.einpresswire.com/article/1",
    ]


@pytest.mark.parametrize(("url", "flagged"), [
    ("https://sit.mimsdev.com/singapore/drug/info/x", True),
    ("https://staging.medtruth.com/articles/x", True),
    ("https://dev.rosemontpharma.com/x", True),
    ("https://test.example.org/x", True),
    ("https://www.mims.com/x", False),
    ("https://latest.example.org/x", False),  # "test." inside a longer label is not a test host
    ("https://devon.nhs.uk/x", False),
])
def test_development_staging_and_test_hosts_are_reported(url: str, flagged: bool) -> None:
    registry = {**REGISTRY, "some-copy": src("some-copy", url)}
    problems = findings(therapy(), registry=registry).problems
    assert (f"sources: some-copy: {url} is a development, staging or test host" in problems) is flagged


def test_a_source_cited_twice_in_one_list_is_reported() -> None:
    record = therapy(sources=["fda-drug-label", "fda-drug-label"], field_sources={"notes": ["news-drug", "news-drug"]})
    problems = [p for p in findings(record).problems if "more than once" in p]
    assert problems == ["therapies/testdrug.yaml: sources: cites fda-drug-label more than once",
                        "therapies/testdrug.yaml: field_sources.notes: cites news-drug more than once"]


def test_an_approved_dmt_without_contraindications_or_vaccines_fails() -> None:
    problems = findings(therapy(contraindications=[], vaccines=None)).problems
    assert "therapies/testdrug.yaml: an approved DMT must fill contraindications" in problems
    assert "therapies/testdrug.yaml: an approved DMT must fill vaccines" in problems


def test_an_approved_dmt_may_say_why_a_safety_field_is_missing() -> None:
    record = therapy(contraindications=[], vaccines=None,
                     unverified=["contraindications: no regulator copy of the product information was available"])
    problems = [p for p in findings(record).problems if "must fill" in p]
    assert problems == ["therapies/testdrug.yaml: an approved DMT must fill vaccines"]


def test_the_packaged_content_passes_every_enforced_source_rule(report: CheckReport) -> None:
    enforced = [p for p in report.problems if "tier-1" in p or "must fill" in p or "test host" in p]
    assert enforced == []
    assert not [w for w in report.warnings if "must fill" in w or "no tier-1 source (regulator" in w]


@pytest.mark.parametrize("status", ["withdrawn", "under_review", "not_approved"])
def test_withdrawn_and_investigational_dmts_need_no_contraindications(status: str) -> None:
    record = therapy(contraindications=[], vaccines=None,
                     approvals={"us": {"status": status}, "eu": {"status": "not_approved"}})
    assert [p for p in findings(record).problems if "must fill" in p] == []


def test_packaged_check_reports_tier_shares(report: CheckReport) -> None:
    assert set(report.tier_shares) == {1, 2, 3}
    assert abs(sum(report.tier_shares.values()) - 1) < 1e-9
    assert report.citations > 1000
    tier3_warnings = [w for w in report.warnings + report.problems if w.startswith("tier-3 sources are")]
    assert (report.tier_shares[3] > report.tier3_max_share) == bool(tier3_warnings)


# --- near-identical sentences across articles -----------------------------------------------------------

from mscare.topic_overlap import MAX_PAIRS, load_stopwords, near_duplicates  # noqa: E402
from mscare.topics import load_topic  # noqa: E402

SHARED = "Heat can make old MS symptoms flare for a while, but they settle again once you cool down."


def test_the_detector_finds_a_planted_duplicate_and_ignores_different_sentences(content_copy: Path) -> None:
    source = some_source_id(content_copy)
    first = write_topic(content_copy, "overlap-a", audience="patient", paragraphs=[
        f"{SHARED} [@{source}]",
        f"Walking aids such as a stick or a frame can save energy and prevent falls at home. [@{source}]",
    ])
    second = write_topic(content_copy, "overlap-b", audience="patient", paragraphs=[
        # the same sentence with different case and punctuation, and one stop word changed
        f"heat can make old MS symptoms flare for a while; but they settle again when you cool down! [@{source}]",
        f"Bladder problems are common in MS and there are many treatments that can help you. [@{source}]",
    ])
    topics = [load_topic(path, content_copy)[0] for path in (first, second)]
    pairs = near_duplicates([t for t in topics if t is not None], load_stopwords(content_copy))
    assert len(pairs) == 1
    assert {pairs[0].first.slug, pairs[0].second.slug} == {"overlap-a", "overlap-b"}
    assert pairs[0].similarity >= 0.8


def test_the_same_sentence_twice_in_one_article_is_not_counted(content_copy: Path) -> None:
    source = some_source_id(content_copy)
    path = write_topic(content_copy, "overlap-self", audience="patient",
                       paragraphs=[f"{SHARED} [@{source}]", f"{SHARED} [@{source}]"])
    topic = load_topic(path, content_copy)[0]
    assert topic is not None
    assert near_duplicates([topic], load_stopwords(content_copy)) == []


def test_packaged_articles_have_few_near_identical_sentences(report: CheckReport) -> None:
    assert len(report.duplicates) < MAX_PAIRS


def test_check_fails_when_too_many_sentences_are_copied_between_articles(content_copy: Path) -> None:
    source = some_source_id(content_copy)
    sentences = [f"Copied sentence number {n} says the same long thing about heat and MS symptoms today."
                 for n in ("one", "two", "three", "four", "five", "six", "seven", "eight")]
    for slug in ("copy-a", "copy-b", "copy-c"):
        write_topic(content_copy, slug, audience="patient", paragraphs=[f"{s} [@{source}]" for s in sentences])
    report = run_check(content_copy, today=date(2026, 12, 6))
    assert len(report.duplicates) >= MAX_PAIRS
    assert any("near-identical sentence pairs" in p for p in report.problems)


# --- one wording of urgent advice ---------------------------------------------------------------------------

def test_urgent_yaml_covers_every_red_flag_and_gives_the_numbers() -> None:
    from mscare.ask.lexicon import load_lexicon
    from mscare.urgent import emergency_numbers, load_urgent, numbers_line

    data = load_urgent()
    assert {f.id for f in load_lexicon().red_flags} <= set(data.advice)
    assert [n.number for n in emergency_numbers(data)] == ["911", "999", "112"]
    assert numbers_line(data) == "911 (US), 999 (UK) or 112 (EU)"
    assert data.advice["anaphylaxis"].urgency == "emergency"


def test_an_invalid_urgent_yaml_is_reported_by_the_check(content_copy: Path) -> None:
    path = content_copy / "care" / "urgent.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("urgency: emergency", "urgency: soonish", 1),
                    encoding="utf-8")
    problems = run_check(content_copy, today=date(2026, 12, 6)).problems
    assert any(p.startswith("care/urgent.yaml: advice.") and "urgency" in p for p in problems)


def test_the_urgent_help_article_must_use_urgent_yaml_wording(content_copy: Path) -> None:
    path = content_copy / "topics" / "urgent-help.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Call your pump team now.", "Call your team soon."),
                    encoding="utf-8")
    problems = run_check(content_copy, today=date(2026, 12, 6)).problems
    assert any("'baclofen-pump'" in p and "urgent-help.md" in p for p in problems)


def test_a_red_flag_missing_from_urgent_yaml_is_reported(content_copy: Path) -> None:
    path = content_copy / "care" / "urgent.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  stroke:\n")
    end = text.index("  baclofen-pump:\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    problems = run_check(content_copy, today=date(2026, 12, 6)).problems
    assert "care/urgent.yaml: no advice for red flag 'stroke' (lexicon/redflags.yaml)" in problems


def test_the_packaged_policy_makes_every_source_rule_an_error() -> None:
    """The shipped content meets every source rule, the tier-3 ceiling included, so none is only a warning."""
    policy = load_policy()
    assert policy.tier3_max_share == 0.15
    assert all(policy.is_error(rule) for rule in RULES)


def test_medicines_yaml_faults_and_unknown_sources_are_reported_by_the_check(content_copy: Path) -> None:
    path = content_copy / "care" / "medicines.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("sources: [sps-missed-doses]", "sources: [no-such-source]"), encoding="utf-8")
    problems = run_check(content_copy, today=date(2026, 12, 6)).problems
    assert any("unknown source 'no-such-source'" in p for p in problems)
    path.write_text(text.replace("sources: [sps-missed-doses]", "sources: []"), encoding="utf-8")
    problems = run_check(content_copy, today=date(2026, 12, 6)).problems
    assert any(p.startswith("care/medicines.yaml: missing.missed_dose.sources") for p in problems), problems
