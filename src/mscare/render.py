"""Plain-text rendering for the terminal: tables and wrapped record views."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence

from mscare.catalogue import Catalogue
from mscare.labels import CATEGORY, ROUTE, label, labels
from mscare.models import REGIONS as ALL_REGIONS
from mscare.models import Approval, PatientGuide, Therapy, VaccineAdvice

REGIONS = {"us": "US (FDA)", "eu": "EU (EMA)"}
REGION_NAMES = {"us": "US", "eu": "EU", "uk": "UK"}
# Plain headings for the parts of a patient guide and of vaccine advice, in the order they are shown.
GUIDE_HEADINGS = {
    "how_to_take": "How to take it",
    "missed_dose": "If you miss a dose",
    "avoid": "What to avoid",
    "storage_travel": "Storage and travel",
    "when_to_call": "When to call your MS team or get urgent help",
    "onset": "How soon it works",
}
VACCINE_HEADINGS = {
    "live": "Live vaccines",
    "non_live": "Other (non-live) vaccines",
    "before": "Before starting",
    "during": "During treatment",
    "after": "After stopping",
}


def width() -> int:
    return max(60, min(shutil.get_terminal_size((100, 20)).columns, 120))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], max_col: int = 40) -> str:
    """A left-aligned text table; a cell longer than ``max_col`` wraps onto more lines instead of being cut."""
    wrapped = [[textwrap.wrap(c, max_col) or [""] for c in row] for row in rows]
    widths = [max([len(h)] + [len(line) for r in wrapped for line in r[i]]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in wrapped:
        for n in range(max(len(cell) for cell in row)):
            parts = [(cell[n] if n < len(cell) else "").ljust(w) for cell, w in zip(row, widths, strict=True)]
            lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def wrap(label: str, text: str) -> str:
    """A label on its own line, then the text indented below it."""
    body = textwrap.fill(text, width=width() - 4, initial_indent="    ", subsequent_indent="    ")
    return f"{label}\n{body}"


def bullet(marker: str, text: str, indent: int = 2) -> str:
    """One list item: the marker and the text on the same line, continuation lines aligned under the text."""
    lead = " " * indent + marker + " "
    return textwrap.fill(text, width=width(), initial_indent=lead, subsequent_indent=" " * len(lead))


def approval_text(approval: Approval) -> str:
    parts = [approval.status.replace("_", " ")]
    if approval.year:
        parts.append(str(approval.year))
    text = ", ".join(parts)
    if approval.indication:
        text += f": {approval.indication}"
    if approval.note:
        text += f" ({approval.note})"
    return text


def region_label(regions: Sequence[str]) -> str:
    """"" when a fact holds in every region, else e.g. "US only" or "EU and UK only"."""
    if set(regions) >= set(ALL_REGIONS):
        return ""
    return " and ".join(REGION_NAMES[r] for r in ALL_REGIONS if r in regions) + " only"


def guide_parts(guide: PatientGuide | None) -> list[tuple[str, str]]:
    """The filled parts of a patient guide as (heading, text), in reading order."""
    if guide is None:
        return []
    return [(heading, text) for key, heading in GUIDE_HEADINGS.items() if (text := getattr(guide, key))]


def vaccine_parts(vaccines: VaccineAdvice | None) -> list[tuple[str, str]]:
    """The filled parts of vaccine advice as (heading, text)."""
    if vaccines is None:
        return []
    return [(heading, text) for key, heading in VACCINE_HEADINGS.items() if (text := getattr(vaccines, key))]


def cites(ids: Sequence[str]) -> str:
    return f"[{', '.join(ids)}]"


def dash_item(text: str) -> str:
    """An indented "- " list item under a heading of a record view."""
    return textwrap.fill(text, width=width() - 4, initial_indent="    - ", subsequent_indent="      ",
                         break_on_hyphens=False)


def safety_view(therapy: Therapy) -> list[str]:
    """Contraindications, vaccines, interactions and the patient guide, each with its citations."""
    out: list[str] = []
    if therapy.contraindications:
        out.append("Who should not take it:")
        for item in therapy.contraindications:
            where = f" ({only})" if (only := region_label(item.regions)) else ""
            out.append(dash_item(f"{item.text}{where} {cites(item.sources)}"))
    if therapy.vaccines:
        out.append("Vaccines:")
        out += [wrap(f"  {heading}:", text) for heading, text in vaccine_parts(therapy.vaccines)]
        out.append(f"    Sources: {cites(therapy.vaccines.sources)}")
    if therapy.interactions:
        out.append("Other medicines and food:")
        for x in therapy.interactions:
            advice = f" {x.advice}" if x.advice else ""
            out.append(dash_item(f"{x.agent}: {x.effect}{advice} {cites(x.sources)}"))
    if therapy.patient_guide:
        out.append("Using it day to day:")
        out += [wrap(f"  {heading}:", text) for heading, text in guide_parts(therapy.patient_guide)]
        out.append(f"    Sources: {cites(therapy.patient_guide.sources)}")
    return out


def therapy_rows(therapies: Sequence[Therapy]) -> str:
    """The therapy list: the names people know, what it is for, how it is given and where it is approved."""
    rows = [
        [t.generic_name, ", ".join(t.brands[:2]), label(CATEGORY, t.category), labels(ROUTE, list(t.routes)),
         t.approvals.us.status.replace("_", " "), t.approvals.eu.status.replace("_", " ")]
        for t in therapies
    ]
    return table(["therapy", "brands", "type", "given", "US", "EU"], rows, max_col=28)


def therapy_view(therapy: Therapy, catalogue: Catalogue) -> str:
    """Every field of a therapy record, wrapped for a terminal, with its sources at the end."""
    title = therapy.generic_name + (f" ({', '.join(therapy.brands)})" if therapy.brands else "")
    out = [title, "=" * min(len(title), width())]
    out.append(f"Category: {therapy.category}   Class: {therapy.drug_class}")
    out.append(f"Routes: {', '.join(therapy.routes)}   MS types: {', '.join(therapy.ms_types) or '-'}")
    out.append(wrap("How it works:", therapy.mechanism))
    out.append(wrap("How it is given:", therapy.schedule))
    for region, region_name in REGIONS.items():
        out.append(wrap(f"{region_name}:", approval_text(getattr(therapy.approvals, region))))
    if therapy.efficacy != "n/a" or therapy.efficacy_basis:
        out.append(wrap("Efficacy:", f"{therapy.efficacy}. {therapy.efficacy_basis or ''}".strip()))
    if therapy.boxed_warning:
        out.append(wrap("Boxed warning (US label):", therapy.boxed_warning))
    out.append(wrap("Key risks:", "; ".join(therapy.key_risks)))
    if therapy.common_side_effects:
        out.append(wrap("Common side effects:", "; ".join(therapy.common_side_effects)))
    if therapy.monitoring:
        out.append("Monitoring:")
        out += [f"    - {m.test}: {m.when}" for m in therapy.monitoring]
    if therapy.dose_limit:
        limit = therapy.dose_limit
        out.append(wrap("Lifetime dose limit:", f"US {limit.us} / EU {limit.eu} {limit.unit}. {limit.note}"))
    out += safety_view(therapy)
    out.append(wrap("Pregnancy and breastfeeding:", therapy.pregnancy))
    for note in therapy.notes:
        out.append(wrap("Note:", note))
    for item in therapy.unverified:
        out.append(wrap("Not yet verified:", item))
    out.append(f"Last reviewed: {therapy.last_reviewed}")
    out.append("Sources:")
    out += [f"    [{s.id}] {s.title}. {s.publisher}. {s.url}" for s in catalogue.sources_of(sorted(therapy.cited()))]
    return "\n".join(out)
