"""The raw and final gates on real DuckDB files with real GX: good data passes, corruptions fail by name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

RAW_TABLES = ("disclosures", "services", "answers", "ownership", "parents", "service_regions", "evidence",
              "certifications", "certification_services")


@pytest.fixture(scope="module")
def run_gate(gx_module):
    from expectations.runner import run_gate

    return run_gate


def _has(failures: list[str], *parts: str) -> bool:
    return any(all(p in f for p in parts) for f in failures)


def test_good_warehouse_passes_both_gates_and_writes_reports(run_gate, good_warehouse, tmp_path):
    validation = tmp_path / "validation"
    for layer in ("raw", "final"):
        result = run_gate(layer, good_warehouse, validation / layer)
        assert result.success, result.failures
        assert result.failures == []
        assert result.statistics["evaluated"] == result.statistics["successful"] > 20
        assert result.report_path == validation / layer / "index.html"
        assert result.report_path.is_file()
        page = result.report_path.read_text(encoding="utf-8")
        assert f"{layer}.services" in page
        assert page.count("<tr>") - page.count("<thead>") == result.statistics["evaluated"]  # one row each
        assert "Content-Security-Policy" in page and not re.search(r"""(src|href)=["']?(https?:)?//""", page)
        summary = json.loads((validation / layer / f"{layer}.json").read_text(encoding="utf-8"))
        assert summary["success"] is True and summary["layer"] == layer
        assert summary["statistics"] == result.statistics
    overview = (validation / "index.html").read_text(encoding="utf-8")
    assert 'href="raw/index.html"' in overview and 'href="final/index.html"' in overview


def test_gate_runs_twice_in_one_process_and_releases_the_file(run_gate, good_warehouse, tmp_path):
    first = run_gate("final", good_warehouse, tmp_path / "a" / "final")
    second = run_gate("final", good_warehouse, tmp_path / "b" / "final")
    assert first.success and second.success
    assert first.statistics == second.statistics
    duckdb.connect(str(good_warehouse)).close()  # no read-only handle left open


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        pytest.param(
            "update main.services set seal = 7 where service_id = 'alpha-compute'",
            ("final/services: expect_column_values_to_be_between(seal 0..4) failed: 1 unexpected value",
             "7 (service_id=alpha-compute)"),
            id="seal-7",
        ),
        pytest.param(
            "update main.services set open_source_status = 'undeclared' where service_id = 'alpha-compute'",
            ("final/open_source_declared: expect_column_values_to_be_null("
             "(open_source_status, declared) not an allowed pair)",
             "'undeclared, true' (service_id=alpha-compute)"),
            id="licence-published-but-undeclared",
        ),
        pytest.param(
            "insert into main.washing_flags values ('alpha-compute', 'W9-open-source', 'SOV-6', 2, 'x')",
            ("final/open_source_declared: expect_column_values_to_be_null("
             "(open_source_status, w9_flags) not an allowed pair)",
             "'open_source, 1' (service_id=alpha-compute)"),
            id="w9-on-an-open-source-service",
        ),
        pytest.param(
            "delete from main.criterion_results where service_id = 'alpha-store' and criterion_id = 'SOV-8.1'",
            ("final/rows_per_service: expect_column_values_to_be_between(n_criteria = 48) failed",
             "47 (service_id=alpha-store)"),
            id="47-criteria",
        ),
        pytest.param(
            ("insert into main.objective_results (service_id, objective, score_pct, seal, seal_uncapped) "
             "values ('ghost', 'SOV-1', 10.0, 1, 1)"),
            ("final/orphans: expect_column_values_to_be_null(orphan) failed",
             "'ghost' (child_table=objective_results)"),
            id="orphan-objective-row",
        ),
    ],
)
def test_final_corruption_fails_naming_the_expectation(run_gate, warehouse_with, tmp_path, sql, expected):
    result = run_gate("final", warehouse_with(sql), tmp_path / "final")
    assert not result.success
    assert _has(result.failures, *expected), result.failures
    assert result.statistics["unsuccessful"] >= 1
    assert result.report_path is not None and result.report_path.is_file()
    summary = json.loads((tmp_path / "final" / "final.json").read_text(encoding="utf-8"))
    assert summary["success"] is False and summary["failures"] == result.failures


FINAL_MORE = [
    ("update main.services set seal_own = 3 where service_id = 'beta-db'",
     ("final/seal_recomputed: expect_column_pair_values_to_be_equal(seal_own = min_objective_seal) failed",
      "(service_id=beta-db)")),
    ("insert into main.service_dependencies values ('alpha-compute', 'Hyper (US)', 'platform', 'Hyper Inc.', 'US', "
     "1, 'alpha-compute → Hyper (US)', null, null, 1, 1, true)",
     ("final/dependency_caps_applied: expect_column_pair_values_to_be_equal(seal = seal_recomputed) failed",
      "(service_id=alpha-compute)")),
    ("update main.objective_results set seal = 4, seal_uncapped = 3 "
     "where service_id = 'alpha-store' and objective = 'SOV-1'",
     ("final/objective_results: expect_column_pair_values_a_to_be_greater_than_b(seal_uncapped >= seal)",
      "service_id=alpha-store, objective=SOV-1")),
    ("update main.washing_flags set flag = 'W9-made-up'",
     ("final/washing_flags: expect_column_values_to_be_in_set(flag in {W1-control", "W9-made-up")),
    ("update main.service_history set valid_to = null",
     ("final/history_open_periods: expect_column_values_to_be_between(open_periods 0..1) failed",
      "2 (service_id=alpha-compute)")),
    ("update main.services set status = 'approved' where service_id = 'alpha-store'",
     ("final/services: expect_column_values_to_be_in_set(status in {listed", "'approved'")),
    ("update main.objective_results set score_pct = 101 where service_id = 'beta-db' and objective = 'SOV-2'",
     ("final/objective_results: expect_column_values_to_be_between(score_pct 0..100) failed",
      "101 (service_id=beta-db, objective=SOV-2)")),
    ("update main.services set ual = 3 where service_id = 'beta-db'",
     ("final/ual_vs_gates: expect_column_pair_values_a_to_be_greater_than_b(max_ual_by_gates >= ual)",
      "[1, 3] (service_id=beta-db)")),
    ("update main.objective_results set seal = 3 where service_id = 'alpha-compute' and objective = 'SOV-7'",
     ("final/caps_applied: expect_column_pair_values_a_to_be_greater_than_b(cap >= seal)",
      "[2, 3] (service_id=alpha-compute")),
    ("update main.services set flag_count = flag_count + 1 where service_id = 'beta-db'",
     ("final/flag_counts: expect_column_pair_values_to_be_equal(flag_count = flag_rows) failed",
      "[1, 0] (service_id=beta-db)")),
    ("insert into main.cada_gates (service_id, level, gate, passed) values ('ghost-2', 1, 'sbom', true)",
     ("final/orphans: expect_column_values_to_be_null(orphan)", "'ghost-2' (child_table=cada_gates)")),
    # after the W9-made-up update above, which rewrites every flag row
    ("insert into main.washing_flags values ('alpha-store', 'W8-dependency', 'SOV-1', 0, 'x')",
     ("final/washing_flags: expect_column_values_to_be_null((flag, objective) not an allowed pair)",
      "'W8-dependency, SOV-1' (service_id=alpha-store, flag=W8-dependency)")),
]


def test_more_final_corruptions_each_fail_by_name(run_gate, warehouse_with, tmp_path):
    """Independent corruptions on different rows in one warehouse (one gate run): each is reported."""
    result = run_gate("final", warehouse_with(";".join(sql for sql, _ in FINAL_MORE)), tmp_path / "final")
    assert not result.success
    missed = [expected for _, expected in FINAL_MORE if not _has(result.failures, *expected)]
    assert not missed, (missed, result.failures)


def test_missing_mart_fails_clearly_without_crashing(run_gate, warehouse_with, tmp_path):
    result = run_gate("final", warehouse_with("drop table main.changes; drop table main.cada_gates"), tmp_path / "f")
    assert not result.success
    assert _has(result.failures, "final/_tables: expect_column_values_to_be_null(missing_table)", "main.changes",
                "missing")
    assert set(result.skipped) == {"changes", "cada_gates", "ual_vs_gates", "orphans"}
    assert "main.cada_gates" in result.skipped["orphans"]
    assert result.report_path.is_file()


def test_missing_column_fails_clearly(run_gate, warehouse_with, tmp_path):
    result = run_gate("final", warehouse_with("alter table main.services drop column ual"), tmp_path / "f")
    assert not result.success
    assert _has(result.failures, "final/services: expect_table_columns_to_match_set", "missing columns ['ual']")
    assert _has(result.failures, "final/ual_vs_gates: frame could not be computed")


def test_missing_column_the_site_reads_fails_the_final_gate(run_gate, warehouse_with, tmp_path):
    """The site reads these columns without checking: the gate is what guarantees them."""
    sql = "alter table main.providers drop column website; alter table main.cada_gates drop column detail"
    result = run_gate("final", warehouse_with(sql), tmp_path / "f")
    assert not result.success
    assert _has(result.failures, "final/_columns: expect_column_values_to_be_null(missing_column)",
                "main.providers.website", "main.cada_gates.detail")


def test_tables_allowed_to_be_empty_pass_when_empty(run_gate, warehouse_with, tmp_path):
    sql = ("delete from main.washing_flags; update main.services set flag_count = 0; "
           "delete from main.decisions; delete from main.rejections; "
           "delete from main.changes; delete from main.certifications; delete from main.service_dependencies")
    result = run_gate("final", warehouse_with(sql), tmp_path / "f")
    assert result.success, result.failures


def test_revoked_service_whose_disclosure_left_is_exempt_from_per_service_rows(run_gate, warehouse_with, tmp_path):
    """dbt keeps a revoked service published after its disclosure left the inbox (disclosure_withdrawn)."""
    sql = ("insert into main.services (service_id, provider_id, name, model, sovereignty_score, seal, ual, status, "
           "status_reason, weights_version, evaluated_on, disclosure_withdrawn, open_source_status, seal_own, "
           "ual_own) values ('gone-svc', 'gone', 'Gone', 'SaaS', 40.0, 0, 0, 'revoked', 'revoked: test', "
           "'calculator-2026', date '2026-11-28', true, 'undeclared', 0, 0);"
           "insert into main.service_history values ('gone-svc', date '2026-11-01', null, 0, 0, 40.0, 'revoked')")
    result = run_gate("final", warehouse_with(sql), tmp_path / "f")
    assert result.success, result.failures


def test_empty_services_fail(run_gate, warehouse_with, tmp_path):
    result = run_gate("final", warehouse_with("delete from main.services"), tmp_path / "f")
    assert _has(result.failures, "final/services: expect_table_row_count_to_be_between(rows >= 1) failed: observed 0")


def test_raw_all_files_rejected_fails_with_no_accepted_disclosure(run_gate, warehouse_with, tmp_path):
    sql = "".join(f"delete from raw.{t};" for t in RAW_TABLES)
    sql += "update raw.input_files set status = 'rejected', disclosure_id = null;"
    result = run_gate("raw", warehouse_with(sql), tmp_path / "raw")
    assert not result.success
    assert _has(result.failures, "raw/disclosures: expect_table_row_count_to_be_between(rows >= 1)",
                "no accepted disclosure")


RAW_MORE = [
    ("delete from raw.answers where service_id = 'alpha-store' and criterion_id = 'SOV-2.1'",
     ("raw/answers_per_service: expect_column_values_to_be_between(n_answers = 48)",
      "47 (disclosure_id=alpha-2026-11-01, service_id=alpha-store)")),
    ("update raw.answers set rung = 5 where service_id = 'beta-db' and criterion_id = 'SOV-2.1'",
     ("raw/answers: expect_column_pair_values_a_to_be_greater_than_b(max_rung >= rung)",
      "[3, 5] (disclosure_id=beta-2026-10-01, service_id=beta-db, criterion_id=SOV-2.1)")),
    ("update raw.answers set criterion_id = 'SOV-9.9' where service_id = 'alpha-compute' and criterion_id = 'SOV-3.1'",
     ("raw/answers: expect_column_values_to_not_be_null(max_rung)",
      "(disclosure_id=alpha-2026-11-01, service_id=alpha-compute, criterion_id=SOV-9.9)")),
    ("update raw.answers set rung = 0 where service_id = 'beta-db' and criterion_id = 'SOV-1.1'",
     ("raw/answers: expect_column_values_to_be_between(rung 1..5)", "0 (disclosure_id=beta-2026-10-01")),
    ("update raw.disclosures set country = 'se' where provider_id = 'alpha'",
     ("raw/disclosures: expect_column_values_to_match_regex(country ~ ^[A-Z]{2}$)", "'se'")),
    ("update raw.ownership set capital_pct = 120 where disclosure_id = 'beta-2026-10-01'",
     ("raw/ownership: expect_column_values_to_be_between(capital_pct 0..100)", "120")),
    ("update raw.services set model = 'FaaS' where service_id = 'alpha-store'",
     ("raw/services: expect_column_values_to_be_in_set(model in {IaaS, PaaS, SaaS})", "'FaaS'")),
    ("insert into raw.disclosures select * from raw.disclosures where provider_id = 'beta'",
     ("raw/disclosures: expect_column_values_to_be_null(duplicated disclosure_id)", "'beta-2026-10-01'")),
    ("update raw.answers set disclosure_id = null where criterion_id = 'SOV-1.2' and service_id = 'beta-db'",
     ("raw/answers: expect_column_values_to_not_be_null(disclosure_id)",)),
    ("insert into raw.service_regions values ('alpha-2026-11-01', 'alpha-ghost', 0, 'SE')",
     ("raw/orphans: expect_column_values_to_be_null(orphan)", "'alpha-2026-11-01/alpha-ghost'")),
]


def test_raw_corruptions_each_fail_by_name(run_gate, warehouse_with, tmp_path):
    """Independent corruptions on different rows in one warehouse (one gate run): each is reported."""
    result = run_gate("raw", warehouse_with(";".join(sql for sql, _ in RAW_MORE)), tmp_path / "raw")
    assert not result.success
    missed = [expected for _, expected in RAW_MORE if not _has(result.failures, *expected)]
    assert not missed, (missed, result.failures)


def test_unreadable_warehouse_is_a_failed_gate(run_gate, tmp_path):
    result = run_gate("final", tmp_path / "nope.duckdb", tmp_path / "final")
    assert not result.success
    assert "does not exist" in result.failures[0]
    assert result.report_path is None
    assert json.loads((tmp_path / "final" / "final.json").read_text())["success"] is False


def test_unknown_layer_is_a_usage_error(run_gate, good_warehouse, tmp_path):
    with pytest.raises(ValueError, match="unknown layer"):
        run_gate("intermediate", good_warehouse, tmp_path)


def test_gx_import_time_is_recorded(gx_module):
    assert gx_module.import_seconds >= 0
    assert Path(gx_module.__file__).is_file()


def test_answers_per_service_counts_distinct_criteria_known_or_not(warehouse_with):
    """n_criteria is each service's count(distinct criterion_id), whether the ids are in the rulebook or not."""
    from expectations.frames import load_frames
    from expectations.suites import frames_of

    wh = warehouse_with(
        "update raw.answers set criterion_id = 'SOV-9.9' where service_id = 'alpha-compute' "
        "and criterion_id in ('SOV-3.1', 'SOV-3.2');"
        "update raw.answers set criterion_id = 'SOV-9.8' where service_id = 'beta-db' and criterion_id = 'SOV-1.1';"
        "update raw.answers set criterion_id = 'SOV-1.2' where service_id = 'alpha-store' and criterion_id = 'SOV-1.3';"
        "update raw.answers set criterion_id = null where service_id = 'alpha-store' and criterion_id = 'SOV-2.1';"
        "insert into raw.answers select * replace ('x' as criterion_id) from raw.answers "
        "where service_id = 'beta-db' and criterion_id = 'SOV-8.1'")
    frame = load_frames("raw", frames_of("raw"), wh).frames["answers_per_service"]
    got = {(r.disclosure_id, r.service_id): (r.n_answers, r.n_criteria) for r in frame.itertuples()}
    with duckdb.connect(str(wh), read_only=True) as con:
        expected = {(d, s): (n, k) for d, s, n, k in con.sql(
            "select s.disclosure_id, s.service_id, count(a.criterion_id), count(distinct a.criterion_id) "
            "from raw.services s left join raw.answers a using (disclosure_id, service_id) group by all").fetchall()}
    assert got == expected
    assert sorted((k[1], n) for k, (_, n) in got.items() if n != 48) == [
        ("alpha-compute", 47), ("alpha-store", 46), ("beta-db", 49)]
