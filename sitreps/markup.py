"""The light markup of the narrative: Markdown lists, bold, italics and links, nothing else.

The text is rendered by markdown-it (raw HTML off) and the result cleaned by nh3 (the Rust
``ammonia`` sanitiser) to an allow-list of tags, so a sitrep that leaves the office carries no
script, style or image whatever was typed.
"""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt

TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br"}
ATTRIBUTES = {"a": {"href"}}
_md = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True}).enable(
    ["list", "emphasis", "link", "newline", "paragraph"]
)


def render(text: str) -> str:
    """Safe HTML of ``text``: links only to http, https and mailto, opened without a referrer."""
    if not text.strip():
        return ""
    return nh3.clean(
        _md.render(text),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def plain(text: str) -> str:
    """The text without markup, for the CSV and EDXL exports."""
    return html.unescape(nh3.clean(_md.render(text), tags=set())).strip() if text.strip() else ""
