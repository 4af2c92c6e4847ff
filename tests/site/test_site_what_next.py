"""'What next' on every page: the operator's contact, the appeals route, the download page, the fingerprint."""

from __future__ import annotations

import re
from pathlib import Path

from sealreg import config
from sealreg.publish.site import build_site


def test_every_page_says_whom_to_contact_how_to_appeal_and_where_to_download(release: Path) -> None:
    site = build_site(release)
    for page in sorted(site.rglob("*.html")):
        html = page.read_text("utf-8")
        root = "../" if page.parent != site else ""
        assert "<footer>\n<h2 id=what-next>What next</h2>" in html, page
        assert f'<a href="mailto:{config.DEFAULT_OPERATOR_CONTACT}">' in html, page
        assert config.DEFAULT_APPEALS_ROUTE in html, page
        assert f'<a href="{root}downloads.html">' in html, page


def test_operator_and_appeals_come_from_the_environment(release: Path, monkeypatch) -> None:
    monkeypatch.setenv("SEALREG_OPERATOR_CONTACT", "https://registry.example.eu/contact")
    monkeypatch.setenv("SEALREG_APPEALS_ROUTE", "Appeal to the Cloud Registry Board <b>within 30 days</b>.")
    html = (build_site(release) / "services" / "alto-ai.html").read_text("utf-8")
    assert '<a href="https://registry.example.eu/contact" rel="nofollow noopener noreferrer">' in html
    assert "Appeal to the Cloud Registry Board &lt;b&gt;within 30 days&lt;/b&gt;." in html
    assert "mailto:" not in html


def test_the_download_page_lists_the_release_files_with_their_sizes(release: Path) -> None:
    (release / "parquet").mkdir()
    (release / "parquet" / "services.parquet").write_bytes(b"x" * 1234)
    (release / "public_key.pem").write_bytes(b"not a key")
    site = build_site(release)
    html = (site / "downloads.html").read_text("utf-8")
    size = (release / "registry.duckdb").stat().st_size
    assert re.search(rf'<a href="\.\./registry\.duckdb">registry\.duckdb</a></th><td[^>]*>{size:,} bytes', html)
    assert '<a href="../parquet/services.parquet">parquet/services.parquet</a>' in html and "1,234 bytes" in html
    assert '<a href="../manifest.json">manifest.json</a>' in html
    assert "site/" not in html.split("<tbody>")[1].split("</tbody>")[0]
