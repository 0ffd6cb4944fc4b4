"""Topic Markdown to safe HTML: CommonMark by markdown-it-py (raw HTML off) plus a rule for [@source] citations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup

from mscare.topics import CITATION

TOPIC_LINK = re.compile(r"[a-z0-9][a-z0-9-]*")  # "[text](relapses)" links to another topic article


def citation_rule(state: StateInline, silent: bool) -> bool:
    """Read "[@source-id]" as one citation token, before the link rule can see the bracket."""
    match = CITATION.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"id": match.group(1)}
    state.pos = match.end()
    return True


def render_citation(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                    env: dict[str, Any]) -> str:
    """A numbered marker linking to the page's source list; the first marker of a number is the back-link target."""
    number = env.get("numbers", {}).get(tokens[idx].meta["id"])
    if number is None:
        return ""
    seen: set[int] = env.setdefault("seen", set())
    anchor = "" if number in seen else f' id="cite-{number}"'
    seen.add(number)
    return f' <a class="cite" href="#source-{number}"{anchor} aria-label="Source {number}">[{number}]</a>'


def render_link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                     env: dict[str, Any]) -> str:
    href = str(tokens[idx].attrGet("href") or "")
    if TOPIC_LINK.fullmatch(href):
        tokens[idx].attrSet("href", f"/topics/{href}")
    return self.renderToken(tokens, idx, options, env)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.inline.ruler.before("link", "citation", citation_rule)
    md.add_render_rule("citation", render_citation)
    md.add_render_rule("link_open", render_link_open)
    return md


def paragraph_html(markdown: str, numbers: dict[str, int] | None = None, env: dict[str, Any] | None = None) -> Markup:
    """One topic paragraph (or list, table, heading) as HTML; a lone paragraph loses its <p>, the page wraps it.

    ``numbers`` maps source ids to their numbers on the page; pass one ``env`` dict for a whole page so that
    each number's first marker, and only that one, carries the id its back-link returns to.
    """
    state = env if env is not None else {}
    state["numbers"] = numbers or {}
    html = parser().render(markdown, state).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
