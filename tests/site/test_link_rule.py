"""One rule decides which URL becomes a link: the Jinja filter (`filters.safe_link`) and the tables built in
DuckDB (`fragments`, macro `evidence_link`) give the same markup for every URL."""

from __future__ import annotations

import duckdb
import pytest

from sealreg.publish.site import fragments
from sealreg.publish.site.filters import safe_link

LINKS = [
    "https://a.example/x", "HTTPS://A.EXAMPLE/x", "htTps://a.example/", "https://a.example/?q=1&r=2",
    "https://a.example:443/p#f", "https://@x",
    # a path in another script (ingestion's https rule allows it): a link, as it was before the tables moved to SQL
    "https://example.eu/dokumente/übersicht.pdf", "https://example.eu/文書.pdf",
]
TEXT = [
    "javascript:alert(1)", "http://a.example/", "https:/a.example", "https:///x", "https://?x", "https://#x",
    "https://", "https://a.example/x y", "https://a.example/'x", 'https://a.example/"x', "https://a.example/<x>",
    "https://a.example/\\x", "https://a.example/`x", "https://a.example/\x7f", "https://a.example/\x1f",
    # invisible or spacing characters (ingestion refuses them; a page never links them)
    "https://a.example/\u00a0", "https://a.example/\x85x", "https://a.example/\u2028x", "https://a.example/\u202ex",
    "https://a.example/\u200bx", "https://a.example/\ufeffx", "https://a.example/\u3000x", "https://a.example/\u2066x",
]


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute(fragments.MACROS)
    yield c
    c.close()


@pytest.mark.parametrize("url", LINKS + TEXT)
def test_the_filter_and_the_sql_tables_link_the_same_urls(con, url):
    sql = con.execute("select evidence_link(?)", [url]).fetchone()[0]
    assert sql == str(safe_link(url))
    assert sql.startswith("<a href=") == (url in LINKS)
