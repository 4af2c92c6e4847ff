"""`sealreg extract`: a signed JSON and printable HTML of entries that `sealreg verify` checks later."""

from __future__ import annotations

import json

import duckdb

from tests.helpers import sealreg_cli


def _extract(home, out, *args):
    proc = sealreg_cli("extract", *args, "--out", str(out), "--home", str(home))
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("*.json")
    return path


def test_extract_holds_the_published_entries_and_verifies(sample_home, tmp_path):
    path = _extract(sample_home, tmp_path, "vistula-sign", "aurora-compute")
    doc = json.loads(path.read_text())
    assert [e["service_id"] for e in doc["entries"]] == ["vistula-sign", "aurora-compute"]
    con = duckdb.connect(str(sample_home / "current" / "registry.duckdb"), read_only=True)
    try:
        want = con.execute("select seal, ual, status, tender_eligible, tender_exclusion_reason from services "
                           "where service_id = 'vistula-sign'").fetchone()
        objective_seals = dict(con.execute("select objective, seal from objective_results "
                                           "where service_id = 'vistula-sign'").fetchall())
    finally:
        con.close()
    entry = doc["entries"][0]
    assert (entry["seal"], entry["ual"], entry["status"], entry["tender_eligible"],
            entry["tender_exclusion_reason"]) == want
    assert entry["objective_seals"] == objective_seals
    page = path.with_suffix(".html").read_text()
    assert "vistula-sign" in page and "not listed: UAL-1 not reached" in page
    assert "<script" not in page and "http" not in page
    ok = sealreg_cli("verify", str(path), "--home", str(sample_home))
    assert ok.returncode == 0, ok.stdout
    assert "signature valid" in ok.stdout


def test_an_altered_extract_fails_verify(sample_home, tmp_path):
    path = _extract(sample_home, tmp_path, "aurora-compute")
    path.write_text(path.read_text().replace('"seal": 4', '"seal": 3', 1))
    proc = sealreg_cli("verify", str(path), "--home", str(sample_home))
    assert proc.returncode == 1
    assert "V002" in proc.stdout and "does not verify" in proc.stdout
    assert sealreg_cli("verify", str(path)).returncode == 2  # no trusted key given: fails closed


def test_an_extract_signed_by_another_key_is_not_trusted(sample_home, tmp_path):
    path = _extract(sample_home, tmp_path, "aurora-compute")
    proc = sealreg_cli("verify", str(path), "--fingerprint", "ab" * 32)
    assert proc.returncode == 1
    assert "V003" in proc.stdout


def test_extract_of_an_unknown_service_writes_nothing_and_exits_1(sample_home, tmp_path):
    proc = sealreg_cli("extract", "aurora-compute", "no-such-service", "--out", str(tmp_path),
                       "--home", str(sample_home))
    assert proc.returncode == 1
    assert "no-such-service" in proc.stderr
    assert not list(tmp_path.iterdir())
    future = sealreg_cli("extract", "aurora-compute", "--as-of", "2999-01-01", "--out", str(tmp_path),
                         "--home", str(sample_home))
    assert future.returncode == 2
