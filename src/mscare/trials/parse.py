"""Turn one ClinicalTrials.gov API v2 study object into a validated ``Trial``."""

from __future__ import annotations

import re
from typing import Any

from mscare.trials.model import Location, StudyShapeError, Trial
from mscare.trials.terms import TherapyFinder, is_ms_text

NCT_ID = re.compile(r"^NCT\d{8}$")
AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(years?|months?|weeks?|days?|hours?|minutes?)\s*$", re.I)
UNIT_YEARS = {"year": 1.0, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25, "hour": 1 / 8766,
              "minute": 1 / 525960}
HEADING = re.compile(r"^\W*(?:key\s+|main\s+)?(inclusion|exclusion)\s+criteria\b[^\n]*$", re.I | re.M)
# ClinicalTrials.gov stores criteria as Markdown: drop escapes and list markers, keep the words.
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")
LIST_MARKER = re.compile(r"^\s*(?:[*•\-–]|\(?\d{1,3}[.)]|\(?[a-z][.)]|\(?[ivx]{1,5}[.)])\s+", re.I)


def parse_age(text: str | None, where: str) -> float | None:
    """Years from a registry age such as "18 Years" or "6 Months"; ``None`` when absent or "N/A"."""
    if text is None or text.strip().upper() in ("", "N/A", "NA"):
        return None
    match = AGE.match(text)
    if not match:
        raise StudyShapeError(f"{where}: expected an age such as '18 Years', got {text!r}")
    unit = match.group(2).lower().rstrip("s")
    return round(float(match.group(1)) * UNIT_YEARS[unit], 3)


def criteria_lines(text: str) -> list[str]:
    """Criteria text as clean lines: Markdown escapes and list markers removed, blanks dropped."""
    lines = []
    for raw in MARKDOWN_ESCAPE.sub(r"\1", text).splitlines():
        line = raw.strip()
        while (stripped := LIST_MARKER.sub("", line, count=1)) != line:
            line = stripped.strip()
        line = re.sub(r"\s+", " ", line)
        if line:
            lines.append(line)
    return lines


def split_criteria(text: str | None) -> tuple[list[str], list[str]]:
    """Inclusion and exclusion lines of an eligibility text; without headings every line counts as inclusion."""
    if not text:
        return [], []
    parts = HEADING.split(text)
    if len(parts) == 1:
        return criteria_lines(text), []
    inclusion = criteria_lines(parts[0])
    exclusion: list[str] = []
    for kind, body in zip(parts[1::2], parts[2::2], strict=True):
        (inclusion if kind.lower() == "inclusion" else exclusion).extend(criteria_lines(body))
    return inclusion, exclusion


def module(section: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    value = section.get(name, {})
    if not isinstance(value, dict):
        raise StudyShapeError(f"{where}.{name}: expected an object, got {type(value).__name__}")
    return value


def text_field(obj: dict[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise StudyShapeError(f"{where}.{key}: expected text, got {type(value).__name__}")
    return value.strip() or None


def text_list(obj: dict[str, Any], key: str, where: str) -> list[str]:
    value = obj.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise StudyShapeError(f"{where}.{key}: expected a list of text")
    return [v.strip() for v in value if v.strip()]


def date_of(status: dict[str, Any], key: str, where: str) -> str | None:
    struct = module(status, key, where)
    return text_field(struct, "date", f"{where}.{key}")


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def parse_locations(contacts: dict[str, Any], where: str) -> list[Location]:
    raw = contacts.get("locations", [])
    if not isinstance(raw, list):
        raise StudyShapeError(f"{where}.locations: expected a list")
    locations = []
    for index, item in enumerate(raw):
        spot = f"{where}.locations[{index}]"
        if not isinstance(item, dict):
            raise StudyShapeError(f"{spot}: expected an object")
        geo = module(item, "geoPoint", spot)
        lat, lon = number(geo.get("lat")), number(geo.get("lon"))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            lat = lon = None
        locations.append(Location(facility=text_field(item, "facility", spot), city=text_field(item, "city", spot),
                                  state=text_field(item, "state", spot), country=text_field(item, "country", spot),
                                  lat=lat, lon=lon, status=text_field(item, "status", spot)))
    return locations


def intervention_names(arms: dict[str, Any], where: str) -> list[str]:
    raw = arms.get("interventions", [])
    if not isinstance(raw, list):
        raise StudyShapeError(f"{where}.interventions: expected a list")
    names: list[str] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise StudyShapeError(f"{where}.interventions[{index}]: expected an object")
        name = text_field(item, "name", f"{where}.interventions[{index}]")
        if name and name not in names:
            names.append(name)
    return names


def parse_study(raw: Any, *, finder: TherapyFinder, where: str = "study") -> Trial:
    """Validate and normalise one API v2 study; ``StudyShapeError`` names the first bad field."""
    if not isinstance(raw, dict) or not isinstance(raw.get("protocolSection"), dict):
        raise StudyShapeError(f"{where}: expected a study object with a 'protocolSection'")
    where = f"{where}.protocolSection"
    section = raw["protocolSection"]
    ident = module(section, "identificationModule", where)
    nct_id = text_field(ident, "nctId", f"{where}.identificationModule")
    if not nct_id or not NCT_ID.match(nct_id):
        raise StudyShapeError(f"{where}.identificationModule.nctId: expected NCT followed by 8 digits, got {nct_id!r}")
    where = f"{where} ({nct_id})"
    brief = text_field(ident, "briefTitle", where)
    official = text_field(ident, "officialTitle", where)
    if not (brief or official):
        raise StudyShapeError(f"{where}.identificationModule: no briefTitle or officialTitle")
    status = module(section, "statusModule", where)
    design = module(section, "designModule", where)
    conditions_module = module(section, "conditionsModule", where)
    eligibility = module(section, "eligibilityModule", where)
    sponsor = module(module(section, "sponsorCollaboratorsModule", where), "leadSponsor", where)
    description = module(section, "descriptionModule", where)
    conditions = text_list(conditions_module, "conditions", where)
    keywords = text_list(conditions_module, "keywords", where)
    interventions = intervention_names(module(section, "armsInterventionsModule", where), where)
    acronym = text_field(ident, "acronym", where)
    named_in = [*interventions, brief or "", official or "", *keywords]
    inclusion, exclusion = split_criteria(text_field(eligibility, "eligibilityCriteria", where))
    minimum_age = text_field(eligibility, "minimumAge", where)
    maximum_age = text_field(eligibility, "maximumAge", where)
    return Trial(
        nct_id=nct_id, brief_title=brief or official or nct_id, official_title=official, acronym=acronym,
        status=(text_field(status, "overallStatus", where) or "UNKNOWN").upper(),
        phases=[p.upper() for p in text_list(design, "phases", where)],
        study_type=text_field(design, "studyType", where),
        conditions=conditions, keywords=keywords, interventions=interventions,
        therapy_ids=list(dict.fromkeys(t for text in named_in for t in finder.ids_in(text))),
        sponsor=text_field(sponsor, "name", where),
        locations=parse_locations(module(section, "contactsLocationsModule", where), where),
        start_date=date_of(status, "startDateStruct", where),
        completion_date=date_of(status, "completionDateStruct", where),
        minimum_age=minimum_age, maximum_age=maximum_age,
        min_age_years=parse_age(minimum_age, f"{where}.minimumAge"),
        max_age_years=parse_age(maximum_age, f"{where}.maximumAge"),
        sex=(text_field(eligibility, "sex", where) or "ALL").upper(),
        inclusion=inclusion, exclusion=exclusion,
        brief_summary=text_field(description, "briefSummary", where),
        last_update=date_of(status, "lastUpdatePostDateStruct", where),
        ms_related=any(is_ms_text(t) for t in [*conditions, *keywords, brief or "", official or "", acronym or ""]),
    )
