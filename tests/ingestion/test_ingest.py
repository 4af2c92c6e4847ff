"""run_ingest against a real DuckDB file: loads, quarantine, raw layout, decisions, baseline copy."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pytest

from expectations.scope import CHECKED_TABLE, read_digests, record_checked
from ingestion.ingest import run_ingest
from ingestion.load import RAW_TABLES
from ingestion.quarantine import quarantine, quarantine_name
from ingestion.rulebook import MAX_FILE_BYTES

DECISION = {"decision_id": "dec-1", "seq": 1, "service_id": "alpha-s0", "action": "suspend", "reason": "audit",
            "decided_by": "regulator", "decided_at": dt.datetime(2026, 11, 2, 9, 30), "prev_hash": "0" * 64,
            "hash": "a" * 64}


def _digests(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return read_digests(con)
    finally:
        con.close()


def _query(ctx, sql: str) -> list[tuple]:
    con = duckdb.connect(str(ctx.run_warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _count(ctx, table: str) -> int:
    return _query(ctx, f"SELECT count(*) FROM raw.{table}")[0][0]


def _inbox(ctx, factory) -> None:
    factory.write(ctx.inbox, "alpha.json", factory.disclosure("alpha", n_services=2,
                                                               submitted_at="2026-11-01T10:00:00+01:00"))
    factory.write(ctx.inbox, "beta.json", factory.disclosure("beta"))
    forged = factory.disclosure("gamma")
    forged["provider"]["lei"] = "5493001KJTIIGC8Y1R13"
    factory.write(ctx.inbox, "gamma-forged.json", forged)
    factory.write(ctx.inbox, "notes.txt", b"not a disclosure")


def test_batch_with_one_bad_file_loads_the_rest_and_quarantines_it(ctx, factory):
    _inbox(ctx, factory)
    result = run_ingest(ctx)
    assert result == {"files": 3, "accepted": 2, "rejected": 1, "problems": 1, "mode": "incremental", "reused": 0,
                      "kept": 0, "rejected_new": 1, "still_rejected": 0}
    assert sorted(p.name for p in ctx.quarantine_dir.iterdir()) == ["feedback", "gamma-forged.json",
                                                                    "gamma-forged.json.errors.json"]
    assert (ctx.quarantine_dir / "gamma-forged.json").read_bytes() == (ctx.inbox / "gamma-forged.json").read_bytes()
    errors = json.loads((ctx.quarantine_dir / "gamma-forged.json.errors.json").read_text())
    assert [(e["code"], e["path"], e["file"]) for e in errors] == [("E008", "$.provider.lei", "gamma-forged.json")]
    assert _query(ctx, "SELECT run_id, file, code, path FROM raw.rejections") == [
        ("test-run", "gamma-forged.json", "E008", "$.provider.lei")]


def test_load_produces_expected_row_counts(ctx, factory):
    _inbox(ctx, factory)
    run_ingest(ctx, decisions=[DECISION])
    expected = {"disclosures": 2, "ownership": 2, "parents": 2, "services": 3, "service_regions": 6,
                "answers": 3 * 48, "evidence": 3, "certifications": 2, "certification_services": 2,
                "decisions": 1, "rejections": 1, "input_files": 3}
    assert {t: _count(ctx, t) for t in expected} == expected


def test_raw_values_are_typed_and_timestamps_are_utc(ctx, factory):
    _inbox(ctx, factory)
    run_ingest(ctx, decisions=[DECISION | {"decided_at": "2026-11-02T10:30:00+01:00"}])
    rows = _query(ctx, "SELECT provider_id, submitted_at, file_sha256 FROM raw.disclosures ORDER BY 1")
    assert rows[0][:2] == ("alpha", dt.datetime(2026, 11, 1, 9, 0))
    assert len(rows[0][2]) == 64
    assert _query(ctx, "SELECT decided_at FROM raw.decisions") == [(dt.datetime(2026, 11, 2, 9, 30),)]
    svc = _query(ctx, "SELECT has_cada, has_audit, audit_date, audit_claimed_level, safeguard_no_forced_sanctions "
                      "FROM raw.services WHERE service_id = 'beta-s0'")
    assert svc == [(True, True, dt.date(2026, 9, 30), 3, False)]
    files = _query(ctx, "SELECT file_name, status, disclosure_id FROM raw.input_files ORDER BY 1")
    assert files == [("alpha.json", "accepted", "alpha-2026-11-01"), ("beta.json", "accepted", "beta-2026-11-01"),
                     ("gamma-forged.json", "rejected", None)]


def test_service_without_cada_has_null_cada_columns(ctx, factory):
    doc = factory.disclosure("alpha")
    del doc["services"][0]["cada"]
    factory.write(ctx.inbox, "a.json", doc)
    run_ingest(ctx)
    (row,) = _query(ctx, "SELECT * EXCLUDE (disclosure_id, provider_id, service_id, position, name, model) "
                         "FROM raw.services")
    assert row[0] is False and row[4] is False  # has_cada, has_audit
    assert [v for i, v in enumerate(row) if i not in (0, 4)] == [None] * 18


def test_arrow_layout_matches_raw_schema_sql(ctx, factory):
    run_ingest(ctx)
    for table, spec in RAW_TABLES.items():
        columns = _query(ctx, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'raw' "
                              f"AND table_name = '{table}' ORDER BY ordinal_position")
        assert [c for (c,) in columns] == [name for name, _ in spec], table


def test_rerun_replaces_raw_content_instead_of_appending(ctx, factory):
    _inbox(ctx, factory)
    run_ingest(ctx)
    (ctx.inbox / "beta.json").unlink()
    assert run_ingest(ctx)["accepted"] == 1
    assert _count(ctx, "disclosures") == 1 and _count(ctx, "answers") == 2 * 48


def test_baseline_warehouse_is_copied_and_decisions_kept_when_none_given(ctx, factory):
    _inbox(ctx, factory)
    run_ingest(ctx, decisions=[DECISION])
    ctx.paths.warehouse.mkdir(parents=True)
    shutil.copyfile(ctx.run_warehouse, ctx.paths.baseline_warehouse)
    con = duckdb.connect(str(ctx.paths.baseline_warehouse))
    con.execute("CREATE TABLE main.kept AS SELECT 42 AS answer")
    con.close()
    shutil.rmtree(ctx.run_dir)
    run_ingest(ctx)  # decisions=None: raw.decisions stays as in the baseline
    assert _query(ctx, "SELECT answer FROM main.kept") == [(42,)]
    assert _count(ctx, "decisions") == 1
    run_ingest(ctx, decisions=[])
    assert _count(ctx, "decisions") == 0


def test_the_raw_gates_record_is_kept_only_for_the_disclosures_whose_rows_stay(ctx, factory):
    _inbox(ctx, factory)
    run_ingest(ctx)
    assert record_checked(ctx.run_warehouse, _digests(ctx.run_warehouse)) == 2  # what a passing raw gate records
    ctx.paths.warehouse.mkdir(parents=True)
    shutil.copyfile(ctx.run_warehouse, ctx.paths.baseline_warehouse)
    shutil.rmtree(ctx.run_dir)
    factory.write(ctx.inbox, "beta.json", factory.disclosure("beta", submitted_at="2026-11-02T09:00:00Z"))
    assert run_ingest(ctx)["kept"] == 1  # alpha's rows stay; beta's file changed, its rows are loaded again
    checked = f"SELECT disclosure_id FROM {CHECKED_TABLE}"
    assert [d for (d,) in _query(ctx, checked)] == [_query(ctx, "SELECT disclosure_id FROM raw.disclosures "
                                                           "WHERE file_name = 'alpha.json'")[0][0]]
    shutil.rmtree(ctx.run_dir)
    run_ingest(ctx, full=True)  # a full ingest reloads every row: nothing counts as checked
    assert _query(ctx, checked) == []


def test_progress_reports_every_file(ctx, factory):
    _inbox(ctx, factory)
    calls = []
    run_ingest(ctx, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_oversized_file_is_quarantined_with_E015_without_parsing(ctx, factory):
    (ctx.inbox / "huge.json").write_bytes(b"[" * (MAX_FILE_BYTES + 1))
    assert run_ingest(ctx)["rejected"] == 1
    assert _query(ctx, "SELECT code, path FROM raw.rejections") == [("E015", "$")]
    assert _query(ctx, "SELECT size_bytes, status FROM raw.input_files") == [(MAX_FILE_BYTES + 1, "rejected")]


def test_hostile_file_names_and_ids_stay_inside_quarantine(ctx, factory):
    doc = factory.disclosure("alpha", disclosure_id="../../../escape")
    doc["services"][0]["service_id"] = "../../x"
    for name in ("...json", "-rf .json", "a b\nc.json"):
        factory.write(ctx.inbox, name, doc)
    run_ingest(ctx)
    written = {p for p in ctx.home.rglob("*") if p.is_file() and p.name != "warehouse.duckdb"}
    copies = {p.name for p in written if p.parent == ctx.quarantine_dir}
    assert len(copies) == 6  # each file and its errors file, side by side in the run's folder
    letters = {ctx.quarantine_dir / "feedback" / name for name in ("alpha.txt", "_no-provider-id.txt")}
    assert written - {ctx.quarantine_dir / name for name in copies} == letters  # E017 names no provider


@pytest.mark.parametrize("name", ["../../evil.json", "/etc/passwd", "..", "", "a\\..\\..\\b.json", "x/./../y.json"])
def test_quarantine_uses_only_the_basename(tmp_path, name):
    folder = tmp_path / "q" / "run"
    errors = quarantine(folder, name, [], b"{}")
    assert errors.parent == folder
    assert {p.parent for p in tmp_path.rglob("*") if p.is_file()} == {folder}
    assert quarantine_name(name) not in ("", ".", "..") and "/" not in quarantine_name(name)


def test_file_losing_an_E013_conflict_is_quarantined_and_none_of_its_rows_loaded(ctx, factory):
    factory.write(ctx.inbox, "a.json", factory.disclosure("alpha", submitted_at="2026-10-02T08:00:00Z"))
    factory.write(ctx.inbox, "b.json", factory.disclosure("beta", n_services=2, submitted_at="2026-10-03T08:00:00Z",
                                                          disclosure_id="alpha-2026-10-02"))
    factory.write(ctx.inbox, "c.json", factory.disclosure("gamma", submitted_at="2026-10-04T08:00:00Z"))
    result = run_ingest(ctx)  # a new id claimed by two providers goes to neither (docs/ingestion.md)
    assert {k: result[k] for k in ("files", "accepted", "rejected", "problems")} == {
        "files": 3, "accepted": 1, "rejected": 2, "problems": 2}
    assert _query(ctx, "SELECT DISTINCT disclosure_id FROM raw.answers ORDER BY 1") == [("gamma-2026-10-04",)]
    assert _query(ctx, "SELECT provider_id FROM raw.services ORDER BY 1") == [("gamma",)]
    assert _count(ctx, "evidence") == 1 and _count(ctx, "certification_services") == 1
    assert (ctx.quarantine_dir / "b.json.errors.json").exists() and (ctx.quarantine_dir / "a.json").exists()
    assert _query(ctx, "SELECT file, code, path FROM raw.rejections ORDER BY 1") == [
        ("a.json", "E013", "$.disclosure_id"), ("b.json", "E013", "$.disclosure_id")]
