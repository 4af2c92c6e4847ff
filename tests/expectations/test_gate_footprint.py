"""The gates' memory/time measures keep every check: projected columns, 64-bit dtypes, frames released,
GX's per-expectation work cached within a validation."""

from __future__ import annotations

import datetime as dt
import gc
import weakref

import numpy as np
import pandas as pd
import pytest

from expectations.frames import (
    SEEDS_DIR,
    catalog_of,
    fetch_df,
    frame_sql,
    load_frames,
    missing_tables,
    open_read_only,
)
from expectations.suites import frames_of

FINAL_FIRST = [
    ("update main.services set seal = 7 where service_id = 'alpha-compute'",
     ("final/services: expect_column_values_to_be_between(seal 0..4) failed: 1 unexpected value",
      "7 (service_id=alpha-compute)")),
    ("update main.services set status = 'hidden' where service_id = 'beta-db'",
     ("final/services: expect_column_values_to_be_in_set(status", "'hidden' (service_id=beta-db)")),
    ("delete from main.criterion_results where service_id = 'alpha-store' and criterion_id = 'SOV-8.1'",
     ("final/rows_per_service: expect_column_values_to_be_between(n_criteria = 48) failed",
      "47 (service_id=alpha-store)")),
    (("insert into main.objective_results (service_id, objective, score_pct, seal, seal_uncapped) "
     "values ('ghost', 'SOV-1', 10.0, 1, 1)"),
     ("final/orphans: expect_column_values_to_be_null(orphan) failed", "'ghost' (child_table=objective_results)")),
]


@pytest.fixture(scope="module")
def run_gate(gx_module):
    from expectations.runner import run_gate

    return run_gate


def _has(failures: list[str], *parts: str) -> bool:
    return any(all(p in f for p in parts) for f in failures)


def test_table_frames_read_only_contract_checked_and_key_columns(warehouse_with):
    wh = warehouse_with("update main.criterion_results set title = 'a long title', evidence_note = 'note'")
    loaded = load_frames("final", frames_of("final"), wh)
    assert list(loaded.frames["criterion_results"].columns) == [
        "service_id", "criterion_id", "rung", "points", "max_points", "seal"]
    assert "reason" in loaded.frames["washing_flags"].columns  # a checked column outside the keys
    assert not loaded.errors


def test_compact_dtypes_int64_and_float64_strings_arrow_backed(good_warehouse):
    loaded = load_frames("final", frames_of("final"), good_warehouse)
    crit = loaded.frames["criterion_results"]
    assert crit["rung"].dtype == "int64" and crit["seal"].dtype == "int64"  # GX's vectorized between
    assert not isinstance(crit["service_id"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_string_dtype(crit["service_id"].dtype)
    assert loaded.frames["services"]["ual"].dtype == "int64"


def test_each_frame_is_released_once_validated(gx_module):
    from expectations.checks import Frame, not_null
    from expectations.gx_run import validate_frames

    data = {f"f{i}": pd.DataFrame({"a": range(1000)}) for i in range(3)}
    refs = [weakref.ref(df) for df in data.values()]
    frames = [Frame(name=name, sql="", depends_on=(), checks=(not_null("a", "rule"),)) for name in data]
    outcomes = validate_frames("t", frames, data)
    gc.collect()
    assert [o.statistics["successful_expectations"] for o in outcomes] == [1, 1, 1]
    assert data == {} and all(ref() is None for ref in refs), "GX still holds a validated frame"


def test_only_the_failing_checks_are_evaluated_again_for_their_examples(run_gate, warehouse_with, tmp_path,
                                                                       monkeypatch):
    from expectations import gx_run

    runs: list[tuple[str, str, int]] = []
    original = gx_run.GateValidator._run

    def recorded(self, frame, suite, chunks, result_format):
        runs.append((frame.name, result_format, len(suite.expectations)))
        return original(self, frame, suite, chunks, result_format)

    monkeypatch.setattr(gx_run.GateValidator, "_run", recorded)
    wh = warehouse_with("update main.services set seal = 7 where service_id = 'alpha-compute'")
    result = run_gate("final", wh, tmp_path / "final")
    # the counts pass covers every check of every frame; only the one failing check of `services` runs again
    assert [r for r in runs if r[1] == gx_run.COUNTS_FORMAT] == [
        (f.name, gx_run.COUNTS_FORMAT, len(f.checks)) for f in frames_of("final")]
    again = [r for r in runs if r[1] == gx_run.EXAMPLES_FORMAT]
    assert [name for name, _, _ in again] == ["services", "dependency_caps_applied"]
    assert all(n <= 2 for _, _, n in again)
    assert _has(result.failures, "final/services: expect_column_values_to_be_between(seal 0..4) failed: "
                "1 unexpected value, e.g. [7 (service_id=alpha-compute)]")
    assert result.statistics["evaluated"] == sum(len(f.checks) for f in frames_of("final"))


def test_an_expectation_builds_its_configuration_once_only_inside_the_block(gx_module):
    from great_expectations.expectations import ExpectColumnValuesToNotBeNull

    from expectations import gx_run

    gx_run.tune_gx()
    expectation = ExpectColumnValuesToNotBeNull(column="a")
    assert expectation.configuration is not expectation.configuration  # GX's own behaviour outside
    with gx_run.configurations_built_once():
        first = expectation.configuration
        assert expectation.configuration is first
        assert first.to_json_dict() == ExpectColumnValuesToNotBeNull(column="a").configuration.to_json_dict()
    assert gx_run._configurations is None and expectation.configuration is not first


def test_a_configuration_builds_its_expectation_object_once_only_inside_the_block(gx_module):
    from great_expectations.expectations import ExpectColumnValuesToBeBetween

    from expectations import gx_run

    gx_run.tune_gx()
    configuration = ExpectColumnValuesToBeBetween(column="a", min_value=0, max_value=4, meta={"check": 3}).configuration
    assert configuration.to_domain_obj() is not configuration.to_domain_obj()  # GX's own behaviour outside
    with gx_run.configurations_built_once():
        first = configuration.to_domain_obj()
        assert configuration.to_domain_obj() is first
        assert first.configuration.to_json_dict() == configuration.to_json_dict()
    assert configuration.to_domain_obj() is not first


def test_configurations_built_once_report_what_fresh_ones_report(run_gate, warehouse_with, tmp_path, monkeypatch):
    import contextlib
    import json

    from expectations import gx_run

    wh = warehouse_with(";".join(sql for sql, _ in FINAL_FIRST))
    once = run_gate("final", wh, tmp_path / "once" / "final")
    monkeypatch.setattr(gx_run, "configurations_built_once", contextlib.nullcontext)
    fresh = run_gate("final", wh, tmp_path / "fresh" / "final")
    assert not once.success and once.failures == fresh.failures
    frames = [json.loads(r.summary_path.read_text(encoding="utf-8"))["frames"] for r in (once, fresh)]
    assert frames[0] == frames[1]


@pytest.mark.parametrize("kwargs", [
    {"column": "a", "batch_id": "b"},
    {"column": "a", "value_set": ["x", "y", None], "mostly": 1.0, "parse_strings_as_datetimes": False},
    {"column": "a", "min_value": 0, "max_value": 4.5, "strict_min": True},
    {"column_list": ("a", "b"), "ignore_row_if": "all_values_are_missing", "result_format": {"result_format": "BASIC"}},
    {"column": "a", "min_value": float("nan"), "max_value": float("inf")},  # NaN: GX turns it into None
    {"column": "a", "value_set": {2, 1}, "n": np.int64(3), "when": dt.date(2026, 1, 2)},  # not plain: GX's own path
    {"nested": {"k": [1, (2, 3), {"x": None}]}, "other": "v"},
])
def test_metric_ids_with_plain_kwargs_are_those_gx_computes(gx_module, kwargs):
    from great_expectations.core import id_dict
    from great_expectations.util import convert_to_json_serializable

    from expectations import gx_run

    gx_run.tune_gx()
    assert id_dict.convert_to_json_serializable is not convert_to_json_serializable
    tuned = id_dict.IDDict(kwargs).to_id()
    gx_run.tune_gx()  # idempotent: not wrapped twice
    assert id_dict.convert_to_json_serializable.__closure__[0].cell_contents is convert_to_json_serializable
    try:
        id_dict.convert_to_json_serializable = convert_to_json_serializable
        assert tuned == id_dict.IDDict(kwargs).to_id()
    finally:
        id_dict.convert_to_json_serializable = gx_run._plain_as_is(convert_to_json_serializable)


def test_plain_json_is_exactly_what_gx_passes_through():
    from expectations.gx_run import is_plain_json

    assert is_plain_json({"a": [1, 2.5, None, True, ("x",)], "b": {"c": "d"}})
    assert not is_plain_json({"a": float("nan")})
    assert not is_plain_json({1: "a"})  # GX turns keys into strings
    assert not is_plain_json({"a": {1, 2}})  # a set: GX lists it in iteration order
    assert not is_plain_json({"a": np.int64(1)})


def test_derived_frames_are_ordered_only_for_the_read_that_gives_a_failure_its_examples(
        run_gate, warehouse_with, tmp_path, monkeypatch):
    """No check depends on the order of rows: the counts read of a derived frame is unordered, the examples read
    (a failing check's) has the frame's ORDER BY, so a failure shows the examples in key order as before."""
    from expectations import runner

    reads: list[tuple[str, bool]] = []
    fetch = runner.fetch_chunks

    def recorded(con, sql, chunk_rows=None, in_order=False):
        reads.append((sql, in_order))
        return fetch(con, sql, chunk_rows, in_order=in_order)

    monkeypatch.setattr(runner, "fetch_chunks", recorded)
    wh = warehouse_with("update main.objective_results set seal_uncapped = 4 - seal_uncapped")
    result = run_gate("final", wh, tmp_path / "final")
    con = open_read_only("final", wh)
    catalog = catalog_of(con)
    con.close()
    first = [sql for sql, in_order in reads if not in_order]
    again = [sql for sql, in_order in reads if in_order]
    assert len(first) == len(frames_of("final"))
    ordered = {f.name: f for f in frames_of("final") if f.order_by}
    assert len(ordered) >= 10
    for frame in ordered.values():
        plain = frame_sql(frame, catalog, SEEDS_DIR)
        assert plain in first and f"order by {frame.order_by}" not in plain
        assert f"order by {frame.order_by}" in frame_sql(frame, catalog, SEEDS_DIR, ordered=True)
    assert frame_sql(ordered["objective_recomputed"], catalog, SEEDS_DIR, ordered=True) in again
    sentence = next(f for f in result.failures if f.startswith("final/objective_recomputed:"))
    keys = [m.split("=")[1].split(",")[0] for m in sentence.split("(service_id")[1:]]
    assert keys and keys == sorted(keys), sentence


@pytest.mark.parametrize("layer", ["raw", "final"])
def test_a_derived_frame_holds_the_same_rows_ordered_or_not(good_warehouse, layer):
    con = open_read_only(layer, good_warehouse)
    try:
        catalog = catalog_of(con)
        for frame in frames_of(layer):
            if not frame.order_by or missing_tables(frame, catalog):
                continue
            ordered = fetch_df(con, frame_sql(frame, catalog, SEEDS_DIR, ordered=True))
            plain = fetch_df(con, frame_sql(frame, catalog, SEEDS_DIR))
            assert len(ordered) > 0, frame.name
            keys = [k for k in frame.keys if k in ordered.columns]
            assert ordered.equals(ordered.sort_values(keys, kind="stable").reset_index(drop=True)), frame.name
            pd.testing.assert_frame_equal(plain.sort_values(keys).reset_index(drop=True),
                                          ordered.sort_values(keys).reset_index(drop=True))
    finally:
        con.close()
