"""``mscare check``: schema, citations, dates, forbidden claims and the readability gate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import textstat
import yaml

from mscare.catalogue import Catalogue
from mscare.check import CheckReport, forbidden_claims, run_check
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
