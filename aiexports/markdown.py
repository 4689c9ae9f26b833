"""Markdown for staff-written text (information pages, RFI notice bodies): rendered, then sanitized with nh3.

One renderer and one allow-list for the whole portal. Sanitizing the *output* matters: Markdown passes raw HTML
through, so a ``<script>`` typed into a body would otherwise reach visitors. Headings start at h2 because the
page title is the h1 (an ``h1`` in the text is reduced to its words).
"""

from __future__ import annotations

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


def render_markdown(text: str) -> str:
    """Markdown to safe HTML: no scripts, no event handlers, no inline styles, links only http(s)/mailto."""
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
