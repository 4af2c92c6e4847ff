"""The exports run as jobs on two cursors: same bytes every time, heaviest job first, first error raised."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from sealreg.publish.jobs import Job, run_jobs
from sealreg.publish.release import build_release


def _big_tables(warehouse) -> None:
    """Three tables of several row groups each (122,880 rows), text that gzip compresses unevenly."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("CREATE OR REPLACE TABLE criterion_results AS SELECT "
                    "'svc-' || lpad(((i * 7919) % 400000)::VARCHAR, 6, '0') AS service_id, "
                    "'SOV-' || (i % 7) || '.' || (i % 5) AS criterion_id, 'SOV-' || (i % 7) AS objective, "
                    "(i % 4)::INTEGER AS rung, md5(i::VARCHAR) AS rung_label, (i % 9) / 4.0 AS points, "
                    "2.0 AS max_points, (i % 5)::INTEGER AS seal FROM range(400000) t(i)")
        con.execute("CREATE OR REPLACE TABLE cada_gates AS SELECT "
                    "'svc-' || lpad((i // 3)::VARCHAR, 6, '0') AS service_id, (i % 3)::INTEGER AS level, "
                    "'gate-' || ((i * 31) % 11) || '-' || (i % 3) AS gate, i % 2 = 0 AS passed, "
                    "(i % 13)::INTEGER AS gate_order, repeat(md5((i % 97)::VARCHAR), 1 + i % 3) AS detail "
                    "FROM range(300000) t(i)")
        con.execute("CREATE OR REPLACE TABLE objective_results AS SELECT "
                    "'svc-' || lpad(((i * 104729) % 260000)::VARCHAR, 6, '0') AS service_id, "
                    "'SOV-' || (i % 7) AS objective, (i % 1000) / 10.0 AS score_pct, (i % 5)::INTEGER AS seal, "
                    "((i + 1) % 5)::INTEGER AS seal_uncapped FROM range(260000) t(i)")
    finally:
        con.close()


def test_two_exports_of_a_large_warehouse_give_the_same_csv_and_parquet_bytes(ctx):
    """Tables of several row groups, copied and exported on two cursors side by side: no file's bytes depend
    on how the work was split (with `SET threads = 2` the csv.gz of criterion_results differs run to run)."""
    _big_tables(ctx.run_warehouse)
    a, b = build_release(ctx), build_release(ctx)
    for sub in ("csv", "parquet"):
        names = sorted(p.name for p in (a / sub).iterdir())
        assert names == sorted(p.name for p in (b / sub).iterdir()) and len(names) == 15
        for name in names:
            assert (a / sub / name).read_bytes() == (b / sub / name).read_bytes(), f"{sub}/{name}"
    con = duckdb.connect()
    try:
        rows = con.execute(f"SELECT service_id, criterion_id FROM read_csv('{a}/csv/criterion_results.csv.gz')"
                           ).fetchall()
        assert rows == sorted(rows) and len(rows) == 400000
    finally:
        con.close()


def _job(name: str, weight: int, log: list[str], then: list[Job] | None = None) -> Job:
    def run(_cur):
        log.append(name)
        return then
    return Job((weight,), run)


def test_the_heaviest_ready_job_runs_first_and_a_jobs_follow_ups_join_the_queue():
    log: list[str] = []
    con = duckdb.connect()
    try:
        run_jobs(con, [_job("small", 1, log), _job("big", 9, log, [_job("big-export", 5, log)]),
                       _job("mid", 3, log), _job("mid-too", 3, log)], workers=1)
    finally:
        con.close()
    assert log == ["big", "big-export", "mid", "mid-too", "small"]


def test_jobs_run_side_by_side_on_two_cursors():
    """Two jobs meet at a barrier: with one job at a time the barrier would time out."""
    barrier = threading.Barrier(2, timeout=10)
    cursors = []

    def run(cur):
        cursors.append(id(cur))
        cur.execute("SELECT 1").fetchall()
        barrier.wait()

    con = duckdb.connect()
    try:
        run_jobs(con, [Job((1,), run), Job((1,), run)], workers=2)
    finally:
        con.close()
    assert len(set(cursors)) == 2


def test_the_first_error_is_raised_and_no_job_starts_after_it():
    log: list[str] = []
    started = threading.Event()

    def slow(_cur):
        started.wait(10)
        time.sleep(0.2)  # still running when the other job fails
        log.append("slow done")

    def fail(_cur):
        started.set()
        raise RuntimeError("copy failed")

    con = duckdb.connect()
    try:
        with pytest.raises(RuntimeError, match="copy failed"):
            run_jobs(con, [Job((3,), slow), Job((2,), fail), _job("later", 1, log)], workers=2)
    finally:
        con.close()
    assert log == ["slow done"]


def test_a_copy_that_fails_while_other_jobs_run_publishes_nothing(ctx):
    """A warehouse mart whose rows fail to read (DuckDB's error() on every row) fails the build with that
    error once the other cursor's job ended; no release folder, hidden or not, is left."""
    _big_tables(ctx.run_warehouse)  # long jobs on the other cursor
    con = duckdb.connect(str(ctx.run_warehouse))
    try:
        con.execute("ALTER TABLE services RENAME TO services_t")
        con.execute("CREATE VIEW services AS SELECT * REPLACE (CASE WHEN service_id IS NOT NULL "
                    "THEN error('unreadable service ' || service_id) ELSE name END AS name) FROM services_t")
    finally:
        con.close()
    with pytest.raises(duckdb.Error, match="unreadable service"):
        build_release(ctx)
    assert list(ctx.paths.releases.iterdir()) == []


def test_tables_are_copied_one_at_a_time_largest_first_while_exports_run_beside(ctx, monkeypatch):
    """Two sorts at once would share the export memory limit and spill: the copies run one after the other,
    and the first table's exports start before the last copy is done."""
    from sealreg.publish import release

    _big_tables(ctx.run_warehouse)
    events: list[tuple[str, str]] = []
    lock = threading.Lock()
    copying = [0]
    most = [0]
    real_copy, real_statement = release._copy_table, release.statement

    def copy(cur, out_dir, table, *rest):
        with lock:
            copying[0] += 1
            most[0] = max(most[0], copying[0])
            events.append(("copy", table))
        try:
            return real_copy(cur, out_dir, table, *rest)
        finally:
            with lock:
                copying[0] -= 1
                events.append(("copied", table))

    def statement(sql):
        run = real_statement(sql)

        def logged(cur):
            with lock:
                events.append(("export", sql.split('"')[1]))
            run(cur)
        return logged

    monkeypatch.setattr(release, "_copy_table", copy)
    monkeypatch.setattr(release, "statement", statement)
    build_release(ctx)
    copied = [t for kind, t in events if kind == "copy"]
    assert most[0] == 1 and len(copied) == 15
    assert copied[:3] == ["criterion_results", "cada_gates", "objective_results"]
    assert events.index(("export", "criterion_results")) < events.index(("copied", copied[-1]))
