"""``mscare check``: validate all content and report readability."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from mscare.catalogue import load_catalogue
from mscare.check_sources import check_sources, load_policy
from mscare.content import content_dir
from mscare.sources import load_tier_rules
from mscare.topic_overlap import MAX_PAIRS, load_stopwords, near_duplicates
from mscare.topics import Topic, load_topics, topic_problems

# Claims no mscare text may make, whatever the file (medical-safety rule: MS has no cure).
FORBIDDEN = [
    re.compile(r"\b(ms|multiple sclerosis) (is|can be) (now )?(cured|curable)\b", re.I),
    re.compile(r"\bcures? (ms|multiple sclerosis)\b", re.I),
]
URGENT_ARTICLE = "urgent-help"  # the article that shows care/urgent.yaml's advice, word for word
NEGATION = re.compile(r"\b(no|not|never|cannot|can't|doesn't|does not|don't|won't|isn't)\b", re.I)


@dataclass
class CheckReport:
    therapies: int = 0
    sources: int = 0
    topics: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    readability: list[dict[str, object]] = field(default_factory=list)
    tier_shares: dict[int, float] = field(default_factory=dict)  # share of therapy citations per source tier
    citations: int = 0
    tier3_max_share: float = 0.15
    duplicates: list[dict[str, object]] = field(default_factory=list)  # near-identical sentence pairs

    @property
    def ok(self) -> bool:
        return not self.problems


def string_values(value: object) -> list[str]:
    """Every string inside a JSON-like value, so each field's sentences are checked on their own."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in string_values(v)]
    if isinstance(value, list):
        return [s for v in value for s in string_values(v)]
    return []


def forbidden_claims(text: str, where: str) -> list[str]:
    """Sentences that claim a cure without a negation in the same sentence."""
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if any(p.search(sentence) for p in FORBIDDEN) and not NEGATION.search(sentence):
            found.append(f"{where}: claims a cure: {sentence.strip()[:80]!r}")
    return found


def engine_citations(root: Path, report: CheckReport) -> set[str]:
    """Source ids cited by the ask engine's red-flag advice, the relapse check and appointment questions."""
    from mscare.ask.lexicon import load_lexicon
    from mscare.care.relapse import SOURCES as RELAPSE_SOURCES

    ids = set(RELAPSE_SOURCES)
    try:
        lexicon = load_lexicon(root)
    except (OSError, ValueError, KeyError, TypeError, re.error) as err:
        report.problems.append(f"lexicon: cannot load: {err}")
        return ids
    ids |= {s for flag in lexicon.red_flags for s in flag.sources}
    appointment = root / "care" / "appointment.yaml"
    if appointment.exists():
        data = yaml.safe_load(appointment.read_text(encoding="utf-8"))
        ids |= set(data["bring"]["sources"])
        ids |= {s for concern in data["concerns"].values() for s in concern["sources"]}
    return ids


def duplicate_sentences(root: Path, topics: list[Topic], report: CheckReport) -> None:
    """Near-identical sentences across articles (topic_overlap); too many fails the check."""
    pairs = near_duplicates(topics, load_stopwords(root))
    report.duplicates = [p.to_json() for p in pairs]
    if len(pairs) >= MAX_PAIRS:
        report.problems.append(
            f"topics: {len(pairs)} near-identical sentence pairs across articles (must be under {MAX_PAIRS}); "
            "say it once and link to it"
        )


def section_bank_problems(root: Path, topics: dict[str, Topic]) -> list[str]:
    """Example questions written for a section that no article has (a renamed heading leaves them behind)."""
    from mscare.ask.sections import written_examples

    headings = {f"{slug}#{s.title}" for slug, t in topics.items() for s in t.sections}
    return [f"lexicon/sections*.yaml: no article section {key!r}" for key in written_examples(root)
            if key not in headings]


def lookalike_bank_problems(root: Path) -> list[str]:
    """Each look-alike bank names only known labels (red flags, decline reasons), and its stored vectors were made
    from it and the shipped model, with a score for each label its settings score."""
    from mscare.ask.declines import DECLINE_REASONS
    from mscare.ask.lexicon import load_lexicon
    from mscare.ask.lookalike import default_bank, read_rows, stored_key, vectors_key

    lexicon = load_lexicon(root)
    known = {"triage": {f.id for f in lexicon.red_flags}, "decline": set(DECLINE_REASONS)}
    settings = {"triage": lexicon.triage.lookalike, "decline": lexicon.decline_lookalike}
    scored = {name: s.scored if s else {} for name, s in settings.items()}
    problems = []
    for name, labels in known.items():
        used = {label for row in read_rows(name, root) for label in row["labels"]}
        problems += [f"lexicon/{name}_bank.jsonl: unknown label {label!r}" for label in sorted(used - labels)]
        if stored_key(name) != vectors_key(name, root=root):
            problems.append(f"ask/model/{name}_bank.npz was not made from lexicon/{name}_bank.jsonl and the shipped "
                            "model: run scripts/make_banks.py")
        if scored[name]:  # the stored bank is loaded only to look for the scores its settings name
            problems += [f"ask/model/{name}_bank.npz has no score of its own for {label!r}: run scripts/make_banks.py"
                         for label in sorted(set(scored[name]) - set(default_bank(name).scores))]
        problems += [f"lookalike.scored names {label!r}, not a label of lexicon/{name}_bank.jsonl"
                     for label in sorted(set(scored[name]) - labels)]
    return problems


def meaning_bank_problems(root: Path) -> list[str]:
    """The section vectors (ask/meaning.py) were made from the articles' headings and the written examples."""
    from mscare.ask.lookalike import stored_key
    from mscare.ask.meaning import BANK, meaning_key, meaning_rows

    if stored_key(BANK) != meaning_key(meaning_rows(root)):
        return ["ask/model/sections_bank.npz was not made from the article headings and lexicon/sections*.yaml: "
                "run scripts/make_banks.py"]
    return []


def urgent_problems(root: Path, report: CheckReport, article: Topic | None) -> None:
    """urgent.yaml validates, covers every red flag the ask engine detects, and the urgent-help article
    gives each flag's advice in exactly urgent.yaml's words."""
    from mscare.ask.lexicon import load_lexicon
    from mscare.urgent import UrgentError, load_urgent

    try:
        urgent = load_urgent(root)
        flags = {f.id for f in load_lexicon(root).red_flags}
    except UrgentError as err:
        report.problems += err.problems
        return
    except (OSError, ValueError, KeyError, TypeError, re.error):
        return  # the lexicon's own load problem is reported by engine_citations
    for flag_id in sorted(flags - set(urgent.advice)):
        report.problems.append(f"care/urgent.yaml: no advice for red flag {flag_id!r} (lexicon/redflags.yaml)")
    if article is None:
        report.problems.append(f"topics/{URGENT_ARTICLE}.md: missing (it shows care/urgent.yaml's advice)")
        return
    said = {" ".join(p.text.split()) for p in article.paragraphs()}
    for flag_id, advice in urgent.advice.items():
        if advice.text not in said:
            report.problems.append(f"{article.path}: the advice for {flag_id!r} must be a paragraph worded exactly "
                                   "as in care/urgent.yaml")


def urgent_citations(root: Path) -> set[str]:
    from mscare.urgent import UrgentError, load_urgent

    try:
        return load_urgent(root).cited()
    except UrgentError:
        return set()


def medicine_citations(root: Path, report: CheckReport) -> set[str]:
    """Source ids cited by the general medicine advice (care/medicines.yaml); its faults are problems."""
    from mscare.ask.medicines import MedicinesError, load_medicine_advice

    try:
        return load_medicine_advice(root).cited()
    except MedicinesError as err:
        report.problems += err.problems
        return set()


def run_check(root: Path | None = None, *, today: date | None = None) -> CheckReport:
    """Validate schema, citations, dates and readability of every content file."""
    root = root or content_dir()
    today = today or date.today()
    catalogue = load_catalogue(root, strict=False)
    topics, topic_errors = load_topics(root, strict=False)
    report = CheckReport(
        therapies=len(catalogue.therapies), sources=len(catalogue.sources), topics=len(topics),
        problems=list(catalogue.problems) + topic_errors,
    )
    for source in catalogue.sources.values():
        if source.accessed > today:
            report.problems.append(f"sources: {source.id}: accessed {source.accessed} is in the future")
    for therapy in catalogue.therapies.values():
        where = f"therapies/{therapy.id}.yaml"
        if therapy.last_reviewed > today:
            report.problems.append(f"{where}: last_reviewed {therapy.last_reviewed} is in the future")
        dose_linked = ("each_dose", "after_each_dose", "listed_doses")
        if any(m.parsed.kind in dose_linked for m in therapy.monitoring) and therapy.dosing is None:
            report.problems.append(f"{where}: monitoring is linked to doses but the record has no dosing calendar")
        for text in string_values(therapy.model_dump(mode="json")):
            report.problems += forbidden_claims(text, where)
    slugs = set(topics)
    aliases = [a for t in topics.values() for a in t.meta.aliases]
    for alias in sorted({a for a in aliases if aliases.count(a) > 1}):
        report.problems.append(f"topics: alias {alias!r} is given by more than one article")
    for topic in topics.values():
        report.problems += topic_problems(topic, set(catalogue.sources), slugs)
        report.problems += forbidden_claims(topic.body, topic.path)
        if topic.meta.last_reviewed > today:
            report.problems.append(f"{topic.path}: last_reviewed {topic.meta.last_reviewed} is in the future")
        report.readability.append(
            {"slug": topic.slug, "audience": topic.meta.audience, "grade": topic.grade()}
        )
    duplicate_sentences(root, list(topics.values()), report)
    report.problems += section_bank_problems(root, topics)
    report.problems += lookalike_bank_problems(root)
    report.problems += meaning_bank_problems(root)
    urgent_problems(root, report, topics.get(URGENT_ARTICLE))
    cited = {i for t in catalogue.therapies.values() for i in t.cited()}
    cited |= {i for t in topics.values() for i in t.cited()}
    engine_cited = engine_citations(root, report) | urgent_citations(root) | medicine_citations(root, report)
    cited |= engine_cited
    for source_id in sorted(engine_cited - set(catalogue.sources)):
        report.problems.append(f"lexicon or care data cites unknown source {source_id!r}")
    policy = load_policy(root)
    findings = check_sources(catalogue.therapies.values(), catalogue.sources, rules=load_tier_rules(root),
                             policy=policy)
    report.problems += findings.problems
    report.warnings += findings.warnings
    report.tier_shares, report.citations = findings.shares, findings.citations
    report.tier3_max_share = policy.tier3_max_share
    unused = sorted(set(catalogue.sources) - cited)
    if unused:
        report.warnings.append(f"{len(unused)} sources are never cited: {', '.join(unused[:10])}")
    return report
