"""Terminal rendering of the safety fields: region labels, vaccine timing, interactions and the patient guide."""

from __future__ import annotations

from mscare.models import Therapy
from mscare.render import guide_parts, region_label, safety_view, vaccine_parts


def record(**fields: object) -> Therapy:
    base: dict[str, object] = {
        "id": "testmab", "generic_name": "testmab", "category": "dmt", "drug_class": "test antibody",
        "mechanism": "Removes some immune cells in a way tests can follow.", "routes": ["iv"],
        "schedule": "Every 6 months", "approvals": {"us": {"status": "approved"}, "eu": {"status": "approved"}},
        "efficacy": "high", "key_risks": ["infections"], "pregnancy": "Use contraception.",
        "last_reviewed": "2026-12-06", "sources": ["fda-x"],
    }
    base.update(fields)
    return Therapy.model_validate(base)


def test_region_label_names_only_the_regions_that_differ() -> None:
    assert region_label(["us", "eu", "uk"]) == ""
    assert region_label(["us"]) == "US only"
    assert region_label(["uk", "eu"]) == "EU and UK only"


def test_vaccine_advice_is_shown_in_order_with_plain_headings_and_sources() -> None:
    therapy = record(vaccines={"live": "Not during treatment.", "before": "Live vaccines at least 4 weeks before.",
                               "after": "Not until B cells recover.", "sources": ["fda-x", "ema-x"]})
    assert vaccine_parts(therapy.vaccines) == [("Live vaccines", "Not during treatment."),
                                               ("Before starting", "Live vaccines at least 4 weeks before."),
                                               ("After stopping", "Not until B cells recover.")]
    text = "\n".join(safety_view(therapy))
    assert text.index("Vaccines:") < text.index("Live vaccines:") < text.index("Before starting:")
    assert "Sources: [fda-x, ema-x]" in text


def test_contraindications_interactions_and_guide_carry_their_citations() -> None:
    therapy = record(
        contraindications=[{"text": "Active hepatitis B infection", "sources": ["fda-x"]},
                           {"text": "Severe heart failure", "regions": ["eu", "uk"], "sources": ["ema-x"]}],
        interactions=[{"agent": "Tyramine-rich food", "effect": "Blood pressure can rise.", "sources": ["fda-x"]}],
        patient_guide={"missed_dose": "Take it as soon as you remember.", "onset": "Weeks.", "sources": ["fda-x"]},
    )
    text = " ".join(" ".join(safety_view(therapy)).split())
    assert "- Active hepatitis B infection [fda-x]" in text
    assert "- Severe heart failure (EU and UK only) [ema-x]" in text
    assert "- Tyramine-rich food: Blood pressure can rise. [fda-x]" in text
    assert [h for h, _ in guide_parts(therapy.patient_guide)] == ["If you miss a dose", "How soon it works"]
    assert "How soon it works: Weeks." in text


def test_a_record_without_safety_fields_adds_nothing() -> None:
    assert safety_view(record()) == []
