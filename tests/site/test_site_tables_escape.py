"""The service page's three long tables (objectives, criteria, CADA gates) are built in DuckDB: every text
value a provider, reference or rulebook can set must come out escaped, and still read as itself."""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb

from sealreg.publish.site import build_site, inputs, release_id_of
from sealreg.publish.site.data import TABLES, Tables
from sealreg.publish.site.pages import Site, signing_fingerprint
from sealreg.publish.site.writer import Writer

SERVICE = "nimbus-compute"
#: Tables and their text columns the three tables show (each gets its own hostile value).
TEXT_COLUMNS = {
    "objective_results": ("objective", "objective_name"),
    "criterion_results": ("objective", "title", "rung_label", "evidence_url", "evidence_note"),
    "cada_gates": ("gate", "detail"),
}


def _hostile(table: str, column: str) -> str:
    """A value that breaks out of a cell, an attribute or a URL if it is not escaped: tags, both quotes,
    an ampersand that looks like an entity, a newline, right-to-left marks."""
    return f"\u202e{table}.{column} <img src=x id=pwn-{column}> \"' &amp; &lt;\n</td></tr></table>\u200f"


class _Page(HTMLParser):
    """The element ids and the text of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        self.ids += [v or "" for k, v in attrs if k == "id"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_every_text_value_of_the_three_tables_is_escaped_and_shown_as_itself(release: Path) -> None:
    con = duckdb.connect(str(release / "registry.duckdb"))
    for table, columns in TEXT_COLUMNS.items():
        assert set(columns) <= set(TABLES[table]), (table, columns)  # the pages read them
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        con.execute(f'update "{table}" set {sets} where service_id = ?',
                    [_hostile(table, c) for c in columns] + [SERVICE])
    # one criterion id (a row whose id no other service has: its own title becomes the shared one)
    con.execute("update criterion_results set criterion_id = ? where service_id = ? and criterion_id = 'SOV-1.1'",
                [_hostile("criterion_results", "criterion_id"), SERVICE])
    # the gate name as the prefix of its own detail (the page drops that prefix): still escaped
    con.execute("update cada_gates set detail = gate || ': ' || detail where service_id = ?", [SERVICE])
    con.close()
    html = (build_site(release) / "services" / f"{SERVICE}.html").read_text("utf-8")
    page = _Page()
    page.feed(html)
    assert not [i for i in page.ids if i.startswith("pwn-")], "a hostile value became markup"
    assert "img" not in page.tags and "<img" not in html
    text = "".join(page.text)
    for table, columns in TEXT_COLUMNS.items():
        for column in columns:
            if (table, column) in {("criterion_results", "objective")}:
                continue  # not shown: the criterion's group heading is the objectives table's own name
            assert _hostile(table, column) in text, (table, column)
    assert _hostile("criterion_results", "criterion_id") in text
    # a hostile https URL is shown as text, never as a link
    assert 'href="\u202e' not in html and "href=\"criterion_results" not in html


def test_a_hostile_https_evidence_url_is_not_a_link(release: Path) -> None:
    con = duckdb.connect(str(release / "registry.duckdb"))
    urls = ['https://a.example/"onmouseover="x', "https://a.example/<b>", "https://a.example/ x", "javascript:x",
            "https:///nohost", "https://c.example/\u00e9", "HTTPS://B.EXAMPLE/ok"]
    rows = con.execute("select criterion_id from criterion_results where service_id = ? order by all limit ?",
                       [SERVICE, len(urls)]).fetchall()
    for (criterion,), url in zip(rows, urls, strict=True):
        con.execute("update criterion_results set evidence_url = ? where service_id = ? and criterion_id = ?",
                    [url, SERVICE, criterion])
    con.close()
    html = (build_site(release) / "services" / f"{SERVICE}.html").read_text("utf-8")
    hrefs = re.findall(r'<a href="([^"]*)" rel="nofollow noopener noreferrer">', html)
    assert "HTTPS://B.EXAMPLE/ok" in hrefs
    assert "https://c.example/\u00e9" in hrefs  # a letter of another script is no hostile text (filters.SAFE_LINK)
    assert not [h for h in hrefs if h.startswith(("https://a.example", "javascript", "https:///"))], hrefs
    assert "https://a.example/&#34;onmouseover=&#34;x" in html and "https://a.example/&lt;b&gt;" in html


def test_a_full_build_records_the_digests_duckdb_computes_for_a_quiet_night(release: Path, monkeypatch) -> None:
    """A full build (one process or two) records the digests a quiet night computes before it renders
    anything. They must agree, or every page would be rendered again each night."""
    con = duckdb.connect(str(release / "registry.duckdb"))
    con.execute("update criterion_results set evidence_note = ? where service_id = ?", ["é ✓ <&> \u202e", SERVICE])
    con.close()
    recorded = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("SEALREG_SITE_WORKERS", workers)
        build_site(release)
        recorded[workers] = json.loads(gzip.decompress((release / inputs.INPUTS_FILE).read_bytes()))["pages"]
    assert recorded["1"] == recorded["2"]
    con = duckdb.connect(str(release / "registry.duckdb"), read_only=True)
    try:
        site = Site(Tables(con), release_id_of(release), False, Writer(release / "unused"),
                    signing_fingerprint(release))
        assert site.page_digests() == recorded["1"]
    finally:
        con.close()


def _criteria_table(html: str) -> str:
    return re.search(r'<table class="cards criteria">.*?</table>', html, re.S).group(0)


def test_the_evidence_column_is_left_out_only_where_no_criterion_of_the_service_cites_evidence(release: Path) -> None:
    """A service none of whose 48 criteria cites evidence says so once in the caption instead of a column of
    "—"; a service where one criterion cites a note keeps the column, with "—" on every other row."""
    con = duckdb.connect(str(release / "registry.duckdb"))
    con.execute("update criterion_results set evidence_url = null, evidence_note = null where service_id in (?, ?)",
                [SERVICE, "stratus-storage"])
    con.execute("update criterion_results set evidence_note = '' where service_id = ? and criterion_id = 'SOV-1.2'",
                [SERVICE])  # an empty note is no evidence
    con.execute("update criterion_results set evidence_note = 'audit 2026' where service_id = ? "
                "and criterion_id = 'SOV-2.3'", ["stratus-storage"])
    con.close()
    site = build_site(release)
    bare = _criteria_table((site / "services" / f"{SERVICE}.html").read_text("utf-8"))
    cited = _criteria_table((site / "services" / "stratus-storage.html").read_text("utf-8"))
    assert "<caption>Criteria by objective (none cites evidence)</caption>" in bare
    assert "Evidence" not in bare and "<td>—" not in bare and "colspan=5" not in bare
    assert "<caption>Criteria by objective</caption>" in cited and "<th scope=col>Evidence</thead>" in cited
    for table, cells in ((bare, 3), (cited, 4)):  # every criterion row has a cell under each column header
        rows = re.findall(r"<tr><th>SOV-.*?(?=<tr>|<tbody>|</table>)", table, re.S)
        assert rows and all(r.count("<td") == cells for r in rows), (cells, rows[:2])
    assert cited.count("<td>—") == len(re.findall(r"<tr><th>SOV-", cited)) - 1
    assert "<td><span class=note>audit 2026</span>" in cited
