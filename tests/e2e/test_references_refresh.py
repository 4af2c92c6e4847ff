"""`sealreg refresh --references DIR` end to end: accepted snapshots and a rejected reference file reach the
release (reference_sources, rejections, signed manifest)."""

from __future__ import annotations

import json

import duckdb

from tests.helpers import SAMPLE_AS_OF, SAMPLES, sealreg_cli
from tests.ingestion.reference_files_factory import cert_row, l1_row, level1, register


def test_refresh_with_references_publishes_snapshots_and_reference_rejections(tmp_path):
    refs, home = tmp_path / "refs", tmp_path / "home"
    level1(refs / "20261128-lei2.csv", [l1_row(i) for i in range(5)])
    register(refs / "anssi.csv", [cert_row(0), cert_row(1, valid_until="2020-01-01")])
    proc = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--references", str(refs), "--home", str(home),
                       "--as-of", SAMPLE_AS_OF)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"references {refs}" in proc.stdout
    current = home / "current"
    con = duckdb.connect(str(current / "registry.duckdb"), read_only=True)
    try:
        sources = con.execute("SELECT source, kind, file, rows, first_loaded_on, in_use "
                              "FROM reference_sources").fetchall()
        rejected = con.execute("SELECT code, path FROM rejections WHERE file = 'references/anssi.csv'").fetchall()
    finally:
        con.close()
    assert [s[:4] + s[5:] for s in sources] == [("gleif-level1", "gleif_level1", "20261128-lei2.csv", 5, True)]
    assert str(sources[0][4]) == SAMPLE_AS_OF
    assert rejected == [("R003", "row 3, column valid_until")]
    manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    assert [(s["source"], s["rows"]) for s in manifest["reference_sources"]] == [("gleif-level1", 5)]
    assert any((home / "quarantine").rglob("anssi.csv.errors.json"))
    assert sealreg_cli("refresh", "--inbox", str(SAMPLES), "--references", str(tmp_path / "nope"),
                       "--home", str(home)).returncode == 2
