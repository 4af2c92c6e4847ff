"""Plain words and links for the reference checks (assurance-rules §6): GLEIF identity, parent, registers."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from sealreg.publish.site.filters import safe_link

GLEIF_RECORD_URL = "https://search.gleif.org/#/record/{lei}"
_LEI = re.compile(r"[A-Z0-9]{20}")

#: lei_check -> (result class, sentence after "GLEIF's record: ")
LEI_CHECK_WORDS = {
    "not_checked": ("", "not checked: no GLEIF Level 1 file has been loaded"),
    "not_declared": ("", "no LEI declared, so nothing to check"),
    "unknown": ("fail", "the declared LEI is not in GLEIF's records"),
    "invalid": ("fail", "the LEI record is not valid (retired, annulled, merged … or the entity is inactive)"),
    "country_mismatch": ("fail", "GLEIF's legal address is in another country than the declared one"),
    "lapsed": ("", "the LEI record has lapsed (not renewed): stale, but still the same entity"),
    "verified": ("pass", "the LEI record is valid and in the declared country"),
}
#: corroboration -> (result class, short words)
CORROBORATION_WORDS = {
    "self_declared": ("", "self-declared (no register loaded for this scheme)"),
    "not_found": ("fail", "not in the scheme's register"),
    "holder_mismatch": ("fail", "register names another holder"),
    "withdrawn": ("fail", "withdrawn by the scheme"),
    "suspended": ("fail", "suspended by the scheme"),
    "in_progress": ("fail", "only in progress in the register"),
    "expired": ("fail", "expired in the register"),
    "corroborated": ("pass", "corroborated by the register"),
}


def gleif_link(lei: Any) -> Markup:
    """A link to GLEIF's public page of a well-formed LEI; anything else as plain text."""
    if lei is None:
        return Markup("—")
    text = str(lei)
    if not _LEI.fullmatch(text):
        return escape(text)
    return safe_link(GLEIF_RECORD_URL.format(lei=text), text)


def lei_check_words(value: Any) -> Markup:
    css, words = LEI_CHECK_WORDS.get(value, ("", str(value or "unknown")))
    return Markup(f'<span class="result {css}">{escape(words)}</span>')


def corroboration_badge(value: Any, url: Any = None) -> Markup:
    """The register's verdict in words (coloured when it passes or fails), with a link to the authority's
    entry when there is one."""
    css, words = CORROBORATION_WORDS.get(value, ("", str(value or "unknown")))
    badge = Markup(f'<span class="result {css}">{escape(words)}</span>') if css else escape(words)
    return badge + (Markup(" ") + safe_link(url, "register entry") if url else Markup(""))
