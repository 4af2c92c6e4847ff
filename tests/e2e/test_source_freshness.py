"""A reference snapshot older than its maximum age is reported stale in the summary and on the public site.

A copy of the sample home is told that its GLEIF and register files were first accepted 30 days ago
(raw.ref_sources, as if the same files had been delivered every night since); one more refresh on the
same date then finds GLEIF stale (maximum 14 days) and the registers fresh (maximum 92 days).
"""

from __future__ import annotations

import shutil

import duckdb

from sealreg.config import RegistryHome
from tests.helpers import SAMPLE_AS_OF, SAMPLE_REFERENCES, SAMPLES, sealreg_cli

GLEIF_L1 = ("stale source: gleif-level1 (gleif-lei2-golden-copy.csv): first loaded on 2026-10-29, "
            "30 days before the evaluation date (older than 14 days)")


def test_the_fresh_sample_release_reports_no_stale_source(sample_home):
    assert "stale" not in (sample_home / "refresh-output.txt").read_text()
    con = duckdb.connect(str(sample_home / "current" / "registry.duckdb"), read_only=True)
    try:
        kinds = con.execute("select kind, freshness, count(*) from source_freshness "
                            "group by all order by all").fetchall()
    finally:
        con.close()
    assert kinds == [("disclosure", "fresh", 22), ("gleif_level1", "fresh", 1), ("gleif_level2", "fresh", 1),
                     ("scheme_register", "fresh", 2)]
    page = (sample_home / "current" / "site" / "methodology.html").read_text()
    assert 'id="sources"' in page and "Stale on this evaluation date" not in page


def test_a_stale_gleif_snapshot_is_in_the_summary_and_on_the_methodology_page(sample_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home, symlinks=True)
    con = duckdb.connect(str(RegistryHome.at(home).baseline_warehouse))
    try:
        con.execute("update raw.ref_sources set first_loaded_on = first_loaded_on - interval 30 day")
    finally:
        con.close()

    proc = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--references", str(SAMPLE_REFERENCES),
                       "--home", str(home), "--as-of", SAMPLE_AS_OF)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    out = " ".join(proc.stdout.split())  # rich wraps long lines
    assert GLEIF_L1 in out
    assert "stale source: gleif-level2 (gleif-rr-golden-copy.csv): first loaded on 2026-10-29" in out
    assert "stale source: register:" not in out and "stale disclosures" not in out
    page = " ".join((home / "current" / "site" / "methodology.html").read_text().split())
    assert ("Stale on this evaluation date:</strong> gleif-level1 (first loaded on 2026-10-29, 30 days before the "
            "evaluation date (older than 14 days)); gleif-level2 (") in page
    assert ('<tr class="freshness-stale"><th scope="row">gleif-level1</th><td>gleif-lei2-golden-copy.csv</td>'
            "<td>2026-10-29</td><td>30</td><td>14</td><td>stale</td></tr>") in page
    assert '<tr class="freshness-fresh"><th scope="row">register:bsi-c5.csv</th>' in page
