"""What a therapy question asks (its aspect), learned from example questions, and the record parts answering it.

The bank of examples is data (``content/lexicon/aspects.yaml``). A question is compared with every example by
the IDF-weighted cosine of their word stems and word pairs, therapy names left out; the aspects of the best
examples win. Record parts that are not index passages (brand names, the indication, contraindications,
vaccines, interactions, the patient guide) are built here from the record, each with its own sources, and
only when the record has them: a missing part is never invented.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from mscare.content import FAST_LOADER, content_dir
from mscare.models import Therapy
from mscare.passages import Passage, capitalised, sentence, therapy_label
from mscare.stemming import stem

FILLER = frozenset("a an the of to is are i my me you your it its and or s x y in for do does be".split())
MIN_SCORE = 0.12
SECOND_SHARE = 0.8
MAX_WEIGHT = 0.5  # an aspect's score: this share from its nearest example, the rest from all its examples


@dataclass(frozen=True)
class Aspect:
    name: str
    fields: list[str]  # the parts that answer the aspect, in order
    context: list[str] = field(default_factory=list)  # parts that follow the answer (or the missing note)
    cues: frozenset[str] = frozenset()  # words or phrases of a sentence on this aspect ...
    cue_fields: frozenset[str] = frozenset()  # ... to which these parts are cut down
    missing: str | None = None  # the note (care/medicines.yaml) when no part answers
    broad_cues: frozenset[str] = frozenset()  # cues naming the whole aspect ("food"), not one item ("alcohol")
    strict: bool = False  # answered from these parts only, never another part that shares a question word
    parts: int = 3  # the most record parts an answer on this aspect quotes


@dataclass(frozen=True)
class ExampleIndex:
    """Labelled example questions as IDF-weighted features, indexed by feature: a question visits only the
    examples it shares a feature with."""

    labels: list[str]  # the label of each example
    norms: list[float]  # each example's weighted norm
    postings: dict[str, list[tuple[int, float]]]  # feature -> (example, weighted count)
    centroid_norms: dict[str, float]  # label -> norm of all its examples together
    centroid_postings: dict[str, list[tuple[str, float]]]  # feature -> (label, weighted count)
    idf: dict[str, float]
    default_idf: float  # the weight of a feature no example has


def index_examples(examples: list[tuple[str, Counter[str]]]) -> ExampleIndex:
    frequency: Counter[str] = Counter()
    centroids: dict[str, Counter[str]] = {}
    for label, feats in examples:
        frequency.update(set(feats))
        centroids.setdefault(label, Counter()).update(feats)
    idf = {f: math.log(1 + len(examples) / n) for f, n in frequency.items()}
    postings: dict[str, list[tuple[int, float]]] = {}
    for number, (_, feats) in enumerate(examples):
        for f, n in feats.items():
            postings.setdefault(f, []).append((number, idf[f] * n))
    centroid_postings: dict[str, list[tuple[str, float]]] = {}
    for label, feats in centroids.items():
        for f, n in feats.items():
            centroid_postings.setdefault(f, []).append((label, idf[f] * n))
    norm = lambda feats: math.sqrt(sum((idf[f] * n) ** 2 for f, n in feats.items())) or 1.0  # noqa: E731
    return ExampleIndex(labels=[label for label, _ in examples], norms=[norm(f) for _, f in examples],
                        postings=postings, centroid_norms={label: norm(f) for label, f in centroids.items()},
                        centroid_postings=centroid_postings, idf=idf, default_idf=math.log(1 + len(examples)))


def label_scores(asked: Counter[str], index: ExampleIndex) -> dict[str, float]:
    """Each label's score for a question: ``MAX_WEIGHT`` times the cosine with its nearest example, the rest the
    cosine with all its examples together (IDF-weighted feature counts); labels sharing nothing score 0."""
    weights = {f: index.idf.get(f, index.default_idf) * n for f, n in asked.items()}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    scores = dict.fromkeys(index.centroid_norms, 0.0)
    if not norm:
        return scores
    dots: dict[int, float] = {}
    sums: dict[str, float] = {}
    for f, w in weights.items():
        for number, v in index.postings.get(f, ()):
            dots[number] = dots.get(number, 0.0) + w * v
        for label, v in index.centroid_postings.get(f, ()):
            sums[label] = sums.get(label, 0.0) + w * v
    nearest: dict[str, float] = {}
    for number, dot in dots.items():
        label = index.labels[number]
        nearest[label] = max(nearest.get(label, 0.0), dot / (norm * index.norms[number]))
    for label, near in nearest.items():
        scores[label] = MAX_WEIGHT * near + (1 - MAX_WEIGHT) * sums[label] / (norm * index.centroid_norms[label])
    return scores


@dataclass(frozen=True)
class AspectBank:
    aspects: dict[str, Aspect]
    index: ExampleIndex
    heads: dict[str, str]  # word -> the first word of its group


def features(text: str, skip: frozenset[str] = frozenset(), heads: dict[str, str] | None = None) -> Counter[str]:
    """Stems of the words (fillers and ``skip`` words left out, synonyms as their group's head) and pairs."""
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", "")) if w not in skip]
    heads = heads or {}
    stems = [stem(heads.get(w, w)) for w in words if w not in FILLER]
    pairs = [f"{a}_{b}" for a, b in zip(stems, stems[1:], strict=False)]
    return Counter(stems + pairs)


@lru_cache(maxsize=2)
def load_bank(root: Path | None = None) -> AspectBank:
    text = ((root or content_dir()) / "lexicon" / "aspects.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=FAST_LOADER)  # noqa: S506 - a safe loader, in C where available
    heads = {str(w): str(group[0]) for group in data["words"] for w in group}
    aspects = {a["aspect"]: aspect_of(a) for a in data["aspects"]}
    examples = [(a["aspect"], features(e, heads=heads)) for a in data["aspects"] for e in a["examples"]]
    return AspectBank(aspects=aspects, index=index_examples(examples), heads=heads)


def aspect_of(entry: dict[str, Any]) -> Aspect:
    return Aspect(name=entry["aspect"], fields=list(entry["fields"]), context=list(entry.get("context", [])),
                  cues=frozenset(str(c).lower() for c in entry.get("cues", [])),
                  cue_fields=frozenset(entry.get("cue_fields", [])), missing=entry.get("missing"),
                  broad_cues=frozenset(str(c).lower() for c in entry.get("broad_cues", [])),
                  strict=bool(entry.get("strict", False)), parts=int(entry.get("parts", 3)))


PARTS = re.compile(r"\?|;|\band also\b|\band (?=(?:what|how|when|can|is|are|does|do|will|why|should|it)\b)"
                   r"|, (?=(?:and|what|how|when|can|is|are|does|do|will|why|should)\b)")


def classify(text: str, *, skip: frozenset[str] = frozenset(), bank: AspectBank | None = None) -> list[str]:
    """The aspects a question asks about, best first; a question in two parts gets each part's aspect."""
    bank = bank or load_bank()
    found = classify_part(text, skip, bank)
    parts = [p for p in PARTS.split(text) if p and len(p.split()) >= 2]
    if len(parts) > 1:
        for piece in parts:
            found += [a for a in classify_part(piece, skip, bank)[:1] if a not in found]
    return found[:2]


def classify_part(text: str, skip: frozenset[str], bank: AspectBank) -> list[str]:
    """The best aspect of one text, and a close second."""
    asked = features(text, skip, bank.heads)
    if not asked:
        return []
    scores = label_scores(asked, bank.index)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < MIN_SCORE:
        return []
    top = ranked[0][1]
    chosen = [name for name, score in ranked[:2] if score >= max(MIN_SCORE, SECOND_SHARE * top)]
    return [] if chosen[0] == "none" else [name for name in chosen if name != "none"]


def part(therapy: Therapy, name: str, text: str, sources: list[str]) -> Passage:
    return Passage(pid=f"therapy:{therapy.id}:{name}", kind="therapy", ref=therapy.id, field=name,
                   title=therapy_label(therapy), text=text, sources=list(dict.fromkeys(sources)))


def record_part(therapy: Therapy, name: str, question_lower: str = "") -> Passage | None:
    """A record part that the index does not hold as a passage, or None when the record lacks it."""
    generic = capitalised(therapy.generic_name)
    if name == "brands":
        brands = [b for b in therapy.brands if not b.lower().startswith("generic")]
        if not brands:
            return None
        generics = " Generic versions are also sold." if len(brands) < len(therapy.brands) else ""
        return part(therapy, name, f"{generic} is sold under the brand name{'s' if len(brands) > 1 else ''} "
                                   f"{', '.join(brands)}.{generics}", therapy.sources_for("brands"))
    if name == "indication":
        return indication(therapy)
    if name == "tests_asked":
        return tests_asked(therapy, question_lower)
    if name == "contraindications" and therapy.contraindications:
        items = list(therapy.contraindications)
        text = f"Do not use {therapy.generic_name} if: " + "; ".join(
            c.text.rstrip(".") + ("" if set(c.regions) == {"us", "eu"} else f" ({'/'.join(c.regions).upper()} label)")
            for c in items) + "."
        return part(therapy, name, text, [s for c in items for s in c.sources])
    if name == "vaccines" and therapy.vaccines:
        advice = therapy.vaccines
        pieces = [advice.live, advice.non_live, advice.before, advice.during, advice.after]
        return part(therapy, name, " ".join(sentence(p) for p in pieces if p), advice.sources)
    if name == "interactions" and therapy.interactions:
        asked = [i for i in therapy.interactions if names_agent(i.agent, question_lower)] or therapy.interactions[:3]
        text = " ".join(sentence(f"{capitalised(i.agent)}: {i.effect.rstrip('.')}"
                                 + (f". {i.advice}" if i.advice else "")) for i in asked)
        return part(therapy, name, text, [s for i in asked for s in i.sources])
    if name.startswith("guide.") and therapy.patient_guide:
        value = getattr(therapy.patient_guide, name.split(".", 1)[1], None)
        if value:
            return part(therapy, name, sentence(value), therapy.patient_guide.sources)
    return None


AGENT_FILLER = frozenset("other and with that such medicines medicine drugs drug sedating some like".split())


def names_agent(agent: str, question_lower: str) -> bool:
    """Does the question name an interacting agent ("alcohol" for "Alcohol and other sedating medicines")?"""
    if agent.lower() in question_lower:
        return True
    asked = set(re.findall(r"[a-z0-9]+", question_lower))
    return any(w in asked for w in re.findall(r"[a-z0-9]+", agent.lower()) if len(w) > 3 and w not in AGENT_FILLER)


def indication(therapy: Therapy) -> Passage | None:
    """What the therapy is approved for, US then EU, from the approvals."""
    uses = []
    for region, label in (("us", "In the US"), ("eu", "In the EU")):
        approval = getattr(therapy.approvals, region)
        if approval.status == "approved" and approval.indication:
            use = approval.indication[:1].lower() + approval.indication[1:].rstrip(".")
            uses.append(f"{label} it is approved for {use}.")
    if not uses:
        return None
    treats = f" It is used for {', '.join(therapy.treats)}." if therapy.treats else ""
    return part(therapy, "indication", f"{capitalised(therapy.generic_name)} ({therapy.drug_class}). " + " ".join(uses)
                + treats, therapy.sources_for("approvals"))


TEST_WORDS = frozenset("test tests testing check checks checked need needed needs why what when before after there "
                       "an the with on for do does is are i my me you your it they start starting started begin "
                       "take taking while during done get have which few month months week weeks day days year years "
                       "first every often regular regularly".split())


def tests_asked(therapy: Therapy, question_lower: str) -> Passage | None:
    """The monitoring items a question names ("why the eye test?"), each with why it is done."""
    names = {w for n in [therapy.generic_name, *therapy.brands, *therapy.aliases] for w in n.lower().split()}
    asked = [w for w in re.findall(r"[a-z0-9]+", question_lower) if w not in TEST_WORDS | names and len(w) > 2]
    items = [m for m in therapy.monitoring
             if any(word.startswith(w) or stem(word) == stem(w) for w in asked
                    for word in re.findall(r"[a-z0-9]+", f"{m.test} {m.why}".lower()))]
    if not items or len(items) == len(therapy.monitoring):
        return None
    text = " ".join(sentence(f"{capitalised(m.test)} ({m.when}): {m.why.strip().rstrip('.')}")
                    for m in items[:3])
    return part(therapy, "tests_asked", text, [s for m in items[:3] for s in m.sources])
