"""Every dbt unit test of the project (the rules' hand-worked cases) runs and passes in CI.

The nightly build excludes unit tests (they pin logic, not data); this runs the whole project,
unit tests included, once on an empty raw layer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.helpers import REPO


def test_all_dbt_unit_tests_pass(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute((REPO / "ingestion" / "raw_schema.sql").read_text())
    con.close()
    dbt = str(Path(sys.executable).parent / "dbt")
    proc = subprocess.run(
        [dbt, "build", "--project-dir", str(REPO / "dbt_project"), "--profiles-dir", str(REPO / "dbt_project"),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        env={**os.environ, "SEALREG_WAREHOUSE": str(warehouse), "SEALREG_AS_OF": "2026-11-28"},
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    units = [r for r in results if r["unique_id"].startswith("unit_test.")]
    assert len(units) >= 33
    assert {r["status"] for r in units} == {"pass"}
