"""Plain words for the codes in records and trials (dmt, iv, rrms, PHASE3), shared by every face."""

from __future__ import annotations

CATEGORY = {"dmt": "disease-modifying", "relapse": "relapse treatment", "symptomatic": "symptom treatment",
            "off_label": "off-label", "procedure": "procedure"}
ROUTE = {"oral": "by mouth", "iv": "infusion into a vein", "sc": "injection under the skin",
         "im": "injection into a muscle", "intrathecal": "spinal pump", "intradetrusor": "injection into the bladder",
         "oromucosal": "mouth spray", "nasal": "nose spray", "transdermal": "skin patch", "procedure": "procedure"}
MS_TYPE = {"cis": "clinically isolated syndrome (CIS)", "rrms": "relapsing-remitting MS",
           "active_spms": "active secondary progressive MS", "spms": "secondary progressive MS",
           "ppms": "primary progressive MS", "any": "any type of MS"}
EFFICACY = {"high": "higher efficacy", "moderate": "moderate efficacy", "n/a": "not graded"}
TRIAL_PHASE = {"EARLY_PHASE1": "early phase 1", "PHASE1": "phase 1", "PHASE2": "phase 2", "PHASE3": "phase 3",
               "PHASE4": "phase 4", "NA": "not a drug trial"}


def label(table: dict[str, str], code: str) -> str:
    """The plain words for a code, or the code itself (spaced out) when the table does not know it."""
    return table.get(code, code.replace("_", " "))


def labels(table: dict[str, str], codes: list[str]) -> str:
    """Several codes in plain words, without repeats, joined by commas."""
    return ", ".join(dict.fromkeys(label(table, c) for c in codes))
