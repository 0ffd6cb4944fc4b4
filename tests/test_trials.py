"""The trials core (import, search, screen, therapy links) and its API router, on real SQLite files."""

from __future__ import annotations

import copy
import json
import math
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mscare.api.trials import router
from mscare.trials import (
    ScreenResult,
    StudyShapeError,
    TrialHit,
    TrialInputError,
    UnknownTrial,
    get_trial,
    import_trials,
    screen,
    search_trials,
    trials_for_therapy,
)
from mscare.trials.criteria import EdssRange, edss_range
from mscare.trials.parse import parse_age, split_criteria
from mscare.trials.terms import is_ms_text

FIXTURE = Path(__file__).parent / "fixtures" / "clinicaltrials" / "search_ms_portland.json"
MS_IDS = {"NCT06441617", "NCT06408259", "NCT06433752", "NCT04047628"}
PORTLAND = (45.5152, -122.6784)
SEATTLE = (47.6062, -122.3321)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "trials.sqlite"
    result = import_trials(FIXTURE, db_path=path)
    assert result.errors == []
    return path


def count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def fixture_study(nct_id: str) -> dict[str, object]:
    studies = json.loads(FIXTURE.read_text(encoding="utf-8"))["studies"]
    return copy.deepcopy(next(s for s in studies if s["protocolSection"]["identificationModule"]["nctId"] == nct_id))


def cosine_law_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """An independent distance reference: the spherical law of cosines."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    cos_angle = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0088 * math.acos(min(1.0, cos_angle))


# Import

def test_import_counts_and_skips_systemic_sclerosis(tmp_path: Path) -> None:
    messages: list[str] = []
    result = import_trials(FIXTURE, db_path=tmp_path / "t.sqlite", progress=messages.append)
    assert result.to_json() == {"imported": 4, "updated": 0, "skipped": 1, "skipped_older": 0, "errors": [],
                              "notes": []}
    assert count(tmp_path / "t.sqlite", "trials") == 4
    with pytest.raises(UnknownTrial):
        get_trial(db_path=tmp_path / "t.sqlite", nct_id="NCT06655896")
    assert any("search_ms_portland.json" in m and "1 not about MS" in m for m in messages)


def test_import_all_keeps_the_non_ms_study(tmp_path: Path) -> None:
    result = import_trials(FIXTURE, db_path=tmp_path / "t.sqlite", include_all=True)
    assert (result.imported, result.skipped) == (5, 0)
    assert get_trial(db_path=tmp_path / "t.sqlite", nct_id="NCT06655896").ms_related is False


def test_reimport_updates_and_never_duplicates(db: Path) -> None:
    before = {table: count(db, table) for table in ("trials", "trial_locations", "trial_therapies", "trials_fts")}
    result = import_trials(FIXTURE, db_path=db)
    assert result.to_json() == {"imported": 0, "updated": 4, "skipped": 1, "skipped_older": 0, "errors": [],
                              "notes": []}
    assert {table: count(db, table) for table in before} == before
    assert before["trials"] == 4 and before["trials_fts"] == 4


def test_record_is_normalised(db: Path) -> None:
    trial = get_trial(db_path=db, nct_id="nct06408259")
    assert trial.nct_id == "NCT06408259"
    assert trial.phases == ["PHASE3"] and trial.status == "RECRUITING"
    assert (trial.min_age_years, trial.max_age_years, trial.sex) == (10.0, 17.0, "ALL")
    assert trial.therapy_ids == ["ozanimod", "fingolimod"]
    assert trial.sponsor == "Bristol-Myers Squibb"
    assert (trial.start_date, trial.completion_date, trial.last_update) == ("2025-04-08", "2036-07-13", "2026-04-28")
    assert trial.url == "https://clinicaltrials.gov/study/NCT06408259"
    assert "Has an Expanded Disability Status Scale (EDSS) score of 0 to 5.5, both inclusive." in trial.inclusion
    assert trial.exclusion[0] == "Diagnosis of progressive forms of MS."
    portland = [loc for loc in trial.locations if loc.city == "Portland"]
    assert portland and (portland[0].lat, portland[0].lon, portland[0].state) == (45.52345, -122.67621, "Oregon")
    assert "@" not in json.dumps(trial.to_json())  # site contact e-mails are not stored


def test_therapies_named_in_title_and_keywords(db: Path) -> None:
    assert get_trial(db_path=db, nct_id="NCT06433752").therapy_ids == ["ublituximab"]  # "BRIUMVI®" in the title
    assert get_trial(db_path=db, nct_id="NCT04047628").therapy_ids == ["ahsct"]
    assert get_trial(db_path=db, nct_id="NCT06441617").therapy_ids == []


@pytest.mark.parametrize(("text", "years"), [("18 Years", 18.0), ("6 Months", 0.5), ("1 Year", 1.0), ("N/A", None),
                                              (None, None)])
def test_parse_age(text: str | None, years: float | None) -> None:
    assert parse_age(text, "minimumAge") == years


def test_parse_age_rejects_nonsense() -> None:
    with pytest.raises(StudyShapeError, match="minimumAge"):
        parse_age("eighteen", "minimumAge")


@pytest.mark.parametrize(("text", "expected"), [
    ("Multiple Sclerosis, Relapsing-Remitting", True), ("RRMS", True), ("BEAT-MS", True),
    ("Clinically Isolated Syndrome", True), ("Diffuse cutaneous systemic sclerosis (dcSSc)", False),
    ("Amyotrophic Lateral Sclerosis", False), ("Tuberous Sclerosis Complex", False), ("Scleroderma, Diffuse", False),
])
def test_ms_detection(text: str, expected: bool) -> None:
    assert is_ms_text(text) is expected


def test_split_criteria_removes_markdown() -> None:
    text = "Inclusion Criteria:\n\n* Age \\>= 18\n1\\. EDSS \\< 6\n\nExclusion Criteria:\n\n  i) Prior rituximab\n"
    assert split_criteria(text) == (["Age >= 18", "EDSS < 6"], ["Prior rituximab"])
    assert split_criteria("Adults with MS") == (["Adults with MS"], [])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_files_are_reported_by_name_and_stored_trials_survive(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    write(folder / "broken.json", '{"studies": [')
    write(folder / "wrong_shape.json", '{"hello": "world"}')
    bad = fixture_study("NCT06441617")
    del bad["protocolSection"]["identificationModule"]["nctId"]  # type: ignore[index]
    write(folder / "bad_study.json", json.dumps({"studies": [bad, fixture_study("NCT06408259")]}))
    result = import_trials(folder, db_path=db)
    assert len(result.errors) == 3
    assert [e.split(":")[0] for e in result.errors] == ["bad_study.json", "broken.json", "wrong_shape.json"]
    assert "nctId" in result.errors[0]
    assert (result.imported, result.updated) == (0, 1)  # the good study beside the bad one still counts
    assert count(db, "trials") == 4
    assert get_trial(db_path=db, nct_id="NCT06441617").brief_title.startswith("Confirmatory Trial")


def test_missing_path_or_empty_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(TrialInputError, match="no file or folder"):
        import_trials(tmp_path / "nope.json", db_path=tmp_path / "t.sqlite")
    with pytest.raises(TrialInputError, match="no .json files"):
        import_trials(tmp_path, db_path=tmp_path / "t.sqlite")


def dated_copy(nct_id: str, last_update: str, title: str) -> dict[str, object]:
    study = fixture_study(nct_id)
    status = study["protocolSection"]["statusModule"]  # type: ignore[index]
    status["lastUpdatePostDateStruct"] = {"date": last_update}
    study["protocolSection"]["identificationModule"]["briefTitle"] = title  # type: ignore[index]
    return study


def test_an_older_snapshot_never_replaces_a_newer_record(db: Path, tmp_path: Path) -> None:
    stored = get_trial(db_path=db, nct_id="NCT06441617")
    old = write(tmp_path / "old.json", json.dumps({"studies": [dated_copy("NCT06441617", "2019-01-01", "OLD")]}))
    result = import_trials(old, db_path=db)
    assert (result.imported, result.updated, result.older) == (0, 0, 1)
    assert "older than the stored record" in result.notes[0] and "NCT06441617" in result.notes[0]
    assert get_trial(db_path=db, nct_id="NCT06441617") == stored
    newer = write(tmp_path / "new.json", json.dumps({"studies": [dated_copy("NCT06441617", "2030-01-01", "NEW")]}))
    assert import_trials(newer, db_path=db).updated == 1
    assert get_trial(db_path=db, nct_id="NCT06441617").brief_title == "NEW"


def test_a_study_twice_in_one_file_is_reported_and_the_newest_kept(tmp_path: Path) -> None:
    twice = write(tmp_path / "twice.json", json.dumps({"studies": [
        dated_copy("NCT06441617", "2026-05-01", "NEWER"), dated_copy("NCT06441617", "2020-01-01", "OLDER")]}))
    result = import_trials(twice, db_path=tmp_path / "t.sqlite")
    assert (result.imported, result.older) == (1, 1)
    assert any("appears more than once" in note for note in result.notes)
    assert get_trial(db_path=tmp_path / "t.sqlite", nct_id="NCT06441617").brief_title == "NEWER"


def test_empty_path_deep_json_and_read_only_folder_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(TrialInputError, match="no file or folder given"):
        import_trials("", db_path=tmp_path / "t.sqlite")
    deep = write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000)
    result = import_trials(deep, db_path=tmp_path / "t.sqlite")
    assert result.errors == ["deep.json: not a readable JSON file (nested too deeply)"]
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(TrialInputError, match="cannot write the trials database"):
        import_trials(FIXTURE, db_path=blocker / "t.sqlite")


@pytest.fixture
def combo_db(db: Path, tmp_path: Path) -> Path:
    """The fixture plus one single-study file: a phase 2/3 trial that is not yet recruiting."""
    study = fixture_study("NCT06408259")
    section = study["protocolSection"]
    section["identificationModule"]["nctId"] = "NCT99999999"  # type: ignore[index]
    section["designModule"]["phases"] = ["PHASE2", "PHASE3"]  # type: ignore[index]
    section["statusModule"]["overallStatus"] = "NOT_YET_RECRUITING"  # type: ignore[index]
    result = import_trials(write(tmp_path / "single.json", json.dumps(study)), db_path=db)
    assert (result.imported, result.errors) == (1, [])
    return db


# Search

def ids(hits: list[TrialHit]) -> list[str]:
    return [h.nct_id for h in hits]


def test_search_by_text(db: Path) -> None:
    assert ids(search_trials(db_path=db, text="fatigue")) == ["NCT06441617"]
    assert ids(search_trials(db_path=db, text="ozanimod"))[0] == "NCT06408259"
    assert ids(search_trials(db_path=db, text="stem cell transplant")) == ["NCT04047628"]


def test_search_by_status_is_case_insensitive(combo_db: Path) -> None:
    assert set(ids(search_trials(db_path=combo_db, status="Recruiting"))) == MS_IDS
    assert ids(search_trials(db_path=combo_db, status="not yet recruiting")) == ["NCT99999999"]
    assert ids(search_trials(db_path=combo_db, status="completed")) == []
    assert ids(search_trials(db_path=combo_db, status="Active, not recruiting")) == []
    assert len(search_trials(db_path=combo_db, status="recruiting,NOT_YET_RECRUITING")) == 5
    with pytest.raises(TrialInputError, match="status"):
        search_trials(db_path=combo_db, status="open")


def test_search_by_phase_includes_combined_phases(combo_db: Path) -> None:
    assert set(ids(search_trials(db_path=combo_db, phase="3"))) == {"NCT06408259", "NCT04047628", "NCT99999999"}
    assert set(ids(search_trials(db_path=combo_db, phase="PHASE3"))) == {"NCT06408259", "NCT04047628",
                                                                         "NCT99999999"}
    assert ids(search_trials(db_path=combo_db, phase="PHASE2/PHASE3")) == ["NCT99999999"]
    assert ids(search_trials(db_path=combo_db, phase="na")) == ["NCT06441617"]
    with pytest.raises(TrialInputError, match="phase"):
        search_trials(db_path=combo_db, phase="7")


def test_search_near_portland_sorted_by_distance(db: Path) -> None:
    hits = search_trials(db_path=db, near=f"{PORTLAND[0]},{PORTLAND[1]}", within_km=50)
    assert set(ids(hits)) == MS_IDS
    assert all(h.nearest_site and h.nearest_site["city"] == "Portland" for h in hits)
    assert [h.distance_km for h in hits] == sorted(h.distance_km for h in hits)  # type: ignore[type-var]
    assert hits[0].distance_km == pytest.approx(cosine_law_km(*PORTLAND, 45.52345, -122.67621), abs=0.05)


def test_search_within_a_radius_excludes_far_trials(db: Path) -> None:
    hits = search_trials(db_path=db, near=f"{SEATTLE[0]},{SEATTLE[1]}", within_km=20)
    assert set(ids(hits)) == {"NCT06441617", "NCT04047628", "NCT06433752"}  # the paediatric study has no Seattle site
    assert all(h.distance_km is not None and h.distance_km <= 20 for h in hits)
    assert [h.distance_km for h in hits] == sorted(h.distance_km for h in hits)  # type: ignore[type-var]


def test_search_near_a_stored_city(db: Path) -> None:
    by_name = search_trials(db_path=db, near="portland", within_km=5)
    by_qualified_name = search_trials(db_path=db, near="Portland, Oregon", within_km=5)
    assert set(ids(by_name)) == set(ids(by_qualified_name)) == MS_IDS
    assert {h.distance_km for h in by_name} == {0.0}
    with pytest.raises(TrialInputError, match="Atlantis"):
        search_trials(db_path=db, near="Atlantis")
    with pytest.raises(TrialInputError, match="latitude"):
        search_trials(db_path=db, near="95,10")
    with pytest.raises(TrialInputError, match="near"):
        search_trials(db_path=db, within_km=10)


@pytest.mark.parametrize("text", ['"NEAR *', "NEAR(a b)", "*", '"', "title:x", "a OR", "(", "AND NOT",
                                  "ms'; DROP TABLE trials;--", "^fatigue"])
def test_search_text_is_never_fts_syntax(db: Path, text: str) -> None:
    hits = search_trials(db_path=db, text=text)
    assert isinstance(hits, list)
    assert count(db, "trials") == 4


def test_search_without_an_import_is_empty_and_creates_nothing(tmp_path: Path) -> None:
    assert search_trials(db_path=tmp_path / "none.sqlite", text="fatigue") == []
    assert not (tmp_path / "none.sqlite").exists()


def test_plain_language_summary(db: Path) -> None:
    hits = {h.nct_id: h for h in search_trials(db_path=db)}
    assert hits["NCT06408259"].summary == ("Phase 3 study, recruiting, testing ozanimod vs fingolimod in children "
                                           "with relapsing MS; ages 10-17")
    assert hits["NCT06441617"].summary == "Interventional study, recruiting, about fatigue in adults with MS; ages 22+"
    assert hits["NCT06433752"].summary.startswith("Observational study, recruiting, of ublituximab")


def test_trials_for_therapy(db: Path) -> None:
    assert ids(trials_for_therapy(db_path=db, therapy_id="ozanimod")) == ["NCT06408259"]
    assert ids(trials_for_therapy(db_path=db, therapy_id="Zeposia")) == ["NCT06408259"]
    assert ids(trials_for_therapy(db_path=db, therapy_id="ahsct")) == ["NCT04047628"]
    assert trials_for_therapy(db_path=db, therapy_id="natalizumab") == []  # named only in eligibility text


# Screen

def effects(result: ScreenResult) -> dict[str, str]:
    return {r.criterion: r.effect for r in result.reasons}


def test_child_with_relapsing_ms_fits_the_paediatric_study(db: Path) -> None:
    result = screen(db_path=db, nct_id="NCT06408259", age=12, ms_type="rrms", edss=2.0)
    assert effects(result)["minimumAge: 10 Years"] == "fits"
    assert effects(result)["maximumAge: 17 Years"] == "fits"
    assert result.verdict == "may_qualify"
    assert "pre-screen" in result.note and "trial team" in result.note


def test_unknown_edss_makes_it_cant_tell(db: Path) -> None:
    result = screen(db_path=db, nct_id="NCT06408259", age=12, ms_type="rrms")
    assert result.verdict == "cant_tell"
    edss_line = "Has an Expanded Disability Status Scale (EDSS) score of 0 to 5.5, both inclusive."
    assert effects(result)[edss_line] == "unclear"


def test_sixty_year_old_is_outside_beat_ms_age_limit(db: Path) -> None:
    result = screen(db_path=db, nct_id="NCT04047628", age=60)
    assert result.verdict == "likely_not"
    assert effects(result)["maximumAge: 55 Years"] == "against"


def test_edss_above_the_limit(db: Path) -> None:
    result = screen(db_path=db, nct_id="NCT04047628", age=40, ms_type="rrms", edss=7.0)
    assert result.verdict == "likely_not"
    assert effects(result)["EDSS ≤ 6.0 at the time of randomization (Day 0)."] == "against"


def test_progressive_ms_is_excluded_from_the_paediatric_study(db: Path) -> None:
    result = screen(db_path=db, nct_id="NCT06408259", age=15, ms_type="ppms", edss=2.0)
    assert result.verdict == "likely_not"
    assert effects(result)["Diagnosis of progressive forms of MS."] == "against"


def test_prior_treatment_named_by_brand(db: Path) -> None:
    result = screen(db_path=db, nct_id="NCT06433752", age=40, ms_type="rrms", dmts=["Briumvi"])
    assert result.verdict == "likely_not"
    against = [r for r in result.reasons if r.effect == "against"]
    assert against and "have not received any BRIUMVI" in against[0].criterion


def test_screen_unknown_trial(db: Path) -> None:
    with pytest.raises(UnknownTrial, match="NCT00000000"):
        screen(db_path=db, nct_id="NCT00000000", age=30)


@pytest.mark.parametrize(("options", "message"), [
    ({"age": 150}, "age"), ({"age": 30, "edss": 11.0}, "EDSS"), ({"age": 30, "edss": 2.3}, "EDSS"),
    ({"age": 30, "sex": "x"}, "sex"), ({"age": 30, "ms_type": "mild"}, "MS type"),
    ({"age": 30, "dmts": ["zzzzqq"]}, "No therapy"),
])
def test_screen_bad_profile(db: Path, options: dict[str, object], message: str) -> None:
    with pytest.raises(TrialInputError, match=message):
        screen(db_path=db, nct_id="NCT06441617", **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(("line", "expected"), [
    ("EDSS score of <= 5.5", EdssRange(high=5.5)),
    ("EDSS between 3.0 and 6.5 at screening", EdssRange(low=3.0, high=6.5)),
    ("EDSS 3.0 to 6.5 inclusive", EdssRange(low=3.0, high=6.5)),
    ("EDSS score ≥ 3.0 and ≤ 6.5", EdssRange(low=3.0, high=6.5)),
    ("EDSS > 6.5", EdssRange(low=6.5, low_open=True)),
    ("EDSS of 2.0 or more, with at least 1 relapse", EdssRange(low=2.0)),
    ("EDSS score at screening", None),
])
def test_edss_ranges(line: str, expected: EdssRange | None) -> None:
    assert edss_range(line) == expected


# API router

@pytest.fixture
def client(db: Path) -> TestClient:
    app = FastAPI()
    app.include_router(router)
    app.state.trials_db = db
    return TestClient(app)


def test_api_search_matches_cli_shape(client: TestClient) -> None:
    response = client.get("/api/trials", params={"phase": "3", "near": "Portland", "within": 10})
    assert response.status_code == 200
    body = response.json()
    assert {h["nct_id"] for h in body} == {"NCT06408259", "NCT04047628"}
    assert {"nct_id", "title", "status", "phases", "nearest_site", "distance_km", "summary"} <= set(body[0])


def test_api_trial_record_and_404(client: TestClient) -> None:
    assert client.get("/api/trials/NCT04047628").json()["max_age_years"] == 55.0
    missing = client.get("/api/trials/NCT00000000")
    assert missing.status_code == 404 and "NCT00000000" in missing.json()["detail"][0]["msg"]


def test_api_screen(client: TestClient) -> None:
    response = client.get("/api/trials/NCT04047628/screen", params={"age": 60, "dmt": ["ocrevus", "rituximab"]})
    assert response.status_code == 200
    assert response.json()["verdict"] == "likely_not"
    assert client.get("/api/trials/NCT00000000/screen", params={"age": 30}).status_code == 404


@pytest.mark.parametrize("url", [
    "/api/trials?status=open", "/api/trials?within=-3&near=Portland", "/api/trials?near=Atlantis",
    "/api/trials/NCT04047628/screen", "/api/trials/NCT04047628/screen?age=abc",
    "/api/trials/NCT04047628/screen?age=30&edss=nan", "/api/trials/NCT04047628/screen?age=30&ms_type=mild",
])
def test_api_bad_params_are_422(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_control_characters_are_stripped_on_import(tmp_path: Path) -> None:
    study = dated_copy("NCT06441617", "2026-05-01", "Nul\u0000 and bell\u0007 in a title")
    path = write(tmp_path / "nul.json", json.dumps({"studies": [study]}))
    import_trials(path, db_path=tmp_path / "t.sqlite")
    assert get_trial(db_path=tmp_path / "t.sqlite", nct_id="NCT06441617").brief_title == "Nul and bell in a title"
