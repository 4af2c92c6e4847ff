"""A failed validation gate publishes nothing and keeps the previous release current."""

from __future__ import annotations

import hashlib
import json
import os

import duckdb
import pytest

from sealreg.config import RunContext
from sealreg.steps import STEPS, GateFailed
from tests.helpers import SAMPLE_AS_OF, SAMPLES, copy_home, sealreg_cli


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_corrupted_table_fails_the_final_gate_and_keeps_the_last_release(sample_home, tmp_path):
    home = copy_home(sample_home, tmp_path / "home")  # one published night of the samples
    current_before = os.readlink(home / "current")
    releases_before = sorted(os.listdir(home / "releases"))
    baseline_before = _digest(home / "warehouse" / "registry.duckdb")

    ctx = RunContext.create(home=home, inbox=SAMPLES, as_of="2026-11-29")
    for name in ("ingest", "validate_raw", "build"):
        STEPS[name](ctx)
    con = duckdb.connect(str(ctx.run_warehouse))
    con.execute("update services set seal = 7 where service_id = (select min(service_id) from services)")
    con.close()
    with pytest.raises(GateFailed) as failed:
        STEPS["validate_final"](ctx)
    assert failed.value.layer == "final"
    assert any("seal" in f for f in failed.value.failures), failed.value.failures

    assert os.readlink(home / "current") == current_before
    assert sorted(os.listdir(home / "releases")) == releases_before
    assert _digest(home / "warehouse" / "registry.duckdb") == baseline_before
    report = ctx.validation_dir / "final"
    assert any(report.rglob("*.html")), "the failed gate leaves a readable report"


def test_an_inbox_without_any_valid_disclosure_exits_1_and_publishes_nothing(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "garbage.json").write_text("{not json")
    (inbox / "forged.json").write_text(json.dumps({"schema_version": "2"}))
    home = tmp_path / "home"
    proc = sealreg_cli("refresh", "--inbox", str(inbox), "--home", str(home), "--as-of", SAMPLE_AS_OF)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "nothing published" in (proc.stdout + proc.stderr).lower()
    assert not (home / "current").exists()
    assert len(list((home / "quarantine").rglob("*.errors.json"))) == 2


def test_usage_errors_exit_2(tmp_path):
    assert sealreg_cli("refresh", "--as-of", "yesterday").returncode == 2
    assert sealreg_cli("refresh", "--inbox", str(tmp_path / "missing")).returncode == 2
    assert sealreg_cli("frobnicate").returncode == 2
