"""A one-paragraph profile of a therapy for side-by-side answers, built only from its record's fields."""

from __future__ import annotations

import re

from mscare.models import Approval, Therapy
from mscare.passages import Passage, article, capitalised, sentence, therapy_label


def first_sentences(text: str, count: int = 1) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return " ".join(parts[:count])


def approval_phrase(region: str, approval: Approval) -> str:
    status = approval.status.replace("_", " ")
    if approval.indication and approval.status == "approved":
        return f"{region}: approved for {approval.indication[:1].lower()}{approval.indication[1:].rstrip('.')}"
    return f"{region}: {status}"


def therapy_profile(therapy: Therapy) -> Passage:
    """How it is given, approval in the US and EU, efficacy group, main risks and first-dose checks."""
    parts = [f"{capitalised(therapy_label(therapy))}, {article(therapy.drug_class)} {therapy.drug_class}: "
             f"{sentence(first_sentences(therapy.schedule, 2))}"]
    parts.append(sentence(f"{approval_phrase('US', therapy.approvals.us)}; "
                          f"{approval_phrase('EU', therapy.approvals.eu)}"))
    sources = therapy.sources_for("mechanism") + therapy.sources_for("schedule") + therapy.sources_for("approvals")
    if therapy.efficacy != "n/a":
        parts.append(f"Efficacy group: {therapy.efficacy}.")
        sources += therapy.sources_for("efficacy")
    parts.append(sentence(f"Main risks: {'; '.join(therapy.key_risks[:4])}"))
    sources += therapy.sources_for("key_risks")
    if therapy.boxed_warning:
        parts.append(f"US boxed warning: {sentence(first_sentences(therapy.boxed_warning))}")
        sources += therapy.sources_for("boxed_warning")
    first_dose = [m for m in therapy.monitoring if m.parsed.kind == "first_dose"]
    if first_dose:
        parts.append(sentence(f"At the first dose: {'; '.join(m.test for m in first_dose)}"))
        sources += [s for m in first_dose for s in m.sources]
    return Passage(pid=f"therapy:{therapy.id}:profile", kind="therapy", ref=therapy.id, field="profile",
                   title=therapy_label(therapy), text=" ".join(parts), sources=list(dict.fromkeys(sources)))
