"""Rules for `$.services[].open_source` (disclosure 1.1): an https repository and an SPDX licence expression."""

from __future__ import annotations

from ingestion.checks import Checker
from ingestion.problems import show
from ingestion.rulebook import HTTPS_URL, MAX_LICENSE, MAX_REPOSITORY_URL
from ingestion.spdx import LicenseIds, parse_license

OPEN_SOURCE_KEYS = ("repository", "license")


def check_open_source(c: Checker, value: object, path: str, own_id: str | None = None) -> None:
    """`{"repository": "https://...", "license": "<SPDX expression>"}`; every problem is E003-E006."""
    o = c.obj(value, path, OPEN_SOURCE_KEYS)
    if o is None:
        return
    url = c.string(o, "repository", f"{path}.repository")
    if url is not None:
        if len(url) > MAX_REPOSITORY_URL:
            c.add("E006", f"{path}.repository", f"is {len(url)} characters long; the limit is {MAX_REPOSITORY_URL}")
        elif not HTTPS_URL.fullmatch(url):
            c.add("E006", f"{path}.repository", f"{show(url)} is not an https:// URL")
    expression = c.text(o, "license", f"{path}.license", MAX_LICENSE)
    if expression is not None:
        parsed = parse_license(expression)
        if not isinstance(parsed, LicenseIds):
            c.add("E006", f"{path}.license", f"{show(expression)} {parsed}")
