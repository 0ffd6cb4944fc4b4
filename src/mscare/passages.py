"""Turning content into passages: the units the index searches and answers quote."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from mscare.catalogue import Catalogue
from mscare.models import Therapy
from mscare.render import approval_text
from mscare.topics import Topic


@dataclass(frozen=True)
class Passage:
    """A citable unit of text: a topic paragraph or one field group of a therapy record."""

    pid: str
    kind: str  # "topic" | "therapy"
    ref: str  # topic slug or therapy id
    field: str  # section title or record field
    title: str
    text: str
    sources: list[str]
    keywords: str = ""
    stems: frozenset[str] = frozenset()  # filled from the index: stems of the heading and text

    @cached_property
    def match_text(self) -> str:
        """The heading (topics) or label (therapies) and the text, lowercase: what a question's phrases match."""
        return f"{self.field if self.kind == 'topic' else self.title} {self.text}".lower()


def therapy_label(therapy: Therapy) -> str:
    """"natalizumab (Tysabri, Tyruko)": the generic name with its first brands."""
    brands = ", ".join(therapy.brands[:3])
    return f"{therapy.generic_name} ({brands})" if brands else therapy.generic_name


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def article(noun_phrase: str) -> str:
    """ "a" or "an" by the first letter's sound (good enough for drug classes: "an anti-CD20 antibody")."""
    return "an" if noun_phrase[:1].lower() in "aeio" else "a"


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def therapy_fields(therapy: Therapy) -> dict[str, str]:
    """Plain-language text for each field group of a record, as quoted in answers."""
    name = capitalised(therapy_label(therapy))
    generic = capitalised(therapy.generic_name)
    fields: dict[str, str] = {
        "mechanism": f"{sentence(f'{name} is {article(therapy.drug_class)} {therapy.drug_class}')} "
                     f"{sentence(therapy.mechanism)}",
        "schedule": f"How {therapy.generic_name} is given: {sentence(therapy.schedule)}",
        "approvals": " ".join(
            sentence(f"{label}: {approval_text(getattr(therapy.approvals, region))}")
            for region, label in (("us", f"In the US, {therapy.generic_name} for MS is"),
                                  ("eu", "In the EU it is"))
        ),
        "key_risks": sentence(f"Main risks of {therapy.generic_name}: {'; '.join(therapy.key_risks)}"),
        "pregnancy": f"{generic} and pregnancy: {sentence(therapy.pregnancy)}",
    }
    if therapy.boxed_warning:
        fields["boxed_warning"] = f"The US label for {therapy.generic_name} has a boxed warning: " + sentence(
            therapy.boxed_warning)
    if therapy.common_side_effects:
        fields["common_side_effects"] = sentence(
            f"Common side effects of {therapy.generic_name} include {', '.join(therapy.common_side_effects)}")
    if therapy.efficacy_basis:
        level = "" if therapy.efficacy == "n/a" else f"{therapy.efficacy} efficacy. "
        fields["efficacy"] = f"Effectiveness of {therapy.generic_name}: {level}{sentence(therapy.efficacy_basis)}"
    if therapy.monitoring:
        items = "; ".join(f"{m.test} ({m.when})" for m in therapy.monitoring)
        fields["monitoring"] = sentence(f"Tests needed on {therapy.generic_name}: {items}")
    if therapy.dose_limit:
        limit = therapy.dose_limit
        fields["dose_limit"] = (
            f"Lifetime dose limit for {therapy.generic_name}: US {limit.us} {limit.unit}, "
            f"EU {limit.eu} {limit.unit}. {sentence(limit.note)}"
        )
    for index, note in enumerate(therapy.notes):
        fields[f"notes.{index}"] = sentence(note)
    return fields


def therapy_passages(therapy: Therapy) -> list[Passage]:
    keywords = " ".join(Catalogue.names_of(therapy) + [therapy.drug_class, *therapy.treats])
    out = []
    for field_name, text in therapy_fields(therapy).items():
        if field_name == "monitoring":
            cites = sorted({s for m in therapy.monitoring for s in m.sources})
        elif field_name == "dose_limit" and therapy.dose_limit:
            cites = therapy.dose_limit.sources
        else:
            cites = therapy.sources_for(field_name.split(".")[0])
        out.append(Passage(
            pid=f"therapy:{therapy.id}:{field_name}", kind="therapy", ref=therapy.id, field=field_name,
            title=therapy_label(therapy), text=text, sources=list(cites), keywords=keywords,
        ))
    return out


def topic_passages(topic: Topic) -> list[Passage]:
    """One passage per cited paragraph; uncited lines (the reminder) are not quotable."""
    keywords = " ".join(topic.meta.keywords)
    out = []
    for index, para in enumerate(topic.paragraphs()):
        if not para.sources:
            continue
        title = f"{topic.meta.title}: {para.section}" if para.section else topic.meta.title
        out.append(Passage(
            pid=f"topic:{topic.slug}:{index}", kind="topic", ref=topic.slug, field=para.section,
            title=title, text=para.text, sources=para.sources, keywords=keywords,
        ))
    return out


def all_passages(catalogue: Catalogue, topics: dict[str, Topic]) -> list[Passage]:
    out: list[Passage] = []
    for therapy in catalogue.by_category():
        out += therapy_passages(therapy)
    for topic in topics.values():
        out += topic_passages(topic)
    return out
