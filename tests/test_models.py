"""The content schema: the ``when`` grammar of monitoring items and therapy-record validation."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from mscare.content import content_dir
from mscare.models import MonitoringItem, Therapy, When, parse_when


@pytest.fixture(scope="module")
def natalizumab_raw() -> dict[str, Any]:
    """The packaged natalizumab record as plain data, to mutate one field at a time."""
    path = content_dir() / "therapies" / "natalizumab.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# Every form that docs/CONTENT.md lists, with what it must mean.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("baseline", When(kind="baseline")),
        ("first dose", When(kind="first_dose")),
        ("before each dose", When(kind="each_dose")),
        ("as clinically indicated", When(kind="as_needed")),
        ("month 2, 6, 14, 18", When(kind="months", months=[2, 6, 14, 18])),
        ("months 0, 1, 2", When(kind="months", months=[0, 1, 2])),
        ("month 3", When(kind="months", months=[3])),
        ("every 6 months", When(kind="every", every=6, start=0, until=None)),
        ("every 1 month until month 60", When(kind="every", every=1, start=0, until=60)),
        ("every 12 months from month 12", When(kind="every", every=12, start=12, until=None)),
        ("every 1 month from month 1 until month 60", When(kind="every", every=1, start=1, until=60)),
    ],
)
def test_parse_when_reads_every_documented_form(text: str, expected: When) -> None:
    assert parse_when(text) == expected


def test_parse_when_forgives_case_and_surrounding_space() -> None:
    assert parse_when("  Every 3 Months From Month 3 ") == When(kind="every", every=3, start=3)
    assert parse_when("BASELINE") == When(kind="baseline")


@pytest.mark.parametrize(
    "text",
    [
        "sometimes",
        "",
        "monthly",
        "every six months",
        "every month",
        "month",
        "month 2,6",  # the grammar wants ", " between months
        "every 6 weeks",
        "until month 60 every 1 month",
        "every 6 months until month",
    ],
)
def test_parse_when_rejects_bad_strings_naming_the_expected_forms(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_when(text)
    message = str(err.value)
    assert repr(text) in message
    for form in ('"baseline"', '"first dose"', '"before each dose"', '"as clinically indicated"',
                 '"month N[, N...]"', '"every N months[ from month A][ until month B]"'):
        assert form in message


def test_parse_when_rejects_a_zero_interval() -> None:
    with pytest.raises(ValueError, match="at least 1 month"):
        parse_when("every 0 months")


def test_monitoring_item_rejects_an_unparseable_when() -> None:
    with pytest.raises(ValidationError) as err:
        MonitoringItem(test="JC virus antibody test", when="now and then", why="PML risk", sources=["x"])
    (error,) = err.value.errors()
    assert error["loc"] == ("when",)
    assert "now and then" in error["msg"]


def test_monitoring_item_exposes_the_parsed_when() -> None:
    item = MonitoringItem(test="JC virus antibody test", when="every 6 months", why="PML risk", sources=["x"])
    assert item.parsed == When(kind="every", every=6)


def test_a_real_record_validates(natalizumab_raw: dict[str, Any]) -> None:
    therapy = Therapy.model_validate(natalizumab_raw)
    assert therapy.id == "natalizumab"
    assert "Tysabri" in therapy.brands


def test_therapy_rejects_an_unknown_field(natalizumab_raw: dict[str, Any]) -> None:
    raw = copy.deepcopy(natalizumab_raw)
    raw["colour"] = "blue"
    with pytest.raises(ValidationError) as err:
        Therapy.model_validate(raw)
    errors = err.value.errors()
    assert [(e["loc"], e["type"]) for e in errors] == [(("colour",), "extra_forbidden")]


def test_therapy_rejects_an_unknown_field_in_a_monitoring_item(natalizumab_raw: dict[str, Any]) -> None:
    raw = copy.deepcopy(natalizumab_raw)
    raw["monitoring"][0]["how_often"] = "often"
    with pytest.raises(ValidationError) as err:
        Therapy.model_validate(raw)
    assert [e["loc"] for e in err.value.errors()] == [("monitoring", 0, "how_often")]


@pytest.mark.parametrize("route", ["intranasal", "IV", "injection", "by mouth"])
def test_therapy_rejects_a_route_outside_the_list(natalizumab_raw: dict[str, Any], route: str) -> None:
    raw = copy.deepcopy(natalizumab_raw)
    raw["routes"] = ["iv", route]
    with pytest.raises(ValidationError) as err:
        Therapy.model_validate(raw)
    errors = err.value.errors()
    assert [e["loc"] for e in errors] == [("routes", 1)]
    assert errors[0]["input"] == route


def test_therapy_needs_at_least_one_route(natalizumab_raw: dict[str, Any]) -> None:
    raw = copy.deepcopy(natalizumab_raw)
    raw["routes"] = []
    with pytest.raises(ValidationError) as err:
        Therapy.model_validate(raw)
    assert [e["loc"] for e in err.value.errors()] == [("routes",)]


def test_therapy_rejects_field_sources_for_a_field_it_does_not_have(natalizumab_raw: dict[str, Any]) -> None:
    raw = copy.deepcopy(natalizumab_raw)
    raw["field_sources"] = {"approvals": ["x"], "price": ["x"]}
    with pytest.raises(ValidationError, match=r"field_sources names unknown fields: \['price'\]"):
        Therapy.model_validate(raw)


def test_therapy_rejects_a_bad_when_at_its_position(natalizumab_raw: dict[str, Any]) -> None:
    raw = copy.deepcopy(natalizumab_raw)
    raw["monitoring"][1]["when"] = "sometimes"
    with pytest.raises(ValidationError) as err:
        Therapy.model_validate(raw)
    assert [e["loc"] for e in err.value.errors()] == [("monitoring", 1, "when")]


def test_cited_collects_every_source_id_in_the_record(natalizumab_raw: dict[str, Any]) -> None:
    therapy = Therapy.model_validate(natalizumab_raw)
    expected = set(natalizumab_raw["sources"])
    for item in natalizumab_raw["monitoring"]:
        expected |= set(item["sources"])
    for ids in (natalizumab_raw.get("field_sources") or {}).values():
        expected |= set(ids)
    for part in [*natalizumab_raw.get("contraindications", []), *natalizumab_raw.get("interactions", [])]:
        expected |= set(part["sources"])
    for key in ("vaccines", "patient_guide"):
        if natalizumab_raw.get(key):
            expected |= set(natalizumab_raw[key]["sources"])
    assert natalizumab_raw["contraindications"] and natalizumab_raw["vaccines"]  # the record fills the new fields
    assert therapy.cited() == expected
