"""The site in a real headless Chromium: search, sort, click through, read what a person sees.

Uses Debian's Chromium (/usr/bin/chromium; install with scripts/install-chromium.sh), never a download.
A missing browser is a failure, not a skip: the site must be checked in a browser on every CI run.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from sealreg.publish.chromium import CHROMIUM, CHROMIUM_ARGS
from sealreg.publish.site import build_site


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (scripts/install-chromium.sh)", pytrace=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(release: Path) -> Path:
    return build_site(release)


def _open(browser: Browser, url: str, width: int = 1280) -> tuple[Page, list[str]]:
    """A page that records console errors, dialogs (alert) and every request that is not a local file."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith(("file://", "data:")) else problems.append(r.url))
    page.goto(url)
    return page, problems


def test_search_filters_table_and_click_through_shows_service(browser: Browser, site: Path) -> None:
    con = duckdb.connect(str(site.parent / "registry.duckdb"), read_only=True)
    score, seal = con.execute(
        "select sovereignty_score, seal from services where service_id = 'stratus-storage'"
    ).fetchone()
    con.close()
    page, problems = _open(browser, (site / "index.html").as_uri())
    rows = page.locator("#services-table tbody tr")
    expect(rows).to_have_count(4)
    search = page.get_by_label("Search services")
    expect(search).to_be_visible()

    search.fill("Object Storage")
    expect(page.locator("#services-table tbody tr:visible")).to_have_count(1)
    expect(page.locator("#search-status")).to_have_text("Showing 1 of 4 services.")
    search.fill("no such service")
    expect(page.locator("#services-table tbody tr:visible")).to_have_count(0)
    expect(page.locator("#no-results")).to_be_visible()
    search.fill("stratus")
    expect(page.locator("#services-table tbody tr:visible")).to_have_count(2)
    search.fill("Stratus Object")

    page.get_by_role("link", name="Stratus Object Storage").click()
    expect(page).to_have_url((site / "services" / "stratus-storage.html").as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Stratus Object Storage")
    facts = page.locator(".facts")
    expect(facts.locator("div", has_text="SEAL").first.locator("dd .badge")).to_have_text(f"SEAL-{seal}")
    expect(facts.locator("div", has_text="Sovereignty score").locator("dd")).to_have_text(f"{score:.1f} / 100")
    flag = page.locator(".flag", has_text="W1-control")
    expect(flag).to_contain_text("the ultimate controller is in US <script>alert(1)</script>")
    bars = page.locator("table.objectives meter")  # the objectives table is the chart: one bar per objective
    expect(bars).to_have_count(8)
    expect(bars.first).to_be_visible()
    assert problems == []


def test_hostile_text_does_not_run(browser: Browser, site: Path) -> None:
    for name in ("index.html", "changes.html", "services/stratus-storage.html", "providers/stratus-eu.html"):
        page, problems = _open(browser, (site / name).as_uri())
        page.wait_for_load_state("load")
        assert problems == [], name
        page.close()


def test_sort_buttons_work_from_the_keyboard(browser: Browser, site: Path) -> None:
    page, problems = _open(browser, (site / "index.html").as_uri())
    score = page.get_by_role("button", name="Score")
    score.focus()
    page.keyboard.press("Enter")
    header = page.locator("#services-table thead th", has=score)
    expect(header).to_have_attribute("aria-sort", "ascending")
    first_cells = page.locator("#services-table tbody tr th[scope=row]")
    expect(first_cells.first).to_have_text("Alto AI Platform")
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(first_cells.first).to_have_text("Nimbus Sovereign Compute")
    assert problems == []


def test_skip_link_moves_focus_to_main(browser: Browser, site: Path) -> None:
    page, _ = _open(browser, (site / "index.html").as_uri())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_pages_fit_a_375px_phone(browser: Browser, site: Path) -> None:
    for name in ("index.html", "services/stratus-storage.html", "providers/stratus-eu.html", "changes.html"):
        page, problems = _open(browser, (site / name).as_uri(), width=375)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 375, (name, overflow)
        assert problems == [], name
        page.close()


def test_table_works_without_javascript(browser: Browser, site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    expect(page.locator("#services-table tbody tr")).to_have_count(4)
    expect(page.locator("#search-box")).to_be_hidden()
    expect(page.get_by_role("link", name="Nimbus Sovereign Compute")).to_be_visible()
    context.close()


@pytest.fixture
def paged_site(release: Path, monkeypatch) -> Path:
    """The same release with 3 services per list page: index.html holds 3 rows, services-page-2.html 1."""
    import sealreg.publish.site.pages as site_module

    monkeypatch.setattr(site_module, "PAGE_SIZE", 3)
    return build_site(release)


def test_search_and_sort_cover_services_beyond_the_first_page(browser: Browser, paged_site: Path) -> None:
    page, problems = _open(browser, (paged_site / "index.html").as_uri())
    rows = page.locator("#services-table tbody tr")
    expect(rows).to_have_count(4)  # rebuilt from services-data.js
    expect(page.locator("#services-pager-top")).to_be_hidden()
    search = page.get_by_label("Search services")
    search.fill("Object Storage")  # the 4th service by name: not on the first page
    expect(page.locator("#services-table tbody tr:visible")).to_have_count(1)
    expect(page.locator("#search-status")).to_have_text("Showing 1 of 4 services.")
    search.fill("")
    page.get_by_role("button", name="Score").click()
    page.get_by_role("button", name="Score").click()
    expect(page.locator("#services-table tbody tr th[scope=row]").first).to_have_text("Nimbus Sovereign Compute")
    row = page.locator("#services-table tbody tr", has_text="Stratus Object Storage")
    expect(row.locator("td:nth-of-type(4) b")).to_have_class(re.compile(r"^l\d$"))
    expect(row.locator("td:nth-of-type(1)")).to_have_text('Stratus "EU" GmbH <img src=x onerror=alert(2)>')
    expect(row.locator("td:nth-of-type(8)")).to_have_text("2 W1-control, W4-certificate")
    page.get_by_role("link", name="Stratus Object Storage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stratus Object Storage")
    assert problems == []


def test_rows_built_by_the_script_match_the_server_rows(browser: Browser, release: Path) -> None:
    site = build_site(release)
    context = browser.new_context(java_script_enabled=False)
    static = context.new_page()
    static.goto((site / "index.html").as_uri())
    server = static.locator("#services-table tbody").inner_html()
    context.close()
    page, problems = _open(browser, (site / "index.html").as_uri())
    expect(page.locator("#services-table")).to_have_class(re.compile("js-sortable"))
    built = page.evaluate(
        """() => Array.from(document.querySelectorAll('#services-table tbody tr')).map(tr => {
            const c = tr.cloneNode(true); c.removeAttribute('data-index'); c.removeAttribute('data-search');
            return c.outerHTML; }).join('')"""
    )
    assert built == server.replace("\n", "")  # same markup, only the newlines between tags differ
    assert problems == []


def test_names_of_another_release_leave_the_server_rows(browser: Browser, paged_site: Path) -> None:
    """services-names.js whose key is not the one services-data.js names (say a cached file of another
    release) is not combined with the values: the table stays the server's first page, with its pager."""
    names = paged_site / "services-names.js"
    text = names.read_text("ascii")
    key = re.search(r'"key":"([0-9a-f]{64})"', text).group(1)
    names.write_text(text.replace(key, "0" * 64), "ascii")
    page, problems = _open(browser, (paged_site / "index.html").as_uri())
    expect(page.locator("#services-table")).to_have_class(re.compile("js-sortable"))
    expect(page.locator("#services-table tbody tr")).to_have_count(3)
    expect(page.locator("#services-pager-top")).to_be_visible()
    page.get_by_label("Search services").fill("Nimbus")
    expect(page.locator("#services-table tbody tr:visible")).to_have_count(1)
    assert problems == []


def test_list_pages_work_without_javascript(browser: Browser, paged_site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((paged_site / "index.html").as_uri())
    expect(page.locator("#services-table tbody tr")).to_have_count(3)
    page.get_by_role("navigation", name="Pages of the service list (top)").get_by_role("link", name="2").click()
    expect(page).to_have_url((paged_site / "services-page-2.html").as_uri())
    expect(page.locator("#services-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Stratus Object Storage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stratus Object Storage")
    context.close()


def test_open_source_facet_and_licence_on_the_service_page(browser: Browser, site: Path) -> None:
    page, problems = _open(browser, (site / "index.html").as_uri())
    rows = page.locator("#services-table tbody tr")
    expect(rows).to_have_count(4)
    facet = page.get_by_label("Open source only")
    facet.check()
    expect(page.locator("#services-table tbody tr:visible")).to_have_count(1)
    expect(page.locator("#services-table tbody tr:visible th")).to_have_text("Nimbus Sovereign Compute")
    expect(page.locator("#search-status")).to_have_text("Showing 1 of 4 services.")
    page.get_by_label("Search services").fill("stratus")
    expect(page.locator("#services-table tbody tr:visible")).to_have_count(0)
    facet.uncheck()
    expect(page.locator("#services-table tbody tr:visible")).to_have_count(2)

    page.goto((site / "services" / "nimbus-compute.html").as_uri())
    fact = page.locator(".facts div", has_text="Open source")
    expect(fact.locator(".oss")).to_have_text("Open source")
    expect(fact).to_contain_text("Licence Apache-2.0")
    expect(fact.get_by_role("link", name="source repository")).to_have_attribute(
        "href", "https://code.nimbus.example.eu/compute")
    # what each open-source status means, and how the check works, are on the methodology page (one link)
    fact.get_by_role("link", name="Open source", exact=True).click()
    expect(page).to_have_url(re.compile(r"methodology\.html#open-source$"))
    section = page.locator("section[aria-labelledby=open-source]")
    expect(section).to_contain_text("every licence id in the declared licence is OSI-approved")
    expect(section).to_contain_text("declared by the provider, not audited")

    page.goto((site / "services" / "stratus-storage.html").as_uri())
    fact = page.locator(".facts div", has_text="Open source")
    expect(fact.locator(".oss")).to_have_text("Source-available")
    expect(fact).to_contain_text("BUSL-1.1 <script>alert(1)</script>")
    expect(fact.locator("dd").get_by_role("link")).to_have_count(0)  # a javascript: repository is never a link
    assert problems == []


def _cell_labels(page: Page, table: str) -> list[str]:
    return page.evaluate(
        """(table) => Array.from(document.querySelector(`table.${table} tbody tr`).querySelectorAll('td'))
               .map(td => getComputedStyle(td, '::before').content)""", table)


def test_small_tables_label_their_cells_by_column_on_a_phone_and_expose_their_headers(
    browser: Browser, release: Path
) -> None:
    """The certificate, dependency and decision tables carry no data-label per cell: on a narrow screen
    each cell is labelled from the stylesheet by its column, and the header cells (no scope attribute)
    are still column headers to assistive technology."""
    con = duckdb.connect(str(release / "registry.duckdb"))
    con.execute("insert into service_dependencies values ('alto-ai', 'nimbus-compute', 'service', null, null, 1,"
                " 'alto-ai → nimbus-compute', 3, 2, 3, 2, true)")
    con.close()
    site = build_site(release)
    page, problems = _open(browser, (site / "providers" / "nimbus-cloud.html").as_uri(), width=400)
    assert _cell_labels(page, "certs") == ['"Certificate: "', '"Issuer: "', '"Valid from: "', '"Valid until: "',
                                           '"Valid on the evaluation date: "', '"Scheme register: "', '"Covers: "']
    expect(page.locator("table.certs").get_by_role("columnheader", name="Covers")).to_have_count(1)
    expect(page.locator("table.certs").get_by_role("rowheader", name="SecNumCloud 3.2")).to_have_count(1)
    page.goto((site / "services" / "nimbus-compute.html").as_uri())
    assert len(_cell_labels(page, "certs")) == 6  # every row covers this service: no Covers column
    page.goto((site / "services" / "alto-ai.html").as_uri())
    assert _cell_labels(page, "dependencies") == ['"What it is: "', '"How: "', '"Its own level: "',
                                                  '"Cap on this service: "']
    expect(page.locator("table.dependencies").get_by_role("columnheader", name="Cap on this service")).to_have_count(1)
    page.goto((site / "services" / "stratus-storage.html").as_uri())
    assert _cell_labels(page, "decisions") == ['"Action: "', '"Reason: "', '"By: "', '"In force: "']
    assert problems == []


def test_pages_without_optional_closing_tags_parse_into_the_intended_structure(browser: Browser, site: Path) -> None:
    """The pages omit `</p>`, `</li>`, `</dt>`, `</dd>` and the cell end tags: in a real parser no paragraph or
    list item swallows the block after it, each section starts with its heading, the footer holds the three
    "what next" items and the header the site's links."""
    page, problems = _open(browser, (site / "index.html").as_uri())
    for path in sorted(site.rglob("*.html")):
        page.goto(path.as_uri())
        found = page.evaluate("""() => ({
            nested: Array.from(document.querySelectorAll(
                'p p, p table, p section, p ul, p ol, p div, p dl, p h2, p h3, li li, dd div, dd dt, section section'))
                .map(e => e.outerHTML.slice(0, 60)),
            sections: document.querySelectorAll('main section').length,
            headed: document.querySelectorAll('main section > h2:first-child').length,
            next: document.querySelectorAll('body > footer > ul > li').length,
            nav: document.querySelectorAll('body > header > nav > ul > li > a').length})""")
        name = path.relative_to(site).as_posix()
        assert found["nested"] == [], (name, found["nested"])
        assert found["sections"] == found["headed"], name
        assert found["next"] == 3 and found["nav"] == 3, (name, found)  # no validation report in this release
    assert problems == []
