"""Facts that must not look contradictory: criterion ceilings, the two ownership tests, a suspended entry,
long point figures beside the SEAL column."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
from playwright.sync_api import Browser

from sealreg.publish.site import build_site
from tests.site.test_site_browser import _open, browser  # noqa: F401 (the module's browser fixture)


def test_a_criterion_seal_is_named_as_the_highest_seal_the_answer_allows(release: Path) -> None:
    html = (build_site(release) / "services" / "stratus-storage.html").read_text("utf-8")
    assert '<th scope="col">Highest SEAL this answer allows</th>' in html
    assert html.count('data-label="Highest SEAL this answer allows"') == 48
    assert '<th scope="col">SEAL</th><th scope="col">Evidence</th>' not in html


def test_third_country_control_and_non_eu_holdings_are_told_apart_in_plain_words(release: Path) -> None:
    html = (build_site(release) / "providers" / "stratus-eu.html").read_text("utf-8")
    assert "ownership_ok" not in html and "✓" not in html
    assert "Non-EU shareholdings within the limits" in html
    assert "a separate test from third-country control" in html
    assert "Who has the last word" in html
    assert 'href="../methodology.html#non-eu-holdings"' in html


def test_a_suspended_service_shows_its_status_first_and_its_levels_greyed(release: Path) -> None:
    site = build_site(release)
    page = (site / "services" / "stratus-storage.html").read_text("utf-8")
    banner = page.index('class="status-banner"')
    assert banner < page.index('<dl class="facts not-in-force">')
    assert "this entry is not in force" in page
    listed = (site / "services" / "nimbus-compute.html").read_text("utf-8")
    assert "status-banner" not in listed and '<dl class="facts">' in listed
    index = (site / "index.html").read_text("utf-8")
    row = re.search(r'<tr class="not-in-force"[^>]*>\n<th scope="row" data-label="Service">(.*?)</th>', index)
    assert row and "Stratus Object Storage" in row.group(1)
    assert index.count('<tr class="not-in-force"') == 1


def test_long_points_stay_inside_their_cell_on_desktop(browser: Browser, release: Path) -> None:  # noqa: F811
    con = duckdb.connect(str(release / "registry.duckdb"))
    con.execute("update criterion_results set points = 125.01, max_points = 125.01 where service_id = 'nimbus-compute'")
    con.close()
    site = build_site(release)
    for width in (1280, 1024, 800):
        page, problems = _open(browser, (site / "services" / "nimbus-compute.html").as_uri(), width=width)
        overflowing = page.evaluate(
            """() => Array.from(document.querySelectorAll('table.criteria td[data-label=Points]')).filter(td => {
                const seal = td.nextElementSibling.getBoundingClientRect();
                const range = document.createRange(); range.selectNodeContents(td);
                return td.scrollWidth > td.clientWidth || range.getBoundingClientRect().right > seal.left;
            }).length"""
        )
        assert page.locator("table.criteria td[data-label=Points]").first.inner_text() == "125.01 / 125.01"
        assert overflowing == 0, width
        assert problems == []
        page.close()
