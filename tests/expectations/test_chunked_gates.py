"""The gates validate every frame in bounded chunks and compute uniqueness and allowed pairs in DuckDB:
the same corruptions fail with the same sentences, also when a duplicate or a bad row sits in another chunk."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from expectations import frames as frames_mod
from expectations.frames import fetch_chunks
from tests.expectations.test_gate_footprint import FINAL_FIRST
from tests.expectations.test_gates import FINAL_MORE, RAW_MORE


@pytest.fixture(scope="module")
def run_gate(gx_module):
    from expectations.runner import run_gate

    return run_gate


def _has(failures: list[str], *parts: str) -> bool:
    return any(all(p in f for p in parts) for f in failures)


def test_fetch_chunks_bounds_every_chunk_and_yields_an_empty_frame_for_no_rows():
    con = duckdb.connect()
    sizes = [len(df) for df in fetch_chunks(con, "select range as n, 'x' as s from range(10)", chunk_rows=3)]
    assert sizes == [3, 3, 3, 1]
    (empty,) = list(fetch_chunks(con, "select range as n from range(0)", chunk_rows=3))
    assert list(empty.columns) == ["n"] and len(empty) == 0
    whole = next(fetch_chunks(con, "select range::integer as n from range(5)"))
    assert whole["n"].dtype == "int64" and len(whole) == 5


def test_an_in_order_read_runs_on_examples_threads_and_restores_the_setting():
    con = duckdb.connect(config={"threads": 2})
    threads = []
    for _chunk in fetch_chunks(con, "select range as n from range(10)", chunk_rows=4, in_order=True):
        threads.append(con.cursor().execute("select current_setting('threads')").fetchall()[0][0])
    assert threads == [frames_mod.EXAMPLES_THREADS] * 3
    assert con.execute("select current_setting('threads')").fetchall() == [(2,)]
    next(fetch_chunks(con, "select 1 as n"))
    assert con.execute("select current_setting('threads')").fetchall() == [(2,)]


def test_the_examples_are_read_in_order(gx_module):
    from expectations.checks import Frame, not_null
    from expectations.gx_run import GateValidator

    reads = []

    def read(in_order=False):
        reads.append(in_order)
        return [pd.DataFrame({"a": [1, None, 3]})]

    frame = Frame(name="f", sql="", depends_on=(), checks=(not_null("a", "rule"),))
    outcome = GateValidator("t").validate(frame, read)
    assert reads == [False, True] and not outcome.results[0]["success"]


@pytest.mark.parametrize("layer,cases", [("final", FINAL_FIRST), ("final", FINAL_MORE), ("raw", RAW_MORE)])
def test_small_chunks_catch_the_same_corruptions_with_the_same_sentences(run_gate, warehouse_with, tmp_path,
                                                                           monkeypatch, layer, cases):
    wh = warehouse_with(";".join(sql for sql, _ in cases))
    whole = run_gate(layer, wh, tmp_path / "whole" / layer)
    # 97 rows a chunk: every big sample table is split at arbitrary rows. Uniqueness and allowed pairs are
    # computed by DuckDB over the whole table before it is chunked, so no boundary can hide a duplicate.
    monkeypatch.setattr(frames_mod, "CHUNK_ROWS", 97)
    chunked = run_gate(layer, wh, tmp_path / "chunked" / layer)
    assert not chunked.success
    missed = [expected for _, expected in cases if not _has(chunked.failures, *expected)]
    assert not missed, (missed, chunked.failures)
    assert chunked.failures == whole.failures
    assert chunked.statistics == whole.statistics


def test_chunked_good_warehouse_passes_and_empty_table_still_fails_its_row_count(run_gate, good_warehouse,
                                                                                   warehouse_with, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.setattr(frames_mod, "CHUNK_ROWS", 500)  # several chunks for the criteria and answers
    for layer in ("raw", "final"):
        result = run_gate(layer, good_warehouse, tmp_path / layer)
        assert result.success, result.failures
    result = run_gate("final", warehouse_with("delete from main.services"), tmp_path / "empty")
    assert _has(result.failures, "final/services: expect_table_row_count_to_be_between(rows >= 1) failed: observed 0")


def test_allowed_pairs_compare_nulls_and_ignore_rows_where_both_are_null(run_gate, warehouse_with, tmp_path):
    """(third_country_control, control_evidence): (false, null) is allowed, (true, null) is not; a row with both
    null is left to the not-null checks, as GX's pair check did."""
    sql = ("update main.providers set control_evidence = null where provider_id = 'alpha';"
           "update main.providers set third_country_control = true where provider_id = 'alpha';"
           "update main.providers set control_evidence = null, third_country_control = null "
           "where provider_id = 'beta'")
    result = run_gate("final", warehouse_with(sql), tmp_path / "final")
    pair = [f for f in result.failures if "(third_country_control, control_evidence) not an allowed pair" in f]
    assert len(pair) == 1 and "1 unexpected value" in pair[0] and "'true, null' (provider_id=alpha)" in pair[0], pair
    assert _has(result.failures, "final/providers: expect_column_values_to_not_be_null(third_country_control)",
                "provider_id=beta")


def test_compound_key_duplicate_with_a_null_part_is_caught(run_gate, warehouse_with, tmp_path):
    """Nulls compare equal inside a compound key (as in GX's compound-uniqueness check)."""
    sql = ("update raw.ownership set position = null where disclosure_id = 'beta-2026-10-01';"
           "insert into raw.ownership select * from raw.ownership where disclosure_id = 'beta-2026-10-01'")
    result = run_gate("raw", warehouse_with(sql), tmp_path / "raw")
    assert _has(result.failures, "raw/ownership: expect_column_values_to_be_null(duplicated (disclosure_id, position))",
                "'beta-2026-10-01, null'"), result.failures
