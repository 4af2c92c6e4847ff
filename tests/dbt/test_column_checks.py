"""A planted violation of each kind of check still fails the build, naming the model, the column and the value.

The marts' range and vocabulary checks are `check` constraints of their enforced contracts (DuckDB refuses
the insert; macros/contract_checks.sql makes the error name what broke it); the seeds' and intermediate
models' checks are one `column_checks` data test per model (tests/generic/column_checks.sql). Two dbt builds (a
failing seed test would skip the marts) plant a violation of each kind on copies of the project and of the
sample home's warehouse, and a duplicated key of marts whose key is a test
(tests/generic/unique_combination_of_columns.sql) or a primary-key constraint: dbt is the only place these keys
are checked (the final gate does not check them again), so a failing build stops the run before the gate and
the publish.
"""

from __future__ import annotations

import duckdb

from tests.dbt.project_copy import copy_project_and_warehouse, edit_once, run_dbt_on_copy


def _rows(con, table: str) -> list:
    return con.execute(f"select * from main.{table} order by all").fetchall()


def test_a_planted_violation_of_each_kind_fails_the_build_and_names_it(sample_home, tmp_path):
    project, warehouse = copy_project_and_warehouse(sample_home, tmp_path)
    marts = project / "models" / "marts" / "registry"
    edit_once(marts / "providers.sql", "    control.chain_depth,\n", "    control.chain_depth + 40 as chain_depth,\n")
    edit_once(marts / "source_freshness.sql", "        else 'fresh'\n", "        else 'current'\n")
    edit_once(marts / "washing_flags.sql", "    objective,\n", "    cast(null as varchar) as objective,\n")
    # one key of objective_results twice (its key test stands for a primary key)
    edit_once(marts / "objective_results.sql", "from {{ ref('int_objectives__capped') }}",
              "from (select * from {{ ref('int_objectives__capped') }} union all\n"
              "      (select * from {{ ref('int_objectives__capped') }} order by service_id, objective limit 1))")
    # one key of criterion_results twice (a key test) and one of reference_sources (its primary key)
    edit_once(marts / "criterion_results.sql", "from {{ ref('int_criteria__scored') }}",
              "from (select * from {{ ref('int_criteria__scored') }} union all\n"
              "      (select * from {{ ref('int_criteria__scored') }} order by service_id, criterion_id limit 1))")
    edit_once(marts / "reference_sources.sql", "from {{ ref('stg_raw__ref_sources') }}",
              "from (select * from {{ ref('stg_raw__ref_sources') }} union all\n"
              "      (select * from {{ ref('stg_raw__ref_sources') }} order by source, file_sha256 limit 1))")
    seeds = project / "seeds"
    lines = (seeds / "spdx_licenses.csv").read_text().splitlines(keepends=True)
    # the first licence twice (a duplicated key) and one without a list version
    (seeds / "spdx_licenses.csv").write_text(lines[0] + lines[1] + "".join(lines[1:]) + "Zz-1.0,Zz,true,false,\n")
    # the first rung of SOV-1.1 in an objective that does not exist, at rung 11
    edit_once(seeds / "csf_criteria.csv", "SOV-1.1,SOV-1,Strategic,1,Ultimate decision authority in EU/EEA,1,",
              "SOV-1.1,SOV-9,Strategic,1,Ultimate decision authority in EU/EEA,11,")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        before = {t: _rows(con, t) for t in ("providers", "source_freshness", "washing_flags", "reference_sources")}
    finally:
        con.close()

    proc, results = run_dbt_on_copy(project, warehouse, tmp_path, "build", "--exclude", "test_type:unit",
                                    "-s", "providers", "source_freshness", "washing_flags", "objective_results",
                                    "criterion_results", "reference_sources")
    assert proc.returncode == 1, proc.stdout[-3000:]
    for mart in ("objective_results", "criterion_results"):
        key_test = next(r for uid, r in results.items()
                        if uid.startswith(f"test.sealreg.unique_combination_of_columns_{mart}_"))
        assert (key_test["status"], key_test["failures"]) == ("fail", 1), key_test
    by_name = {uid.split(".")[2]: r for uid, r in results.items() if uid.startswith("model.")}
    expected = {
        "providers": "providers.chain_depth = 4",  # 40 or more: every planted depth is out of 0..32
        "source_freshness": "source_freshness.freshness = current: breaks check freshness in ('fresh', 'stale',",
        "washing_flags": "washing_flags.objective = null: breaks check flag = 'W8-dependency' or objective is not null",
    }
    for model, words in expected.items():  # a refused insert leaves the published table as it was (below)
        assert by_name[model]["status"] == "error", by_name[model]
        assert words in by_name[model]["message"], by_name[model]["message"]
    assert "breaks check chain_depth between 0 and 32" in by_name["providers"]["message"]
    # DuckDB refuses the duplicated primary key when the table is written
    assert by_name["reference_sources"]["status"] == "error", by_name["reference_sources"]
    assert "PRIMARY KEY or UNIQUE constraint violation: duplicate key" in by_name["reference_sources"]["message"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert {t: _rows(con, t) for t in before} == before
    finally:
        con.close()

    proc, results = run_dbt_on_copy(project, warehouse, tmp_path, "build", "--exclude", "test_type:unit",
                                    "-s", "spdx_licenses", "csf_criteria", "int_services__open_source_checked")
    assert proc.returncode == 1, proc.stdout[-3000:]
    tests = {seed: r for uid, r in results.items() for seed in ("spdx_licenses", "csf_criteria")
             if uid.startswith(f"test.sealreg.column_checks_{seed}_")}
    assert len(tests) == 2 and {r["status"] for r in tests.values()} == {"error"}, tests
    first = lines[1].split(",", 1)[0]
    assert (f"spdx_licenses breaks its column checks (2): (license_id) = ({first}): breaks unique, 2 rows; "
            "list_version = null: breaks not_null") in tests["spdx_licenses"]["message"], tests["spdx_licenses"]
    assert ("csf_criteria breaks its column checks (2): objective = SOV-9: breaks accepted_values 'SOV-1', "
            "'SOV-2', 'SOV-3', 'SOV-4', 'SOV-5', 'SOV-6', 'SOV-7', 'SOV-8'; rung = 11: breaks accepted_range [1, 10]"
            ) in tests["csf_criteria"]["message"], tests["csf_criteria"]
    # a failing seed test skips what reads the seed
    assert results["model.sealreg.int_services__open_source_checked"]["status"] == "skipped"
