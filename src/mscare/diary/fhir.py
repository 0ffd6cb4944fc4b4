"""The diary as a FHIR R4 Bundle (type collection), built as plain JSON; tests validate it with fhir.resources.

A Patient without identifiers, the MS Condition (SNOMED CT 24700007), a MedicationStatement per therapy period,
Observations for symptom scores, relapses and tests. References are ``urn:uuid`` ids derived from the owner and
entry ids, so the same diary always exports the same bundle.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from mscare.catalogue import Catalogue
from mscare.diary.inputs import ListQuery
from mscare.diary.store import Entry, list_entries

SNOMED = "http://snomed.info/sct"
MS_CODE = {"system": SNOMED, "code": "24700007", "display": "Multiple sclerosis"}
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
NAMESPACE = uuid.UUID("6f1c7a3e-5d2b-4c8e-9a41-2b7d0e3f9c15")


def urn(owner: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{owner}/{key}')}"


def observation(entry: Entry, patient: str, code_text: str, category: str, **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation", "status": "final",
        "category": [{"coding": [{"system": CATEGORY, "code": category}]}],
        "code": {"text": code_text}, "subject": {"reference": patient},
        "effectiveDateTime": entry.date.isoformat(), **value,
    }


def medication_statement(entry: Entry, patient: str, today: dt.date) -> dict[str, Any]:
    stop = entry.fields["stop"]
    period = {"start": entry.fields["start"].isoformat()}
    if stop is not None:
        period["end"] = stop.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "status": "completed" if stop is not None and stop <= today else "active",
        "medicationCodeableConcept": {"text": entry.fields["name"]},
        "subject": {"reference": patient}, "effectivePeriod": period,
    }
    if entry.fields["reason"]:
        resource["note"] = [{"text": entry.fields["reason"]}]
    return resource


def resource_for(entry: Entry, patient: str, today: dt.date) -> dict[str, Any]:
    f = entry.fields
    if entry.kind == "therapy":
        return medication_statement(entry, patient, today)
    if entry.kind == "symptom":
        resource = observation(entry, patient, f"{f['label']} score (0 = none, 10 = worst)", "survey",
                               valueInteger=f["score"])
        if f["note"]:
            resource["note"] = [{"text": f["note"]}]
        return resource
    if entry.kind == "relapse":
        components = [{"code": {"text": "Recovery"}, "valueString": f["recovery"]}]
        if f["treated_with_name"]:
            components.append({"code": {"text": "Treated with"}, "valueString": f["treated_with_name"]})
        return observation(entry, patient, "Multiple sclerosis relapse", "exam", valueString=f["symptoms"],
                           component=components)
    category = "imaging" if any(w in f["test"].lower() for w in ("mri", "scan")) else "laboratory"
    resource = observation(entry, patient, f["test"], category)
    if f["result"]:
        resource["valueString"] = f["result"]
    return resource


def fhir_bundle(session: Session, *, owner: str, catalogue: Catalogue, today: dt.date | None = None) -> dict[str, Any]:
    """The owner's diary as a FHIR R4 collection Bundle (a dict ready for ``json.dumps``)."""
    today = today or dt.date.today()
    patient = urn(owner, "patient")
    entries = list_entries(session, owner=owner, query=ListQuery(), catalogue=catalogue)
    resources: list[tuple[str, dict[str, Any]]] = [
        (patient, {"resourceType": "Patient", "active": True}),
        (urn(owner, "condition-ms"), {
            "resourceType": "Condition", "code": {"coding": [MS_CODE], "text": "Multiple sclerosis"},
            "subject": {"reference": patient}}),
    ]
    resources += [(urn(owner, e.id), resource_for(e, patient, today)) for e in entries]
    return {
        "resourceType": "Bundle", "type": "collection",
        "timestamp": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "entry": [{"fullUrl": full_url, "resource": resource} for full_url, resource in resources],
    }
