"""The project's table and view materializations (dbt_project/macros/materializations.sql): one
transaction per model that replaces the relation in place.

dbt runs on a copy of the project and of the sample home's warehouse: a mart whose insert fails keeps
its rows, constraints and comments; a mart that builds gets its constraints and comments again and no
`__dbt_tmp` / `__dbt_backup` relation is left; a view that becomes a table (and back) replaces the
relation of the other type.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.dbt.project_copy import copy_project_and_warehouse, edit_once, run_dbt_on_copy


def _dbt_run(project: Path, warehouse: Path, *select: str) -> dict[str, dict]:
    """`dbt run -s <select>` on the copies: {model name: result}."""
    proc, results = run_dbt_on_copy(project, warehouse, project.parent, "run", "-s", *select)
    assert proc.returncode in (0, 1), proc.stdout[-3000:]
    return {uid.rsplit(".", 1)[1]: r for uid, r in results.items()}


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
    project, warehouse = copy_project_and_warehouse(sample_home, tmp_path)
    before = {table: _shape(warehouse, table) for table in ("providers", "reference_sources")}
    assert before["providers"]["constraints"] and before["providers"]["comment"][0]
    assert all(comment for _, comment in before["providers"]["column_comments"])

    # same column type as the contract, so the contract check passes and the insert itself fails
    edit_once(project / "models" / "marts" / "registry" / "providers.sql",
          "    providers.legal_name,\n", "    cast(cast(providers.legal_name as integer) as varchar) as legal_name,\n")
    results = _dbt_run(project, warehouse, "providers", "reference_sources")

    assert results["providers"]["status"] == "error" and "Conversion Error" in results["providers"]["message"]
    assert results["reference_sources"]["status"] == "success"
    assert {table: _shape(warehouse, table) for table in before} == before
    assert before["providers"]["leftovers"] == []


def test_a_view_that_becomes_a_table_replaces_it_and_back(sample_home, tmp_path):
    project, warehouse = copy_project_and_warehouse(sample_home, tmp_path)
    model = "stg_raw__disclosures"
    view = _shape(warehouse, model)
    assert view["kind"] == ["view"] and view["rows"]

    settings = project / "dbt_project.yml"
    edit_once(settings, "      stg_raw__disclosures:\n        +materialized: view",
          "      stg_raw__disclosures:\n        +materialized: table")
    assert _dbt_run(project, warehouse, model)[model]["status"] == "success"
    table = _shape(warehouse, model)
    assert table["kind"] == ["table"] and table["rows"] == view["rows"]

    edit_once(settings, "      stg_raw__disclosures:\n        +materialized: table",
          "      stg_raw__disclosures:\n        +materialized: view")
    assert _dbt_run(project, warehouse, model)[model]["status"] == "success"
    assert _shape(warehouse, model) == view
