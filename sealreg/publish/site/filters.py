"""Jinja filters and badges: short text for numbers, dates and levels, links only to safe URLs."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from expectations.final_suite import LEVELS, STATUSES
from sealreg.publish.site import glossary


def h(value: Any) -> str:
    """markupsafe.escape as a plain str, about 4x faster on the short strings of the tables: markup
    (anything with __html__) passes through, everything else is str()-ed and escaped like escape()."""
    if type(value) is not str:
        if hasattr(value, "__html__"):
            return value.__html__()
        value = str(value)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def one_decimal(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def number(value: Any) -> str:
    """Points as short decimals: 3, 2.5, 0.25."""
    if value is None:
        return "—"
    try:
        return _number_cache[value]
    except (KeyError, TypeError):
        text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    if len(_number_cache) < 1 << 16 and value.__hash__ is not None:
        _number_cache[value] = text
    return text


_number_cache: dict[Any, str] = {}


#: Characters a linked URL never holds: controls and space, C1 and no-break space, the other spacing,
#: zero-width and bidirectional characters, line and paragraph separators, BOM, quotes, angle brackets,
#: backslash and backtick. Written so that Python's `re` and DuckDB's RE2 read it alike (`\xhh` escapes,
#: the other characters as themselves).
_NOT_IN_LINK = r"\x00-\x20\x7f-\xa0" + "\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff" + r"<>\"'`\\"
#: A URL shown as a link: https (in any case), a host part, then none of _NOT_IN_LINK. The one rule of the
#: pages (`safe_link`) and of the tables built in DuckDB (`fragments`, macro `evidence_link`).
SAFE_LINK = f"[Hh][Tt][Tt][Pp][Ss]://[^/?#{_NOT_IN_LINK}][^{_NOT_IN_LINK}]*"
_SAFE_LINK = re.compile(SAFE_LINK)


def safe_link(url: Any, text: Any = None) -> Markup:
    """An <a> only for a URL that matches SAFE_LINK; anything else is shown as plain text."""
    if url is None or url == "":
        return Markup("")
    url = str(url)
    label = escape(text if text is not None else url)
    if _SAFE_LINK.fullmatch(url):
        return Markup(f'<a href="{escape(url)}" rel="nofollow noopener noreferrer">{label}</a>')
    return label


def status_label(status: Any) -> str:
    return str(status or "unknown").replace("_", " ").capitalize()


OPEN_SOURCE_LABELS = {"open_source": "Open source", "source_available": "Source-available",
                      "undeclared": "Not declared"}


def open_source_label(status: Any) -> str:
    """assurance-rules §8 status in words."""
    return OPEN_SOURCE_LABELS.get(str(status), "Not declared")


def open_source_badge(status: Any) -> Markup:
    key = status if status in OPEN_SOURCE_LABELS else "undeclared"
    return Markup(f'<span class="oss oss-{escape(key)}">{escape(open_source_label(key))}</span>')


def open_source_cell(status: Any) -> str:
    """The open-source status in a long table: open_source_badge's look in fewer bytes."""
    key = status if status in OPEN_SOURCE_LABELS else "undeclared"
    return f"<span class=oss-{key}>{OPEN_SOURCE_LABELS[key]}</span>"


#: the `changes.field` values (dbt's accepted_values) in plain words
CHANGE_FIELDS = {"service": "Service", "name": "Name", "provider_id": "Provider", "model": "Model",
                 "sovereignty_score": "Sovereignty score", "seal": "SEAL", "ual": "UAL", "status": "Status",
                 "status_reason": "Status reason", "open_source_status": "Open-source status"}
_CHANGE_VALUES = {"status": status_label, "open_source_status": lambda v: OPEN_SOURCE_LABELS.get(str(v), str(v))}


def change_field(field: Any) -> str:
    """A changed field in plain words (an unknown one as it is)."""
    return CHANGE_FIELDS.get(str(field), str(field))


def change_value(value: Any, field: Any) -> str:
    """An old or new value of a change in the words the rest of the site uses for that field (a value outside
    the vocabulary as it is)."""
    return plain(value) if value is None else _CHANGE_VALUES.get(str(field), plain)(value)


def yes_no(value: Any) -> str:
    return "unknown" if value is None else ("Yes" if value else "No")


def listing(value: Any) -> str:
    """Regions and similar: a list or a comma-separated string, shown as "a, b"."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    return plain(value)


def plain(value: Any) -> str:
    """Dates, timestamps, lists and None as short text."""
    if value is None:
        return "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "—"
    if hasattr(value, "hour"):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


#: the only words an unquoted class attribute may hold (a space or ">" in a value would end it): the final
#: gate's vocabulary, anything else gets no level class / the "unknown" status class (its text is still shown)
_STATUS_CLASSES = frozenset(STATUSES)
_LEVEL_CLASSES = frozenset(str(level) for level in LEVELS)


def _status_class(value: Any) -> str:
    return value if isinstance(value, str) and value in _STATUS_CLASSES else "unknown"


def _level_class(level: Any) -> str:
    return str(level) if str(level) in _LEVEL_CLASSES else ""


_NO_BADGE = Markup('<span class="badge">—</span>')
_badges: dict[tuple, Markup] = {}


def _level_badge(kind: str, level: Any, root: str) -> Markup:
    """A level badge linked to its entry on the methodology page."""
    if level is None:
        return _NO_BADGE
    key = (kind, level, root) if type(level) is int else None
    badge = _badges.get(key) if key else None
    if badge is None:
        anchor = glossary.href(root, f"{kind.lower()}-{level}")
        badge = Markup(f'<a class="badge lvl-{escape(level)}" href="{escape(anchor)}">{kind}-{escape(level)}</a>')
        if key and len(_badges) < 256:
            _badges[key] = badge
    return badge


_tags: dict[tuple, str] = {}


def level_tag(kind: str, level: Any) -> str:
    """A level in the long tables of a page, unlinked: the table's column header links to what the levels
    mean once (a link per cell was most of a service page's bytes). Looks like a badge."""
    key = (kind, level)
    tag = _tags.get(key) if type(level) is int else None
    if tag is None:
        tag = "<b class=l>—</b>" if level is None else f"<b class=l{_level_class(level)}>{kind}-{escape(level)}</b>"
        if type(level) is int and len(_tags) < 256:
            _tags[key] = tag
    return tag


def level_cell(level: Any) -> Markup:
    """A level as a table cell holding its number, coloured by its class (`<td class=l3>3`): the column
    header names the scale (SEAL, UAL), as in the objectives table."""
    if level is None:
        return Markup("<td>—")
    return Markup(f"<td class=l{_level_class(level)}>{escape(level)}")


def seal_badge(level: Any, root: str = "") -> Markup:
    return _level_badge("SEAL", level, root)


def ual_badge(level: Any, root: str = "") -> Markup:
    return _level_badge("UAL", level, root)


def status_badge(value: Any, root: str = "") -> Markup:
    anchor = glossary.href(root, glossary.status_anchor(value))
    return Markup(
        f'<a class="status status-{escape(value or "unknown")}" href="{escape(anchor)}">'
        f"{escape(status_label(value))}</a>"
    )


def flag_links(flags: list, root: str = "") -> Markup:
    """Flag codes, each linked to its rule on the methodology page: "W1-control, W4-certificate"."""
    return Markup(", ").join(
        Markup(f'<a href="{escape(glossary.href(root, glossary.flag_anchor(f)))}">{escape(f)}</a>') for f in flags
    )


def status_tag(value: Any) -> str:
    """A status in a long table, unlinked (the table's legend links the statuses' meaning)."""
    return f"<b class=status-{_status_class(value)}>{escape(status_label(value))}</b>"


def link_to(href: Any, text: Any, root: str = "") -> Markup:
    """A link to another page of the site (href relative to the site root), or the text alone."""
    return Markup(link_html(href, text, root))


def link_html(href: Any, text: Any, root: str = "") -> str:
    """`link_to` as a plain str (for rows assembled as text)."""
    return f'<a href="{h(root)}{h(href)}">{h(text)}</a>' if href else h(text)
