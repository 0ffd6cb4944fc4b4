"""Pictures for topic articles: packaged SVG files shown inline, so their title and description reach screen readers.

An article lists its pictures in front matter (``figures:``: name, the section it follows, a caption). The SVG
files live in ``static/figures/<name>.svg`` and must be self-contained and accessible: ``role="img"``, an
``aria-labelledby`` naming a ``<title>`` and a ``<desc>``, and no scripts, event handlers or outside links, and
no ``<style>`` or ``style=`` (the site's Content Security Policy blocks inline styles; use presentation attributes).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from mscare.models import SLUG

NAME = re.compile(SLUG)
UNSAFE = re.compile(r"<script|<foreignObject|<style|\sstyle\s*=|\son\w+\s*=|javascript:"
                    r"|(?:xlink:)?href\s*=\s*[\"'](?!#)", re.I)


def figure_dir() -> Path:
    return Path(str(resources.files("mscare") / "static" / "figures"))


@lru_cache(maxsize=32)
def figure_svg(name: str) -> str:
    """The SVG text of one packaged figure; ``KeyError`` for a name that is not a packaged figure."""
    path = figure_dir() / f"{name}.svg"
    if not NAME.match(name) or not path.is_file():
        raise KeyError(f"no figure {name!r} in static/figures")
    return path.read_text(encoding="utf-8").strip()


def svg_problems(svg: str) -> list[str]:
    """What makes an SVG unfit to show inline: missing text alternative, or anything that could run code."""
    problems = []
    if not svg.startswith("<svg") or 'role="img"' not in svg:
        problems.append('must be a single <svg role="img"> element')
    labelled = re.search(r'aria-labelledby="([^"]+)"', svg)
    ids = labelled.group(1).split() if labelled else []
    for tag in ("title", "desc"):
        match = re.search(rf'<{tag} id="([^"]+)">([^<]{{10,}})</{tag}>', svg)
        if match is None:
            problems.append(f"needs a <{tag} id=...> with text")
        elif match.group(1) not in ids:
            problems.append(f"aria-labelledby must name the <{tag}> id {match.group(1)!r}")
    if UNSAFE.search(svg):
        problems.append("must not contain scripts, event handlers, outside links or inline styles")
    return problems


def figure_problems(name: str) -> list[str]:
    try:
        svg = figure_svg(name)
    except KeyError as err:
        return [str(err.args[0])]
    return [f"figure {name!r}: {p}" for p in svg_problems(svg)]
