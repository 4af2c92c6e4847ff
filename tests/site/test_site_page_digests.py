"""A page is linked unrendered only when its input digest is unchanged, so the digest must cover everything
the page is built from: the three long tables are built in DuckDB from rows the digest reads, and a value
DuckDB holds equal while it prints apart (-0.0 and 0.0, NaN and -NaN) still gives another digest."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from sealreg.publish.site import fragments, inputs
from sealreg.publish.site.data import TABLES

SERVICE = "nimbus-compute"


def _digests(release: Path) -> tuple[dict[str, str], str]:
    con = duckdb.connect(str(release / "registry.duckdb"), read_only=True)
    try:
        fragments.prepare(con)
        ids = [sid for (sid,) in con.execute("select service_id from services order by all").fetchall()]
        return inputs.row_digests(con, ids), inputs.release_digest(con)
    finally:
        con.close()


def _update(release: Path, sql: str, params: list) -> None:
    con = duckdb.connect(str(release / "registry.duckdb"))
    try:
        con.execute(sql, params)
    finally:
        con.close()


def test_the_long_tables_read_no_column_their_digest_leaves_out(sample_home):
    """Built from a copy of a real release whose three tables hold only the digested columns (`data.TABLES`),
    the fragments are the same: a column the query read beyond those would fail to bind, or change them."""
    release = (sample_home / "current").resolve()
    full = duckdb.connect(str(release / "registry.duckdb"), read_only=True)
    narrow = duckdb.connect()
    try:
        narrow.execute(f"attach '{release / 'registry.duckdb'}' as src (read_only)")
        for (name,) in full.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall():
            listed = ", ".join(f'"{c}"' for c in TABLES[name]) if name in fragments.SOURCE_TABLES else "*"
            narrow.execute(f'create table main."{name}" as select {listed} from src.main."{name}"')
        extra = {name: set(c for (c,) in full.execute(
            "select column_name from duckdb_columns() where table_name = ?", [name]).fetchall()) - set(TABLES[name])
            for name in fragments.SOURCE_TABLES}
        assert any(extra.values())  # the release holds columns the pages do not read: the check is not empty
        ids = [sid for (sid,) in full.execute("select service_id from main.services order by all").fetchall()]
        fragments.prepare(full)
        fragments.prepare(narrow)
        assert fragments.fragments(narrow, ids) == fragments.fragments(full, ids) != {}
    finally:
        full.close()
        narrow.close()


@pytest.mark.parametrize(("before", "after"), [(0.0, -0.0), (float("nan"), -float("nan")), (2.0, 2.5)])
def test_a_float_that_prints_otherwise_changes_the_digest(release, before, after):
    rewrite = ("create or replace table objective_results as select * replace (case when service_id = ? then ? "
               "else score_pct end as score_pct) from objective_results")  # an UPDATE keeps 0.0 for -0.0
    _update(release, rewrite, [SERVICE, before])
    first, _ = _digests(release)
    _update(release, rewrite, [SERVICE, after])
    second, _ = _digests(release)
    assert first[SERVICE] != second[SERVICE]
    assert {k: v for k, v in first.items() if k != SERVICE} == {k: v for k, v in second.items() if k != SERVICE}


def test_equal_rows_give_equal_digests_whatever_their_order_and_another_row_another_digest(release):
    first, tables = _digests(release)
    _update(release, "create or replace table criterion_results as select * from criterion_results "
                     "order by criterion_id desc, service_id", [])
    assert _digests(release) == (first, tables)
    _update(release, "insert into criterion_results select * from criterion_results where service_id = ? limit 1",
            [SERVICE])  # the same row twice is another page (48 rows shown, not 47)
    second, _ = _digests(release)
    assert second[SERVICE] != first[SERVICE]


def test_a_usual_criterion_word_moving_changes_every_service_page_digest(release):
    """A row equal to the release's usual title, label or most points leaves it out: when the usual value
    moves, every service's fragments may change although its own rows did not."""
    _, tables = _digests(release)
    _update(release, "update criterion_results set max_points = max_points + 1", [])
    _update(release, "update criterion_results set max_points = max_points - 1 where service_id = ?", [SERVICE])
    _, moved = _digests(release)
    assert moved != tables


def test_a_service_page_shows_its_own_float_and_not_an_equal_one_of_another_service(release):
    """The criteria rows are rendered once per distinct value; -0.0 and 0.0 are one value to DuckDB's DISTINCT
    but print apart, so a page built beside another service's equal row must still show its own (its digest
    holds only its own rows: another service's row must not change its bytes)."""
    con = duckdb.connect(str(release / "registry.duckdb"))
    try:
        (other,) = con.execute("select min(service_id) from services where service_id <> ?", [SERVICE]).fetchone()
        con.execute("delete from criterion_results where service_id = ?", [other])
        con.execute("insert into criterion_results select * replace (? as service_id) from criterion_results "
                    "where service_id = ?", [other, SERVICE])  # `other` gets SERVICE's criterion rows
        con.execute("create or replace table criterion_results as select * replace (case service_id when ? then ? "
                    "when ? then ? else points end as points) from criterion_results", [SERVICE, -0.0, other, 0.0])
        fragments.prepare(con)
        alone = {sid: fragments.fragments(con, [sid])[sid] for sid in (SERVICE, other)}
        together = fragments.fragments(con, [SERVICE, other])
    finally:
        con.close()
    assert "<td>-0<td>" in alone[SERVICE][1] and "<td>-0<td>" not in alone[other][1]
    assert together == alone


def test_a_row_whose_most_points_print_apart_from_the_usual_ones_shows_its_own(release):
    """A row equal to the release's usual most points (`site_maxima`) leaves them out; -0.0 is equal to 0.0 for
    DuckDB but prints apart, so a row holding -0.0 where the usual is 0.0 shows its own, and the usual value is
    the one most rows print (never whichever of -0.0 and 0.0 DuckDB's grouping kept)."""
    con = duckdb.connect(str(release / "registry.duckdb"))
    try:
        (criterion,) = con.execute("select min(criterion_id) from criterion_results where service_id = ?",
                                   [SERVICE]).fetchone()
        con.execute("create or replace table criterion_results as select * replace (case when criterion_id <> ? "
                    "then max_points when service_id = ? then ? else ? end as max_points) from criterion_results",
                    [criterion, SERVICE, -0.0, 0.0])  # an UPDATE keeps 0.0 for -0.0
        fragments.prepare(con)
        (shown,) = con.execute("select shown from site_maxima where criterion_id = ?", [criterion]).fetchone()
        own = fragments.fragments(con, [SERVICE])[SERVICE][1]
    finally:
        con.close()
    assert shown == "0"
    row = next(r for r in own.split("<tr>") if r.startswith(f"<th>{criterion}"))
    assert " / -0<td>" in row, row
