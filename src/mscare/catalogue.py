"""The therapy catalogue and the source registry: load, validate, look up by any name."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from mscare.content import ContentError, content_dir, read_yaml, relative, validate
from mscare.models import Source, Therapy


class UnknownTherapy(LookupError):
    """No therapy matches a name; ``suggestions`` holds the closest known names."""

    def __init__(self, name: str, suggestions: list[str], *, shared: bool = False):
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions
        self.shared = shared  # the name belongs to several therapies

    def message(self) -> str:
        if self.shared:
            return f"{self.name!r} could mean several therapies: {', '.join(self.suggestions)}. Please name one."
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        return f"No therapy called {self.name!r}.{hint}"

    def cli_message(self) -> str:
        """The message with the command that lists every name (for the command line only)."""
        return self.message() if self.shared else f"{self.message()} See 'mscare therapies list'."


def normalise_name(text: str) -> str:
    """Lowercase, unify Greek letters and drop everything but letters and digits."""
    text = text.lower().replace("β", "beta").replace("α", "alpha")
    return re.sub(r"[^a-z0-9]", "", text)


@dataclass
class Catalogue:
    """All therapies and sources, with a name index for lookups."""

    therapies: dict[str, Therapy]
    sources: dict[str, Source]
    problems: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # normalised name -> therapy id
    display: dict[str, str] = field(default_factory=dict)  # normalised name -> name as written

    shared: dict[str, list[str]] = field(default_factory=dict)  # normalised name -> several therapy ids

    def __post_init__(self) -> None:
        owners: dict[str, list[str]] = {}
        for therapy in self.by_category():
            for name in self.names_of(therapy):
                key = normalise_name(name)
                if key and therapy.id not in owners.setdefault(key, []):
                    owners[key].append(therapy.id)
                    self.display.setdefault(key, name)
        # A therapy's own id or generic name is always its own; other names shared by several records
        # ("Botox", "MMF") are ambiguous and resolve to none of them.
        own = {normalise_name(n): t.id for t in self.therapies.values() for n in (t.id, t.generic_name)}
        for key, ids in owners.items():
            if key in own:
                self.names[key] = own[key]
            elif len(ids) == 1:
                self.names[key] = ids[0]
            else:
                self.shared[key] = ids

    @staticmethod
    def names_of(therapy: Therapy) -> list[str]:
        """Every name a person may use for a therapy, the canonical ones first."""
        return [therapy.id, therapy.generic_name, *therapy.brands, *therapy.aliases]

    def lookup(self, name: str) -> Therapy:
        """Find a therapy by id, generic, brand, abbreviation or a near miss (``tysabry``)."""
        key = normalise_name(name)
        if key in self.names:
            return self.therapies[self.names[key]]
        if key in self.shared:
            raise UnknownTherapy(name, [self.therapies[t].generic_name for t in self.shared[key]], shared=True)
        close = difflib.get_close_matches(key, self.names, n=5, cutoff=0.8)
        if close and self._clear_winner(key, close):
            return self.therapies[self.names[close[0]]]
        raise UnknownTherapy(name, self.suggest(name))

    def _clear_winner(self, key: str, close: list[str]) -> bool:
        """A near miss resolves only when the best match is good and points at one therapy."""
        best = difflib.SequenceMatcher(None, key, close[0]).ratio()
        rivals = {self.names[c] for c in close if difflib.SequenceMatcher(None, key, c).ratio() >= best - 0.02}
        # Typos rarely change a name's length by more than two letters ("interferon" is not "peginterferon").
        return best >= 0.8 and len(key) >= 4 and len(rivals) == 1 and abs(len(close[0]) - len(key)) <= 2

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The closest known names, for "did you mean" messages."""
        key = normalise_name(name)
        if not key:
            return []
        close = difflib.get_close_matches(key, self.names, n=12, cutoff=0.6)
        seen: list[str] = []
        for match in close:
            therapy_id = self.names[match]
            if therapy_id not in seen:
                seen.append(therapy_id)
        return [self.therapies[t].generic_name for t in seen[:n]]

    def by_category(self, category: str | None = None) -> list[Therapy]:
        """Therapies in catalogue order (category, then name), optionally of one category."""
        order = ["dmt", "relapse", "symptomatic", "off_label", "procedure"]
        items = [t for t in self.therapies.values() if category in (None, t.category)]
        return sorted(items, key=lambda t: (order.index(t.category), t.generic_name.lower()))

    def sources_of(self, ids: list[str]) -> list[Source]:
        """Resolve source ids in order, skipping duplicates."""
        return [self.sources[i] for i in dict.fromkeys(ids) if i in self.sources]


def load_sources(root: Path) -> tuple[dict[str, Source], list[str]]:
    """Read every ``sources/*.yaml`` list; duplicate ids are problems."""
    sources: dict[str, Source] = {}
    problems: list[str] = []
    for path in sorted((root / "sources").glob("*.yaml")):
        where = relative(path, root)
        raw, errors = read_yaml(path, root)
        problems += errors
        if raw is None:
            problems += [] if errors else [f"{where}: empty file (no sources)"]
            continue
        if not isinstance(raw, list):
            problems.append(f"{where}: expected a list of sources")
            continue
        for index, item in enumerate(raw):
            label = item.get("id", index) if isinstance(item, dict) else index
            source, errors = validate(Source, item, f"{where}[{label}]")
            problems += errors
            if source is None:
                continue
            if source.id in sources:
                problems.append(f"{where}: source id {source.id!r} is defined twice")
            sources[source.id] = source
    return sources, problems


def load_therapies(root: Path, sources: dict[str, Source]) -> tuple[dict[str, Therapy], list[str]]:
    """Read every ``therapies/*.yaml`` record and check that its citations resolve."""
    therapies: dict[str, Therapy] = {}
    problems: list[str] = []
    for path in sorted((root / "therapies").glob("*.yaml")):
        where = relative(path, root)
        raw, errors = read_yaml(path, root)
        problems += errors
        if raw is None:  # an emptied file must not make a therapy vanish silently
            problems += [] if errors else [f"{where}: empty file (no therapy record)"]
            continue
        therapy, errors = validate(Therapy, raw, where)
        problems += errors
        if therapy is None:
            continue
        if therapy.id != path.stem:
            problems.append(f"{where}: id: expected {path.stem!r} (the file name), got {therapy.id!r}")
        missing = sorted(therapy.cited() - set(sources))
        if missing:
            problems.append(f"{where}: sources: unknown source ids {missing}")
        therapies[therapy.id] = therapy
    return therapies, problems


def load_catalogue(root: Path | None = None, *, strict: bool = True) -> Catalogue:
    """Load and validate the catalogue; with ``strict`` any problem raises ``ContentError``."""
    root = root or content_dir()
    sources, problems = load_sources(root)
    therapies, therapy_problems = load_therapies(root, sources)
    problems += therapy_problems
    if strict and problems:
        raise ContentError(problems)
    return Catalogue(therapies=therapies, sources=sources, problems=problems)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The packaged catalogue, loaded once per process (content is read-only) and cached between runs."""
    from mscare.content_cache import cached

    root = content_dir()
    files = [*(root / "sources").glob("*.yaml"), *(root / "therapies").glob("*.yaml")]
    return cached("catalogue", files, lambda: load_catalogue(strict=False))
