"""The project's table and view materializations (dbt_project/macros/materializations.sql): one
transaction per model that replaces the relation in place.

dbt runs on a copy of the project and of the sample home's warehouse: a mart whose insert fails keeps
its rows, constraints and comments; a mart that builds gets its constraints and comments again and no
`__dbt_tmp` / `__dbt_backup` relation is left; a view that becomes a table (and back) replaces the
relation of the other type.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb

from sealreg.config import RegistryHome
from sealreg.dbt_runner import dbt_executable
from tests.helpers import REPO, SAMPLE_AS_OF


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: {old!r} not found once"
    path.write_text(text.replace(old, new))


def _dbt_run(project: Path, warehouse: Path, *select: str) -> dict[str, dict]:
    target = project.parent / "target"
    proc = subprocess.run(
        [dbt_executable(), "run", "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(target), "--log-path", str(project.parent / "logs"), "-s", *select],
        env={**os.environ, "SEALREG_WAREHOUSE": str(warehouse), "SEALREG_AS_OF": SAMPLE_AS_OF},
        capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stdout[-3000:]
    return {r["unique_id"].rsplit(".", 1)[1]: r
            for r in json.loads((target / "run_results.json").read_text())["results"]}


def _shape(warehouse: Path, table: str) -> dict:
    """Rows, kind, constraints and comments of one relation of the warehouse."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        kinds = con.execute("select 'table', comment from duckdb_tables() where schema_name = 'main' "
                            "and table_name = $t union all select 'view', comment from duckdb_views() "
                            "where schema_name = 'main' and view_name = $t", {"t": table}).fetchall()
        return {
            "kind": [k for k, _ in kinds],
            "comment": [c for _, c in kinds],
            "rows": sorted(con.execute(f'select * from main."{table}"').fetchall(), key=repr),
            "constraints": sorted(con.execute(
                "select constraint_type, constraint_column_names from duckdb_constraints() "
                "where schema_name = 'main' and table_name = ?", [table]).fetchall(), key=repr),
            "column_comments": con.execute("select column_name, comment from duckdb_columns() where "
                                           "schema_name = 'main' and table_name = ? order by column_index",
                                           [table]).fetchall(),
            "leftovers": con.execute("select table_name from duckdb_tables() where table_name like '%__dbt_%' "
                                     "union all select view_name from duckdb_views() where view_name like '%__dbt_%'"
                                     ).fetchall(),
        }
    finally:
        con.close()


def test_a_failing_insert_keeps_the_mart_and_a_rebuilt_mart_keeps_its_constraints_and_comments(sample_home, tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    warehouse = tmp_path / "run" / "warehouse.duckdb"  # the run warehouse's name: its views name this catalog
    warehouse.parent.mkdir()
    shutil.copyfile(RegistryHome.at(sample_home).baseline_warehouse, warehouse)
    before = {table: _shape(warehouse, table) for table in ("providers", "reference_sources")}
    assert before["providers"]["constraints"] and before["providers"]["comment"][0]
    assert all(comment for _, comment in before["providers"]["column_comments"])

    # same column type as the contract, so the contract check passes and the insert itself fails
    _edit(project / "models" / "marts" / "registry" / "providers.sql",
          "    providers.legal_name,\n", "    cast(cast(providers.legal_name as integer) as varchar) as legal_name,\n")
    results = _dbt_run(project, warehouse, "providers", "reference_sources")

    assert results["providers"]["status"] == "error" and "Conversion Error" in results["providers"]["message"]
    assert results["reference_sources"]["status"] == "success"
    assert {table: _shape(warehouse, table) for table in before} == before
    assert before["providers"]["leftovers"] == []


def test_a_view_that_becomes_a_table_replaces_it_and_back(sample_home, tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    warehouse = tmp_path / "run" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    shutil.copyfile(RegistryHome.at(sample_home).baseline_warehouse, warehouse)
    model = "stg_raw__disclosures"
    view = _shape(warehouse, model)
    assert view["kind"] == ["view"] and view["rows"]

    settings = project / "dbt_project.yml"
    _edit(settings, "      stg_raw__disclosures:\n        +materialized: view",
          "      stg_raw__disclosures:\n        +materialized: table")
    assert _dbt_run(project, warehouse, model)[model]["status"] == "success"
    table = _shape(warehouse, model)
    assert table["kind"] == ["table"] and table["rows"] == view["rows"]

    _edit(settings, "      stg_raw__disclosures:\n        +materialized: table",
          "      stg_raw__disclosures:\n        +materialized: view")
    assert _dbt_run(project, warehouse, model)[model]["status"] == "success"
    assert _shape(warehouse, model) == view
