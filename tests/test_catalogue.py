"""The packaged therapy catalogue: it validates, covers the therapies MS care needs, and finds them by any name."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from mscare.catalogue import Catalogue, UnknownTherapy, load_catalogue, normalise_name
from mscare.content import ContentError, content_dir

# Every therapy the catalogue must hold (issue 3), by id.
REQUIRED_IDS = [
    "interferon-beta-1a-im", "interferon-beta-1a-sc", "peginterferon-beta-1a", "interferon-beta-1b",
    "glatiramer-acetate", "teriflunomide", "dimethyl-fumarate", "diroximel-fumarate", "monomethyl-fumarate",
    "fingolimod", "siponimod", "ozanimod", "ponesimod", "cladribine", "natalizumab", "alemtuzumab",
    "ocrelizumab", "ocrelizumab-hyaluronidase", "ofatumumab", "ublituximab", "mitoxantrone", "daclizumab",
    "tolebrutinib", "fenebrutinib", "evobrutinib", "methylprednisolone-iv", "oral-high-dose-steroids",
    "dexamethasone", "acth-gel", "plasma-exchange", "dalfampridine", "baclofen", "baclofen-intrathecal",
    "tizanidine", "nabiximols", "dantrolene", "benzodiazepines", "botulinum-toxin-spasticity",
    "botulinum-toxin-bladder", "gabapentin", "pregabalin", "duloxetine", "amitriptyline", "carbamazepine",
    "oxcarbazepine", "amantadine", "modafinil", "methylphenidate", "antimuscarinics-bladder", "mirabegron",
    "dextromethorphan-quinidine", "ssri-antidepressants", "rituximab", "azathioprine", "methotrexate",
    "cyclophosphamide", "mycophenolate-mofetil", "ivig", "ahsct",
]


# --- the packaged content -----------------------------------------------------------------------------


def test_packaged_catalogue_validates_without_problems() -> None:
    catalogue = load_catalogue(strict=False)
    assert catalogue.problems == []
    load_catalogue(strict=True)  # and the strict loader agrees


def test_catalogue_holds_at_least_55_records(catalogue: Catalogue) -> None:
    assert len(catalogue.therapies) >= 55


def test_every_record_has_sources_and_a_review_date(catalogue: Catalogue) -> None:
    for therapy in catalogue.therapies.values():
        assert therapy.sources, therapy.id
        assert isinstance(therapy.last_reviewed, date), therapy.id
        assert date(2020, 1, 1) <= therapy.last_reviewed <= date.today(), therapy.id


def test_every_cited_source_resolves(catalogue: Catalogue) -> None:
    unresolved = {t.id: sorted(t.cited() - set(catalogue.sources)) for t in catalogue.therapies.values()}
    assert {k: v for k, v in unresolved.items() if v} == {}


def test_every_monitoring_item_cites_a_registered_source(catalogue: Catalogue) -> None:
    for therapy in catalogue.therapies.values():
        for item in therapy.monitoring:
            assert item.sources and set(item.sources) <= set(catalogue.sources), (therapy.id, item.test)


@pytest.mark.parametrize("therapy_id", REQUIRED_IDS)
def test_required_therapy_exists(catalogue: Catalogue, therapy_id: str) -> None:
    assert therapy_id in catalogue.therapies, f"missing therapies/{therapy_id}.yaml"
    assert catalogue.therapies[therapy_id].id == therapy_id


def test_daclizumab_is_recorded_as_withdrawn(catalogue: Catalogue) -> None:
    approvals = catalogue.therapies["daclizumab"].approvals
    assert {approvals.us.status, approvals.eu.status} == {"withdrawn"}


# --- label safety facts on the oral DMT records (issue 12) ------------------------------------------

S1P_MODULATORS = ["fingolimod", "siponimod", "ozanimod", "ponesimod"]
ORAL_IMMUNOSUPPRESSIVE_DMTS = [
    *S1P_MODULATORS, "teriflunomide", "cladribine", "dimethyl-fumarate", "diroximel-fumarate",
    "monomethyl-fumarate",
]


def _contraindication_text(catalogue: Catalogue, therapy_id: str, region: str = "us") -> str:
    therapy = catalogue.therapies[therapy_id]
    return " ".join(c.text for c in therapy.contraindications if region in c.regions).lower()


@pytest.mark.parametrize("therapy_id", S1P_MODULATORS)
def test_s1p_modulators_list_the_label_cardiac_contraindications(catalogue: Catalogue, therapy_id: str) -> None:
    text = _contraindication_text(catalogue, therapy_id)
    for phrase in ("heart attack", "unstable angina", "stroke", "heart failure", "last 6 months",
                   "mobitz type ii", "third-degree av block", "sick sinus syndrome", "pacemaker"):
        assert phrase in text, (therapy_id, phrase)
    assert all(c.sources for c in catalogue.therapies[therapy_id].contraindications)


def test_fingolimod_qtc_and_ozanimod_us_only_contraindications(catalogue: Catalogue) -> None:
    assert "qtc interval of 500 ms" in _contraindication_text(catalogue, "fingolimod")
    ozanimod = catalogue.therapies["ozanimod"].contraindications
    us_only = {c.text for c in ozanimod if c.regions == ["us"]}
    assert any("sleep apnoea" in t for t in us_only) and any("MAO inhibitor" in t for t in us_only)


@pytest.mark.parametrize("therapy_id", ORAL_IMMUNOSUPPRESSIVE_DMTS)
def test_every_oral_immunosuppressive_dmt_states_a_live_vaccine_rule(catalogue: Catalogue, therapy_id: str) -> None:
    vaccines = catalogue.therapies[therapy_id].vaccines
    assert vaccines is not None, therapy_id
    assert "live" in vaccines.live.lower() and vaccines.sources


@pytest.mark.parametrize(("therapy_id", "interval"), [
    ("fingolimod", "2 months"), ("siponimod", "4 weeks"), ("ozanimod", "3 months"), ("ponesimod", "1 to 2 weeks"),
])
def test_s1p_live_vaccine_gap_after_stopping(catalogue: Catalogue, therapy_id: str, interval: str) -> None:
    vaccines = catalogue.therapies[therapy_id].vaccines
    assert vaccines is not None and interval in vaccines.live


def test_ozanimod_records_the_2024_acute_liver_failure_warning(catalogue: Catalogue) -> None:
    ozanimod = catalogue.therapies["ozanimod"]
    risks = " ".join(ozanimod.key_risks)
    assert "acute liver failure" in risks and "transplant" in risks and "10 days" in risks
    assert "fda-zeposia-safety-labeling-2024" in ozanimod.sources_for("key_risks")


def test_cladribine_holds_treatment_below_200_lymphocytes_with_herpes_prophylaxis(catalogue: Catalogue) -> None:
    cladribine = catalogue.therapies["cladribine"]
    [rule] = [m for m in cladribine.monitoring if "below 200" in m.test]
    assert "hold" in rule.why and "herpes" in rule.why and "fda-mavenclad-label" in rule.sources
    assert cladribine.vaccines is not None and "4 to 6 weeks" in cladribine.vaccines.live
    assert "kidney impairment" in _contraindication_text(catalogue, "cladribine", "eu")


def test_file_names_match_record_ids(catalogue: Catalogue) -> None:
    stems = {p.stem for p in (content_dir() / "therapies").glob("*.yaml")}
    assert stems == set(catalogue.therapies)


# --- lookups ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("natalizumab", "natalizumab"),  # id
        ("Tysabri", "natalizumab"),  # brand
        ("Ocrevus", "ocrelizumab"),
        ("Mavenclad", "cladribine"),
        ("DMF", "dimethyl-fumarate"),  # abbreviation listed in the record's aliases
        ("IVMP", "methylprednisolone-iv"),
        ("tysabry", "natalizumab"),  # misspellings
        ("ocrevous", "ocrelizumab"),
        ("natalizumabb", "natalizumab"),  # a near miss no record lists: resolved by similarity
        ("fingolmod", "fingolimod"),
        ("TYSABRI", "natalizumab"),  # case and spacing
        ("  tysabri  ", "natalizumab"),
        ("Interferon β-1b", "interferon-beta-1b"),  # Greek letter
        ("interferon beta 1b", "interferon-beta-1b"),
        ("glatiramer acetate", "glatiramer-acetate"),  # generic name with a space
        ("Ocrevus Zunovo", "ocrelizumab-hyaluronidase"),  # a longer brand is not swallowed by "Ocrevus"
    ],
)
def test_lookup_by_any_name(catalogue: Catalogue, name: str, expected: str) -> None:
    assert catalogue.lookup(name).id == expected


def test_lookup_of_interferon_beta_1a_with_a_greek_letter(catalogue: Catalogue) -> None:
    # "interferon beta-1a" names both the IM and the SC product: the Greek form must behave exactly like the
    # Latin one, and land on a beta-1a record or ask which one is meant.
    beta_1a = {"interferon-beta-1a-im", "interferon-beta-1a-sc"}
    try:
        found = catalogue.lookup("Interferon β-1a").id
    except UnknownTherapy as err:
        assert {"interferon beta-1a (intramuscular)", "interferon beta-1a (subcutaneous)"} <= set(err.suggestions)
        with pytest.raises(UnknownTherapy):
            catalogue.lookup("interferon beta-1a")
    else:
        assert found in beta_1a
        assert catalogue.lookup("interferon beta-1a").id == found


def test_every_brand_and_alias_finds_its_own_record_or_a_record_sharing_it(catalogue: Catalogue) -> None:
    owners: dict[str, set[str]] = {}
    for therapy in catalogue.therapies.values():
        for name in Catalogue.names_of(therapy):
            owners.setdefault(normalise_name(name), set()).add(therapy.id)
    for therapy in catalogue.therapies.values():
        for name in Catalogue.names_of(therapy):
            key = normalise_name(name)
            try:
                found = catalogue.lookup(name).id
            except UnknownTherapy as err:  # a name several records share asks which one is meant
                assert err.shared and len(owners[key]) > 1, (therapy.id, name)
                assert therapy.generic_name in err.suggestions
                continue
            assert found in owners[key], (therapy.id, name)


def test_normalise_name_unifies_greek_letters_case_and_punctuation() -> None:
    assert normalise_name("Interferon β-1a") == normalise_name("INTERFERON beta 1a") == "interferonbeta1a"
    assert normalise_name("anti-α4") == "antialpha4"


@pytest.mark.parametrize("name", ["zzzz", "aspirinol xr", "fumarate"])
def test_unknown_names_raise_unknown_therapy(catalogue: Catalogue, name: str) -> None:
    with pytest.raises(UnknownTherapy) as err:
        catalogue.lookup(name)
    assert err.value.name == name
    assert f"No therapy called {name!r}" in err.value.message()


def test_an_ambiguous_name_suggests_the_candidates(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownTherapy) as err:
        catalogue.lookup("fumarate")
    assert set(err.value.suggestions) == {"dimethyl fumarate", "diroximel fumarate", "monomethyl fumarate"}
    assert "Did you mean: " in err.value.message()


def test_a_partial_name_suggests_the_therapy(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownTherapy) as err:
        catalogue.lookup("ocrel")
    assert err.value.suggestions[0] == "ocrelizumab"


def test_nonsense_gets_no_suggestions_and_says_where_to_look(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownTherapy) as err:
        catalogue.lookup("zzzz")
    assert err.value.suggestions == []
    assert "mscare therapies list" in err.value.cli_message()


def test_a_drug_class_name_does_not_resolve_to_one_member(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownTherapy) as err:
        catalogue.lookup("interferon")
    assert len([s for s in err.value.suggestions if "interferon" in s.lower()]) >= 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("beta interferon", {"interferon-beta-1a-im", "interferon-beta-1a-sc", "interferon-beta-1b",
                             "peginterferon-beta-1a"}),
        ("MMF", {"monomethyl-fumarate", "mycophenolate-mofetil"}),
    ],
)
def test_a_name_several_records_share_asks_which_one(catalogue: Catalogue, name: str, expected: set[str]) -> None:
    owners = {t.id for t in catalogue.therapies.values()
              if normalise_name(name) in {normalise_name(n) for n in Catalogue.names_of(t)}}
    assert owners == expected  # the records do share the name
    with pytest.raises(UnknownTherapy) as err:
        catalogue.lookup(name)
    assert {catalogue.therapies[i].generic_name for i in expected} <= set(err.value.suggestions)


def test_by_category_filters_and_orders(catalogue: Catalogue) -> None:
    dmts = catalogue.by_category("dmt")
    assert dmts and {t.category for t in dmts} == {"dmt"}
    names = [t.generic_name.lower() for t in dmts]
    assert names == sorted(names)
    everything = catalogue.by_category()
    assert len(everything) == len(catalogue.therapies)
    order = ["dmt", "relapse", "symptomatic", "off_label", "procedure"]
    assert [order.index(t.category) for t in everything] == sorted(order.index(t.category) for t in everything)


# --- malformed content --------------------------------------------------------------------------------


def _edit_record(root: Path, therapy_id: str, change) -> None:
    path = root / "therapies" / f"{therapy_id}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_bad_when_is_reported_with_file_and_field(content_copy: Path) -> None:
    def break_when(raw: dict) -> None:
        raw["monitoring"][0]["when"] = "sometimes"

    _edit_record(content_copy, "natalizumab", break_when)
    catalogue = load_catalogue(content_copy, strict=False)
    ours = [p for p in catalogue.problems if p.startswith("therapies/natalizumab.yaml")]
    assert len(ours) == 1
    assert ours[0].startswith("therapies/natalizumab.yaml: monitoring[0].when: expected ")
    assert "'sometimes'" in ours[0]
    assert "natalizumab" not in catalogue.therapies  # an invalid record is not served


def test_strict_loading_raises_content_error_listing_the_problem(content_copy: Path) -> None:
    def break_route(raw: dict) -> None:
        raw["routes"] = ["teleport"]

    _edit_record(content_copy, "ocrelizumab", break_route)
    with pytest.raises(ContentError) as err:
        load_catalogue(content_copy, strict=True)
    assert any(p.startswith("therapies/ocrelizumab.yaml: routes[0]: ") and "'teleport'" in p
               for p in err.value.problems)


def test_an_unknown_field_is_reported_by_name(content_copy: Path) -> None:
    _edit_record(content_copy, "cladribine", lambda raw: raw.update(price="cheap"))
    problems = load_catalogue(content_copy, strict=False).problems
    assert any(p.startswith("therapies/cladribine.yaml: price: ") for p in problems), problems


def test_an_unknown_source_id_is_reported(content_copy: Path) -> None:
    _edit_record(content_copy, "cladribine", lambda raw: raw["sources"].append("no-such-source"))
    problems = load_catalogue(content_copy, strict=False).problems
    assert "therapies/cladribine.yaml: sources: unknown source ids ['no-such-source']" in problems


def test_a_record_whose_id_differs_from_its_file_name_is_reported(content_copy: Path) -> None:
    _edit_record(content_copy, "baclofen", lambda raw: raw.update(id="baclofen-oral"))
    problems = load_catalogue(content_copy, strict=False).problems
    assert "therapies/baclofen.yaml: id: expected 'baclofen' (the file name), got 'baclofen-oral'" in problems


def test_a_yaml_syntax_error_names_the_file(content_copy: Path) -> None:
    (content_copy / "therapies" / "broken.yaml").write_text("id: broken\nbrands: [unclosed\n", encoding="utf-8")
    problems = load_catalogue(content_copy, strict=False).problems
    assert any(p.startswith("therapies/broken.yaml: not valid YAML") for p in problems), problems


def test_a_source_defined_twice_is_reported(content_copy: Path) -> None:
    path = content_copy / "sources" / "core.yaml"
    first = yaml.safe_load(path.read_text(encoding="utf-8"))[0]
    (content_copy / "sources" / "zz-extra.yaml").write_text(yaml.safe_dump([first]), encoding="utf-8")
    problems = load_catalogue(content_copy, strict=False).problems
    assert f"sources/zz-extra.yaml: source id {first['id']!r} is defined twice" in problems


# --- safety facts of the injected and infused DMTs and relapse treatments (issue 12) ---------------------

INFUSED_AND_INJECTED_DMTS = [
    "alemtuzumab", "glatiramer-acetate", "interferon-beta-1a-im", "interferon-beta-1a-sc", "interferon-beta-1b",
    "peginterferon-beta-1a", "mitoxantrone", "natalizumab", "ocrelizumab", "ocrelizumab-hyaluronidase",
    "ofatumumab", "ublituximab",
]
# Immunosuppressive records whose labels rule out live vaccines during treatment.
NO_LIVE_VACCINES = ["alemtuzumab", "natalizumab", "ocrelizumab", "ocrelizumab-hyaluronidase", "ofatumumab",
                    "ublituximab"]
RELAPSE_TREATMENTS = ["methylprednisolone-iv", "oral-high-dose-steroids", "dexamethasone", "acth-gel",
                      "plasma-exchange"]
REGULATOR_HOSTS = {"fda-": ("fda.gov", "dailymed.nlm.nih.gov"), "ema-": ("ema.europa.eu",),
                   "mhra-": ("gov.uk",), "nice-": ("nice.org.uk",)}


@pytest.mark.parametrize("therapy_id", INFUSED_AND_INJECTED_DMTS)
def test_every_injected_or_infused_dmt_lists_contraindications_and_vaccine_advice(
    catalogue: Catalogue, therapy_id: str
) -> None:
    therapy = catalogue.therapies[therapy_id]
    assert therapy.contraindications, therapy_id
    assert therapy.vaccines is not None and "live" in therapy.vaccines.live.lower(), therapy_id
    assert therapy.patient_guide is not None and therapy.patient_guide.when_to_call, therapy_id
    assert therapy.last_reviewed == date(2026, 12, 6)


@pytest.mark.parametrize("therapy_id", NO_LIVE_VACCINES)
def test_immunosuppressive_records_rule_out_live_vaccines(catalogue: Catalogue, therapy_id: str) -> None:
    vaccines = catalogue.therapies[therapy_id].vaccines
    assert vaccines is not None
    assert "live" in vaccines.live and ("do not" in vaccines.live.lower() or "avoided" in vaccines.live), vaccines.live


@pytest.mark.parametrize("therapy_id", ["ocrelizumab", "ocrelizumab-hyaluronidase", "ofatumumab", "ublituximab"])
def test_anti_cd20_records_give_live_and_non_live_vaccine_timing_before_the_first_dose(
    catalogue: Catalogue, therapy_id: str
) -> None:
    vaccines = catalogue.therapies[therapy_id].vaccines
    assert vaccines is not None and vaccines.before is not None
    assert "4 weeks" in vaccines.before and "2 weeks" in vaccines.before, vaccines.before


def test_ublituximab_contraception_and_vaccine_timing(catalogue: Catalogue) -> None:
    therapy = catalogue.therapies["ublituximab"]
    assert "6 months after the last infusion" in therapy.pregnancy  # US label
    assert "at least 4 months after the" in therapy.pregnancy  # EU/UK label
    vaccination = [m for m in therapy.monitoring if m.test.startswith("Vaccinations")]
    assert [m.when for m in vaccination] == ["baseline"]
    assert "4 weeks" in vaccination[0].why and "2 weeks" in vaccination[0].why
    assert {c.text for c in therapy.contraindications if c.regions == ["us"]} >= {
        "Active hepatitis B infection (positive HBsAg and anti-HBV tests)"}


def test_mitoxantrone_checks_pregnancy_liver_and_heart_before_every_dose(catalogue: Catalogue) -> None:
    therapy = catalogue.therapies["mitoxantrone"]
    before_each = {m.test.split(",")[0].lower(): m for m in therapy.monitoring if m.when == "before each dose"}
    assert any(test.startswith("pregnancy test") for test in before_each)
    assert "liver function tests" in before_each
    heart = next(m for m in therapy.monitoring if "LVEF" in m.test and m.when == "before each dose")
    assert "below 50%" in heart.why
    assert "breastfeeding should stop" in therapy.pregnancy


def test_natalizumab_yearly_mri_re_informing_at_two_years_and_2005_suspension(catalogue: Catalogue) -> None:
    therapy = catalogue.therapies["natalizumab"]
    whens = {m.when: m.test for m in therapy.monitoring}
    assert whens["every 12 months from month 12"] == "Full brain MRI"
    assert "PML risk" in whens["month 24"]
    note = therapy.approvals.us.note or ""
    assert "February 2005" in note and "June 2006" in note


def test_glatiramer_breastfeeding_follows_the_2022_eu_label(catalogue: Catalogue) -> None:
    pregnancy = catalogue.therapies["glatiramer-acetate"].pregnancy
    assert "February 2022" in pregnancy and "breastfeeding" in pregnancy
    assert "weigh the benefits of breastfeeding" not in pregnancy


@pytest.mark.parametrize("therapy_id", RELAPSE_TREATMENTS)
def test_relapse_treatments_have_vaccine_advice_and_a_patient_guide(catalogue: Catalogue, therapy_id: str) -> None:
    therapy = catalogue.therapies[therapy_id]
    assert therapy.vaccines is not None and therapy.patient_guide is not None
    if therapy.category == "relapse" and therapy_id != "plasma-exchange":
        assert therapy.contraindications


@pytest.mark.parametrize("therapy_id", INFUSED_AND_INJECTED_DMTS + RELAPSE_TREATMENTS)
def test_regulator_named_source_ids_point_to_that_regulator(catalogue: Catalogue, therapy_id: str) -> None:
    for source_id in catalogue.therapies[therapy_id].cited():
        for prefix, hosts in REGULATOR_HOSTS.items():
            if source_id.startswith(prefix):
                host = urlparse(catalogue.sources[source_id].url).hostname or ""
                assert any(host == h or host.endswith("." + h) for h in hosts), (source_id, host)
