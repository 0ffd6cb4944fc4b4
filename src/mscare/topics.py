"""Topic articles: Markdown with YAML front matter, split into cited passages."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import textstat
import yaml

from mscare.content import ContentError, content_dir, impossible_date, relative, validate
from mscare.figures import figure_problems
from mscare.models import TopicMeta

CITATION = re.compile(r"\[@([a-z0-9][a-z0-9-]*)\]")
REMINDER = re.compile(r"not (personal |individual )?(medical )?advice|not a substitute for", re.I)
MAX_PATIENT_GRADE = 10.0
# An article that mentions a red-flag symptom must also say to get urgent care (content standard).
RED_FLAG_MENTION = re.compile(r"suicid|self-harm|anaphyla|sudden(ly)? (loss|lose|blind)|loss of (vision|sight)|"
                              r"vision loss|\bPML\b", re.I)
URGENT_ADVICE = re.compile(r"urgent|emergency|right away|straight away|immediately|same[- ]day|\b911\b|\b999\b|"
                           r"\bA&E\b", re.I)
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
UNCITED_LIMIT = 120  # characters; shorter lines (a heading-like sentence, the reminder) may go uncited


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of an article: plain text without citation marks, and the sources it cites."""

    section: str
    text: str
    sources: list[str]
    markdown: str


@dataclass
class Section:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Topic:
    meta: TopicMeta
    sections: list[Section]
    body: str
    path: str

    @property
    def slug(self) -> str:
        return self.meta.slug

    def paragraphs(self) -> list[Paragraph]:
        return [p for s in self.sections for p in s.paragraphs]

    def cited(self) -> list[str]:
        return list(dict.fromkeys(i for p in self.paragraphs() for i in p.sources))

    def grade(self) -> float:
        """Flesch-Kincaid grade of the body, citations and markup removed (textstat)."""
        blocks = [plain_text(b, list_items_as_sentences=True) for b in re.split(r"\n\s*\n", self.body) if b.strip()]
        return round(float(textstat.flesch_kincaid_grade(" ".join(blocks))), 1)


TOPIC_LINK = re.compile(r"\]\(([a-z0-9][a-z0-9-]*)\)")  # [text](slug): a link to another article
LIST_ITEM = re.compile(r"^\s*([-*+]|\d+\.)\s+", re.M)


def plain_text(markdown: str, *, list_items_as_sentences: bool = False) -> str:
    """Strip citations, links and Markdown markup, keeping the words.

    A list becomes one sentence of items joined by semicolons (how a passage reads when quoted), or, for
    measuring readability, one sentence per item (how a reader takes in a list).
    """
    text = CITATION.sub("", markdown)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    if LIST_ITEM.search(text):
        lines = [line.strip().rstrip(".;") for line in text.splitlines() if line.strip()]
        items = [LIST_ITEM.sub("", line) for line in lines]
        text = (". ".join(items) if list_items_as_sentences else "; ".join(items)) + "."
    text = re.sub(r"^\s*#+\s+", "", text, flags=re.M)
    text = re.sub(r"[*_`>|]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def split_front_matter(text: str) -> tuple[str, str] | None:
    match = re.match(r"^---\s*\n(.*?)\n---\s*\n(.*)$", text, flags=re.S)
    return (match.group(1), match.group(2)) if match else None


def parse_sections(body: str) -> list[Section]:
    """Split a body at ``##``/``###`` headings and blank lines into sections of paragraphs."""
    sections = [Section(title="")]
    parent = ""
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if not block:
            continue
        heading = re.match(r"^(#{2,3})\s+(.+?)(?:\n(.*))?$", block, flags=re.S)
        if heading:
            level, title, rest = heading.groups()
            parent = title if level == "##" else parent
            sections.append(Section(title=title if level == "##" else f"{parent}: {title}"))
            if not rest:
                continue
            block = rest.strip()
        sources = list(dict.fromkeys(CITATION.findall(block)))
        section = sections[-1]
        section.paragraphs.append(
            Paragraph(section=section.title, text=plain_text(block), sources=sources, markdown=block)
        )
    return [s for s in sections if s.paragraphs]


def load_topic(path: Path, root: Path) -> tuple[Topic | None, list[str]]:
    where = relative(path, root)
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    if parts is None:
        return None, [f"{where}: missing YAML front matter between '---' lines"]
    try:
        raw = yaml.safe_load(parts[0])
    except yaml.YAMLError as err:
        return None, [f"{where}: front matter is not valid YAML: {err}".replace("\n", " ")]
    except ValueError as err:
        return None, [f"{where}: {impossible_date(parts[0], err)}"]
    meta, problems = validate(TopicMeta, raw, where)
    if meta is None:
        return None, problems
    if meta.slug != path.stem:
        problems.append(f"{where}: slug: expected {path.stem!r} (the file name), got {meta.slug!r}")
    return Topic(meta=meta, sections=parse_sections(parts[1]), body=parts[1], path=where), problems


def topic_problems(topic: Topic, known_sources: set[str], known_slugs: set[str]) -> list[str]:
    """Content rules beyond the schema: citations resolve, paragraphs cited, reminder, grade."""
    problems = []
    where = topic.path
    for unknown in sorted(set(topic.cited()) - known_sources):
        problems.append(f"{where}: cites unknown source [@{unknown}]")
    for para in topic.paragraphs():
        claims = len(para.text) > UNCITED_LIMIT or len(SENTENCE_END.findall(para.text)) >= 2
        if not para.sources and claims and not REMINDER.search(para.text):
            problems.append(f"{where}: section {para.section!r}: paragraph without a citation: {para.text[:60]!r}")
    for slug in topic.meta.related:
        if slug not in known_slugs:
            problems.append(f"{where}: related: unknown topic {slug!r}")
    for alias in topic.meta.aliases:
        if alias in known_slugs:
            problems.append(f"{where}: alias {alias!r} is the slug of an existing article")
    titles = {s.title for s in topic.sections}
    for figure in topic.meta.figures:
        if figure.section not in titles:
            problems.append(f"{where}: figure {figure.name!r}: no section called {figure.section!r}")
        problems += [f"{where}: {p}" for p in figure_problems(figure.name)]
    for slug in TOPIC_LINK.findall(topic.body):
        if slug not in known_slugs:
            problems.append(f"{where}: links to unknown topic ({slug})")
    text = " ".join(p.text for p in topic.paragraphs())
    if RED_FLAG_MENTION.search(text) and not URGENT_ADVICE.search(text):
        problems.append(f"{where}: mentions a red-flag symptom but gives no advice to seek urgent care")
    paragraphs = topic.paragraphs()
    if not paragraphs or not REMINDER.search(paragraphs[-1].text):
        problems.append(f"{where}: must end with the reminder that this is information, not personal advice")
    if topic.meta.audience == "patient" and topic.grade() > MAX_PATIENT_GRADE:
        problems.append(
            f"{where}: reading grade {topic.grade()} is above {MAX_PATIENT_GRADE} for a patient article"
        )
    return problems


def load_topics(root: Path | None = None, *, strict: bool = True) -> tuple[dict[str, Topic], list[str]]:
    """Load every article; with ``strict`` any schema problem raises ``ContentError``."""
    root = root or content_dir()
    topics: dict[str, Topic] = {}
    problems: list[str] = []
    for path in sorted((root / "topics").glob("*.md")):
        topic, errors = load_topic(path, root)
        problems += errors
        if topic is not None:
            topics[topic.slug] = topic
    if strict and problems:
        raise ContentError(problems)
    return topics, problems


@lru_cache(maxsize=1)
def default_topics() -> dict[str, Topic]:
    """The packaged articles, loaded once per process and cached between runs."""
    from mscare.content_cache import cached

    root = content_dir()
    return cached("topics", (root / "topics").glob("*.md"), lambda: load_topics(strict=False)[0])


class UnknownTopic(LookupError):
    def __init__(self, slug: str, suggestions: list[str]):
        super().__init__(slug)
        self.slug = slug
        self.suggestions = suggestions

    def message(self) -> str:
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        return f"No topic called {self.slug!r}.{hint}"

    def cli_message(self) -> str:
        """The message with the command that lists every topic (for the command line only)."""
        return f"{self.message()} See 'mscare topics list'."


def find_topic(topics: dict[str, Topic], slug: str) -> Topic:
    """Find an article by slug (case and spacing forgiven) or raise ``UnknownTopic``."""
    key = re.sub(r"[\s_]+", "-", slug.strip().lower())
    if key in topics:
        return topics[key]
    for topic in topics.values():
        if key in topic.meta.aliases:
            return topic
    titles = {t.meta.title.lower(): s for s, t in topics.items()}
    close = difflib.get_close_matches(key, list(topics), n=3, cutoff=0.5)
    close += [titles[t] for t in difflib.get_close_matches(slug.lower(), list(titles), n=3, cutoff=0.5)]
    close += [s for s in topics if key and key in s]
    raise UnknownTopic(slug, list(dict.fromkeys(close))[:3])
