"""The site shows what dbt computed: each service's flag count is `services.flag_count` (not a count of the
published `washing_flags` rows), and a certificate covers only the services it lists, as W4 counts it."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from sealreg.publish.site import build_site
from tests.helpers import search_data


def _revoked_with_withdrawn_disclosure(release: Path) -> Path:
    """stratus-db revoked after its disclosure left the inbox: dbt keeps the two flags of its last
    evaluation in flag_count, while the release holds no washing_flags row for it."""
    con = duckdb.connect(str(release / "registry.duckdb"))
    con.execute(
        "update services set status = 'revoked', disclosure_withdrawn = true, flag_count = 2"
        " where service_id = 'stratus-db'"
    )
    assert con.execute("select count(*) from washing_flags where service_id = 'stratus-db'").fetchone() == (0,)
    con.close()
    return release


def _section(html: str, heading_id: str) -> str:
    start = html.index(f"<h2 id={heading_id}>")
    return html[start : html.index("<h2", start + 1)]


def test_flag_counts_are_dbt_s_flag_count_not_the_published_flag_rows(release: Path) -> None:
    site = build_site(_revoked_with_withdrawn_disclosure(release))
    service = (site / "services" / "stratus-db.html").read_text("utf-8")
    assert "<dt>Washing flags<dd>2</div>" in service
    flags = _section(service, "flags")
    assert "2 washing flags were raised at this service's last evaluation" in flags
    assert "No washing flags" not in flags

    home = (site / "index.html").read_text("utf-8")
    row = re.search(r'<tr[^>]*><th scope=row><a href="services/stratus-db.html">[^\n]*', home)
    assert row and row.group(0).endswith("<td><span class=flag-count>2</span>")

    names, data = search_data(site)
    by_id = {n[0]: (data["flags"][v[4]], v[5]) for n, v in zip(names["services"], data["services"], strict=True)}
    assert by_id["stratus-db"] == ("", 2)
    assert by_id["stratus-storage"] == ("W1-control, W4-certificate", 2)

    provider = (site / "providers" / "stratus-eu.html").read_text("utf-8")
    provider_row = re.search(r'<tr[^>]*><th scope=row><a href="../services/stratus-db.html">[^\n]*', provider)
    assert provider_row and provider_row.group(0).endswith("<td>2")


def test_a_certificate_that_lists_no_service_covers_none(release: Path) -> None:
    """C5-2023-88 of stratus-eu lists no service: W4 counts it for no service, and no page says otherwise."""
    site = build_site(release)
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8")
        assert "provider-wide" not in text and "all services" not in text, page
    provider = _section((site / "providers" / "stratus-eu.html").read_text("utf-8"), "certs")
    row = re.search(r"<tr><th scope=row>[^<]*<td>C5-2023-88<td>[^\n]*", provider)
    assert row and row.group(0).endswith("<td>no service (it lists none)")  # its Covers cell, the last

    service = _section((site / "services" / "stratus-storage.html").read_text("utf-8"), "certs")
    assert "<table" not in service and "No certificate lists this service." in service
    assert "1 certificate that lists no service (C5-2023-88)" in service
    assert "it covers no service and counts for none in the W4 check" in service

    nimbus = _section((site / "services" / "nimbus-compute.html").read_text("utf-8"), "certs")
    assert "<td>SNC-2025-017<td>" in nimbus and "lists no service" not in nimbus
