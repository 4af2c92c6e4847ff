"""A published mart whose SQL drifts from its enforced contract fails dbt before it writes anything.

One dbt run on a copy of the project and of the sample home's warehouse: criterion_results publishes
`points` as DECIMAL again (a type change), washing_flags renames `reason` (a name change), and
reference_sources is left as it is (the copy builds).
"""

from __future__ import annotations

import duckdb

from tests.dbt.project_copy import copy_project_and_warehouse, edit_once, run_dbt_on_copy


def test_a_type_or_name_change_of_a_published_column_fails_the_contract(sample_home, tmp_path):
    project, warehouse = copy_project_and_warehouse(sample_home, tmp_path)
    marts = project / "models" / "marts" / "registry"
    edit_once(marts / "criterion_results.sql", "cast(points as double) as points", "points")
    edit_once(marts / "washing_flags.sql", "    reason,\n", "    reason as explanation,\n")

    proc, ran = run_dbt_on_copy(project, warehouse, tmp_path,
                                "run", "-s", "criterion_results", "washing_flags", "reference_sources")

    assert proc.returncode == 1, proc.stdout[-3000:]
    results = {uid.rsplit(".", 1)[1]: r for uid, r in ran.items()}
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
