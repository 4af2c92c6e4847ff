"""Facts that must not look contradictory: criterion ceilings, the two ownership tests, a suspended entry,
long point figures beside the SEAL column."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
from playwright.sync_api import Browser, expect

from sealreg.publish.site import build_site
from sealreg.publish.site.rows import criteria_script
from tests.site.test_site_browser import _open, browser  # noqa: F401 (the module's browser fixture)


def test_a_criterion_seal_is_named_as_the_highest_seal_the_answer_allows(release: Path) -> None:
    html = (build_site(release) / "services" / "stratus-storage.html").read_text("utf-8")
    assert "<th scope=col>Highest SEAL this answer allows<th" in html
    tables = re.findall(r'<table class="cards criteria">.*?</table>', html, re.S)
    assert sum(t.count("<tr><th>SOV-") for t in tables) == 48
    assert "<th scope=col>SEAL<th scope=col>Evidence" not in html


def test_third_country_control_and_non_eu_holdings_are_told_apart_in_plain_words(release: Path) -> None:
    html = (build_site(release) / "providers" / "stratus-eu.html").read_text("utf-8")
    assert "ownership_ok" not in html and "✓" not in html
    assert "Non-EU shareholdings within the limits" in html
    # each fact's name links its plain-word entry on the methodology page, which tells the two tests apart
    assert 'href="../methodology.html#non-eu-holdings"' in html
    assert 'href="../methodology.html#third-country-control"' in html
    methodology = (release / "site" / "methodology.html").read_text("utf-8")
    assert "Who has the last word" in methodology and "How much non-EU owners hold, whoever controls" in methodology


def test_a_suspended_service_shows_its_status_first_and_its_levels_greyed(release: Path) -> None:
    site = build_site(release)
    page = (site / "services" / "stratus-storage.html").read_text("utf-8")
    banner = page.index("<p class=status-banner>")
    assert banner < page.index('<dl class="facts not-in-force">')
    assert "this entry is not in force" in page
    listed = (site / "services" / "nimbus-compute.html").read_text("utf-8")
    assert "status-banner" not in listed and '<dl class="facts">' in listed
    index = (site / "index.html").read_text("utf-8")
    row = re.search(r"<tr class=not-in-force><th scope=row>(.*?)<td>", index)
    assert row and "Stratus Object Storage" in row.group(1)
    assert index.count("<tr class=not-in-force>") == 1


def test_long_points_stay_inside_their_cell_on_desktop(browser: Browser, release: Path) -> None:  # noqa: F811
    con = duckdb.connect(str(release / "registry.duckdb"))
    con.execute("update criterion_results set points = 125.01, max_points = 125.01 where service_id = 'nimbus-compute'")
    con.close()
    site = build_site(release)
    for width in (1280, 1024, 800):
        page, problems = _open(browser, (site / "services" / "nimbus-compute.html").as_uri(), width=width)
        overflowing = page.evaluate(
            """() => Array.from(document.querySelectorAll('table.criteria td:nth-of-type(2)')).filter(td => {
                const seal = td.nextElementSibling.getBoundingClientRect();
                const range = document.createRange(); range.selectNodeContents(td);
                return td.scrollWidth > td.clientWidth || range.getBoundingClientRect().right > seal.left;
            }).length"""
        )
        assert page.locator("table.criteria td:nth-of-type(2)").first.inner_text() == "125.01 / 125.01"
        assert overflowing == 0, width
        assert problems == []
        page.close()


def test_detail_pages_get_the_release_from_the_shared_file_and_label_cells_by_column(
    browser: Browser, release: Path  # noqa: F811
) -> None:
    """The release id and date are not in a service page's markup; release.js fills them in. On a narrow
    screen each criteria cell is labelled from the stylesheet, with no data-label in the markup."""
    site = build_site(release)
    html = (site / "services" / "nimbus-compute.html").read_text("utf-8")
    facts = html[html.index('<dl class="facts') : html.index("</dl>")]
    assert release.name not in html and "2026-03-14" not in facts  # (history rows may hold the date)
    page, problems = _open(browser, (site / "services" / "nimbus-compute.html").as_uri(), width=400)
    assert page.locator('footer [data-release="id"]').inner_text() == release.name
    assert page.locator('.facts [data-release="date"]').inner_text() == "2026-03-14"
    labels = page.evaluate(
        """() => Array.from(document.querySelector('table.criteria tbody tr:nth-child(2)').querySelectorAll('td'))
               .map(td => getComputedStyle(td, '::before').content)"""
    )
    assert labels == ['"Answer (rung): "', '"Points: "', '"Highest SEAL this answer allows: "', '"Evidence: "']
    # the criteria's titles and answer words come from the one shared static/criteria.js, as text
    assert "Criterion SOV-1.1" not in html and "largely within EU" not in html
    first = page.locator("table.criteria tbody tr:nth-child(2)").first  # after the objective's row
    expect(first.locator("th")).to_have_text(re.compile(r"^SOV-1\.1 Criterion SOV-1\.1$"))
    expect(first.locator("td").first).to_have_text(re.compile(r"^\d: [a-z]"))
    assert problems == []


def test_criteria_script_reads_only_its_own_words_never_the_object_prototype(browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    """A row whose id is a property every JS object inherits (`constructor`, `__proto__`) gets no title or
    rung words: static/criteria.js looks up its own keys only."""
    words = ({"SOV-1.1": "Decision authority"}, {("SOV-1.1", 3): "mostly EU"}, {"SOV-1.1": "125.01"})
    (tmp_path / "criteria.js").write_bytes(criteria_script(words))
    rows = "".join(f"<tr><th>{cid}<td>3<td>1<td>2" for cid in ("SOV-1.1", "constructor", "__proto__", "toString"))
    (tmp_path / "page.html").write_text(
        f'<!doctype html><table class="criteria"><tbody>{rows}<tr><th>SOV-1.1<td>3<td>1 / 9<td>x'
        '</tbody></table><script src="criteria.js"></script>')
    page, problems = _open(browser, (tmp_path / "page.html").as_uri())
    cells = page.evaluate("() => Array.from(document.querySelectorAll('tbody tr')).map(tr => "
                          "[tr.cells[0].textContent, tr.cells[1].textContent, tr.cells[2].textContent, "
                          "tr.cells[3].className])")
    # the shared most points joins a points cell that has none of its own; a level 0-4 gets its colour class
    assert cells == [["SOV-1.1 Decision authority", "3: mostly EU", "1 / 125.01", "l2"],
                     ["constructor", "3", "1", "l2"], ["__proto__", "3", "1", "l2"], ["toString", "3", "1", "l2"],
                     ["SOV-1.1 Decision authority", "3: mostly EU", "1 / 9", ""]]
    assert problems == []
    page.close()
