"""Search by words and ids (prefix of a word, never inside one), facets, and the filter kept in the URL."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, expect

from sealreg.publish.site import build_site
from tests.site.test_site_browser import _open, browser  # noqa: F401 (the module's browser fixture)

CORVUS = ("corvus-mail", "alto-hold", "Corvus Mail", "SaaS", 3, 1, "listed", None, [])


@pytest.fixture
def site(tmp_path: Path, make_release) -> Path:
    return build_site(make_release(tmp_path / "releases" / "2026-03-14-001", [CORVUS]))


def _names(page) -> list[str]:
    return sorted(page.locator("#services-table tbody tr:visible th[scope=row]").all_inner_texts())


def test_search_matches_words_and_ids_not_letters_inside_words(browser: Browser, site: Path) -> None:  # noqa: F811
    page, problems = _open(browser, (site / "index.html").as_uri())
    search = page.get_by_label("Search services")
    cases = {
        "US": ["Stratus Managed Postgres", "Stratus Object Storage"],  # controller's country, not Corvus/Suspended
        "listed": ["Corvus Mail", "Nimbus Sovereign Compute"],  # not "Not listed"
        "not listed": ["Stratus Managed Postgres"],
        "stratus-db": ["Stratus Managed Postgres"],  # a service id
        "holdings": ["Stratus Managed Postgres", "Stratus Object Storage"],  # the controller's name
        "obj stor": ["Stratus Object Storage"],  # word beginnings, any order
        "saas expired": ["Alto AI Platform"],
        "w2": ["Alto AI Platform"],
        "orvus": [],
    }
    for query, expected in cases.items():
        search.fill(query)
        expect(page.locator("#services-table tbody tr:visible")).to_have_count(len(expected))
        assert _names(page) == expected, query
    assert problems == []


def test_facets_narrow_the_list_and_the_url_keeps_them(browser: Browser, site: Path) -> None:  # noqa: F811
    page, problems = _open(browser, (site / "index.html").as_uri())
    page.get_by_label("Status", exact=True).select_option("suspended")
    expect(page.locator("#services-table tbody tr:visible")).to_have_count(1)
    assert page.url.endswith("#status=suspended")
    page.get_by_label("Status", exact=True).select_option("")
    page.get_by_label("Third-country control", exact=True).select_option("no")
    page.get_by_label("Model", exact=True).select_option("SaaS")
    assert _names(page) == ["Alto AI Platform", "Corvus Mail"]
    page.get_by_label("Flags", exact=True).select_option("W2-regions")
    page.get_by_label("Search services").fill("alto")
    expect(page.locator("#services-table tbody tr:visible")).to_have_count(1)
    url = page.url
    assert "q=alto" in url and "flag=W2-regions" in url and "model=SaaS" in url and "tcc=no" in url
    again, more = _open(browser, url)  # a bookmark or a shared link restores the filter
    expect(again.locator("#services-table tbody tr:visible")).to_have_count(1)
    expect(again.get_by_label("Flags", exact=True)).to_have_value("W2-regions")
    expect(again.get_by_label("Search services")).to_have_value("alto")
    again.close()
    page.get_by_label("Flags", exact=True).select_option("none")
    page.get_by_label("Search services").fill("")
    assert _names(page) == ["Corvus Mail"]
    page.get_by_label("Flags", exact=True).select_option("")
    page.get_by_label("UAL", exact=True).select_option("1")  # Alto (expired, published at UAL-1) and Corvus
    assert _names(page) == ["Alto AI Platform", "Corvus Mail"]
    seal = page.get_by_label("SEAL", exact=True)
    assert seal.locator("option").all_inner_texts()[0] == "any"
    assert problems == [] and more == []


def test_flag_facets_count_dbt_s_flag_count(browser: Browser, tmp_path: Path, make_release) -> None:  # noqa: F811
    """A revoked service whose disclosure left the inbox keeps its flag_count but has no flag rows: the
    "no flags" facet leaves it out and "any flag" keeps it."""
    release = make_release(tmp_path / "releases" / "2026-03-14-001", [CORVUS])
    con = duckdb.connect(str(release / "registry.duckdb"))
    con.execute("update services set status = 'revoked', disclosure_withdrawn = true, flag_count = 2"
                " where service_id = 'stratus-db'")
    con.close()
    page, problems = _open(browser, (build_site(release) / "index.html").as_uri())
    flags = page.get_by_label("Flags", exact=True)
    rows = page.locator("#services-table tbody tr:visible")
    flags.select_option("none")
    expect(rows).to_have_count(2)
    assert _names(page) == ["Corvus Mail", "Nimbus Sovereign Compute"]
    flags.select_option(label="any flag")
    expect(rows).to_have_count(3)
    assert _names(page) == ["Alto AI Platform", "Stratus Managed Postgres", "Stratus Object Storage"]
    assert problems == []
