"""Every file of a release works offline: no third-party request from any page, in a real Chromium.

Also pins that every site page names the registry key's fingerprint (in the shared footer) and that the
download page gives the commands that check a copy with it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from sealreg.publish.chromium import CHROMIUM, CHROMIUM_ARGS
from sealreg.publish.keys import home_fingerprint

#: A reference that makes the browser fetch something (anchors to other sites are not requests).
_FETCHING = re.compile(r"""(?:<(?:script|img|iframe|source|link)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//)"""
                       r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+["']?(?:https?:)?//)""", re.I)


@pytest.fixture(scope="module")
def release(sample_home) -> Path:
    return (sample_home / "current").resolve()


def test_no_file_of_the_release_references_a_remote_resource(release):
    offenders = []
    for path in sorted(release.rglob("*")):
        if path.suffix in {".html", ".css", ".js", ".svg"} and _FETCHING.search(path.read_text("utf-8", "replace")):
            offenders.append(path.relative_to(release).as_posix())
    assert offenders == []
    report = (release / "validation" / "final" / "index.html").read_text()
    assert 'http-equiv="Content-Security-Policy"' in report and "default-src 'none'" in report


def test_every_site_page_names_the_signing_key_fingerprint(release, sample_home):
    fingerprint = home_fingerprint(sample_home / "keys")
    pages = sorted((release / "site").rglob("*.html"))
    assert pages
    missing = [p.name for p in pages if f"signed by the key <code>{fingerprint}</code>" not in p.read_text()]
    assert missing == []
    downloads = (release / "site" / "downloads.html").read_text()
    assert f"--fingerprint {fingerprint}" in downloads and f"verify-release.sh DIR {fingerprint}" in downloads


def test_the_validation_report_and_site_make_no_request_in_chromium(release):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (scripts/install-chromium.sh)", pytrace=False)
    pages = sorted((release / "validation").rglob("*.html")) + [release / "site" / "index.html"]
    assert len(pages) >= 3
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for path in pages:
                page = browser.new_page()
                problems: list[str] = []

                def request(r, problems=problems):
                    if not r.url.startswith(("file://", "data:")):
                        problems.append(r.url)

                def console(m, problems=problems):
                    if m.type == "error":  # a CSP violation is reported here
                        problems.append(f"console {m.type}: {m.text}")

                page.on("request", request)
                page.on("console", console)
                page.on("pageerror", lambda e, problems=problems: problems.append(f"page error: {e}"))
                page.goto(path.as_uri())
                page.wait_for_load_state("networkidle")
                assert problems == [], (path.relative_to(release).as_posix(), problems)
                assert page.title()
                page.close()
        finally:
            browser.close()
