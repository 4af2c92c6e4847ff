"""A published mart whose SQL drifts from its enforced contract fails dbt before it writes anything.

One dbt run on a copy of the project and of the sample home's warehouse: criterion_results publishes
`points` as DECIMAL again (a type change), washing_flags renames `reason` (a name change), and
reference_sources is left as it is (the copy builds).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import duckdb

from sealreg.config import RegistryHome
from sealreg.dbt_runner import dbt_executable
from tests.helpers import REPO, SAMPLE_AS_OF


def _edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: {old!r} not found once"
    path.write_text(text.replace(old, new))


def test_a_type_or_name_change_of_a_published_column_fails_the_contract(sample_home, tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    marts = project / "models" / "marts" / "registry"
    _edit(marts / "criterion_results.sql", "cast(points as double) as points", "points")
    _edit(marts / "washing_flags.sql", "    reason,\n", "    reason as explanation,\n")
    warehouse = tmp_path / "run" / "warehouse.duckdb"  # the run warehouse's name: its views name this catalog
    warehouse.parent.mkdir()
    shutil.copyfile(RegistryHome.at(sample_home).baseline_warehouse, warehouse)

    proc = subprocess.run(
        [dbt_executable(), "run", "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
         "-s", "criterion_results", "washing_flags", "reference_sources"],
        env={**os.environ, "SEALREG_WAREHOUSE": str(warehouse), "SEALREG_AS_OF": SAMPLE_AS_OF},
        capture_output=True, text=True, timeout=300)

    assert proc.returncode == 1, proc.stdout[-3000:]
    results = {r["unique_id"].rsplit(".", 1)[1]: r
               for r in json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]}
    assert results["reference_sources"]["status"] == "success"
    for model, column in (("criterion_results", "points"), ("washing_flags", "reason")):
        assert results[model]["status"] == "error"
        assert "enforced contract that failed" in results[model]["message"], results[model]["message"]
        assert column in results[model]["message"]
    assert "data type mismatch" in results["criterion_results"]["message"]
    assert "missing in definition" in results["washing_flags"]["message"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:  # the failing marts kept their published shape
        types = dict(con.execute("select column_name, data_type from duckdb_columns() where schema_name = 'main' "
                                 "and table_name = 'criterion_results'").fetchall())
        flags = {r[0] for r in con.execute("select column_name from duckdb_columns() where schema_name = 'main' "
                                           "and table_name = 'washing_flags'").fetchall()}
    finally:
        con.close()
    assert types["points"] == "DOUBLE"
    assert "reason" in flags and "explanation" not in flags
