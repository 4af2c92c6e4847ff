"""The methodology page: every badge, status and flag on every page links to an entry that exists."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from sealreg.publish.site import build_site
from tests.site.test_site_browser import _open, browser  # noqa: F401 (the module's browser fixture)

GLOSSARY_LINK = re.compile(r'href="(?:\.\./)?methodology\.html#([^"]+)"')


def test_every_badge_status_and_flag_links_to_an_entry_of_the_methodology_page(release: Path) -> None:
    site = build_site(release)
    anchors = set(re.findall(r'id="([^"]+)"', (site / "methodology.html").read_text("utf-8")))
    for flag in range(1, 10):
        assert f"flag-w{flag}" in anchors
    for term in ("seal-0", "seal-4", "ual-0", "ual-4", "status-not-listed", "status-suspended", "tender-eligibility",
                 "third-country-control", "non-eu-holdings"):
        assert term in anchors
    for page in sorted(site.rglob("*.html")):
        html = page.read_text("utf-8")
        assert not re.search(r'<span class="(badge lvl-|status status-)', html), page  # every badge is a link
        if re.search(r"<b class=(l\d?|status-[a-z_]+)>", html):  # or sits in a table whose legend links them
            assert re.search(r'href="(\.\./)?methodology\.html#(seal|ual|statuses)"', html), page
        for target in GLOSSARY_LINK.findall(html):
            assert target in anchors, (page.name, target)
    service = (site / "services" / "stratus-storage.html").read_text("utf-8")
    assert '<a href="../methodology.html#flag-w1">W1-control</a>' in service
    assert '<a class="status status-suspended" href="../methodology.html#status-suspended">' in service
    index = (site / "index.html").read_text("utf-8")
    assert '<a href="methodology.html#flag-w4">W4-certificate</a>' in index


def test_a_badge_and_a_flag_lead_to_their_explanation(browser: Browser, release: Path) -> None:  # noqa: F811
    site = build_site(release)
    page, problems = _open(browser, (site / "services" / "stratus-storage.html").as_uri())
    page.locator(".facts a.badge").first.click()
    expect(page).to_have_url(re.compile(r"methodology\.html#seal-\d$"))
    target = page.locator(":target")
    expect(target).to_be_visible()
    expect(target).to_contain_text("SEAL-")
    page.go_back()
    page.locator(".flag").get_by_role("link", name="W1-control").click()
    expect(page).to_have_url(re.compile(r"methodology\.html#flag-w1$"))
    expect(page.locator(":target")).to_contain_text("third-country control")
    expect(page.locator(":target")).to_contain_text("Cap:")
    page.go_back()
    page.goto((site / "index.html").as_uri())
    expect(page.locator("#services-table b.status-not_listed").first).to_have_text("Not listed")  # script-built
    page.locator(".legend").get_by_role("link", name="statuses").click()  # the table's legend links them
    expect(page).to_have_url(re.compile(r"methodology\.html#statuses$"))
    expect(page.locator("section[aria-labelledby=statuses]")).to_contain_text("no CADA declaration")
    assert problems == []
