"""The refresh's raw gate reads, of the per-disclosure tables, only the rows of disclosures not checked before
(`expectations.scope`): it finds what the full gate finds in those rows, and reads everything again when a
disclosure's file, the suite or the gates' code changed."""

from __future__ import annotations

import duckdb
import pytest

from expectations import scope
from expectations.checks import per_disclosure, rows_at_least, table, unique
from expectations.runner import SCOPED_ROWS
from expectations.suites import frames_of

NEW_DISCLOSURE = """
insert into raw.disclosures values ('gamma-2026-11-30', 'gamma', '2026-11-30 09:00:00', 'Gamma Oy', 'FI', null, null,
  'gamma.json', repeat('c', 64), null);
insert into raw.services (disclosure_id, provider_id, service_id, position, name, model, has_cada) values
  ('gamma-2026-11-30', 'gamma', 'gamma-vm', 0, 'Gamma VM', 'IaaS', false);
insert into raw.answers select 'gamma-2026-11-30', 'gamma-vm', criterion_id, 1 from raw.answers
  where service_id = 'alpha-store';
"""
BAD_NEW_ROWS = NEW_DISCLOSURE + """
update raw.answers set rung = 9 where disclosure_id = 'gamma-2026-11-30' and criterion_id = 'SOV-2.1';
insert into raw.answers values ('gamma-2026-11-30', 'gamma-vm', 'SOV-2.2', 1);
insert into raw.service_regions values ('gamma-2026-11-30', 'gamma-vm', 0, 'fi');
"""


@pytest.fixture(scope="module")
def run_gate(gx_module):
    from expectations.runner import run_gate

    return run_gate


def _checked(warehouse) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(f"select disclosure_id, file_sha256 from {scope.CHECKED_TABLE} order by all").fetchall()
    finally:
        con.close()


def _gate(run_gate, warehouse, folder, incremental: bool):
    result = run_gate("raw", warehouse, folder / "raw", incremental=incremental)
    summary = __import__("json").loads((folder / "raw" / "raw.json").read_text())
    return result, {f["frame"]: f for f in summary["frames"]}, summary


def test_a_passing_gate_records_every_disclosure_and_the_next_night_reads_only_new_ones(
        run_gate, warehouse_with, tmp_path):
    wh = warehouse_with("")
    first, frames, summary = _gate(run_gate, wh, tmp_path / "n1", incremental=True)
    assert first.success and summary["checked_before"] == 0
    assert frames["answers"]["rows"] == 3 * 48 and "rows_of" not in frames["answers"]
    assert _checked(wh) == [("alpha-2026-11-01", "a" * 64), ("beta-2026-10-01", "b" * 64)]

    with duckdb.connect(str(wh)) as con:
        con.execute(NEW_DISCLOSURE)
    second, frames, summary = _gate(run_gate, wh, tmp_path / "n2", incremental=True)
    assert second.success, second.failures
    assert summary["checked_before"] == 2
    assert frames["answers"]["rows"] == 48 and frames["answers"]["rows_of"] == SCOPED_ROWS
    assert frames["services"]["rows"] == 1 and frames["service_regions"]["rows"] == 0
    assert frames["disclosures"]["rows"] == 3 and "rows_of" not in frames["disclosures"]  # whole tables stay whole
    assert frames["answers_per_service"]["rows"] == 4 and frames["orphans"]["rows"] > 0
    assert SCOPED_ROWS in (tmp_path / "n2" / "raw" / "index.html").read_text()
    assert len(_checked(wh)) == 3


def test_bad_rows_of_a_new_disclosure_fail_as_in_the_full_gate_and_nothing_is_recorded(
        run_gate, warehouse_with, tmp_path):
    wh = warehouse_with("")
    assert run_gate("raw", wh, tmp_path / "n1" / "raw", incremental=True).success
    with duckdb.connect(str(wh)) as con:
        con.execute(BAD_NEW_ROWS)
    scoped, frames, _ = _gate(run_gate, wh, tmp_path / "scoped", incremental=True)
    full, _, _ = _gate(run_gate, wh, tmp_path / "full", incremental=False)
    assert not scoped.success
    assert scoped.failures == full.failures
    assert any("rung 1..5" in f and "9" in f for f in scoped.failures)
    assert any("duplicated (disclosure_id, service_id, criterion_id)" in f for f in scoped.failures)
    assert any("region" in f for f in scoped.failures)
    assert frames["answers"]["rows"] == 49
    assert len(_checked(wh)) == 2  # a failed gate records nothing


@pytest.mark.parametrize("change", [
    "update raw.disclosures set file_sha256 = repeat('e', 64) where disclosure_id = 'alpha-2026-11-01'",
    "insert into raw.disclosures select * replace (repeat('e', 64) as file_sha256) from raw.disclosures "
    "where disclosure_id = 'alpha-2026-11-01'",
])
def test_a_disclosure_whose_file_changed_or_whose_id_appears_twice_is_read_again(
        run_gate, warehouse_with, tmp_path, change):
    wh = warehouse_with("")
    assert run_gate("raw", wh, tmp_path / "n1" / "raw", incremental=True).success
    with duckdb.connect(str(wh)) as con:
        con.execute(change)
        con.execute("update raw.answers set rung = 0 where disclosure_id = 'alpha-2026-11-01' "
                    "and criterion_id = 'SOV-1.1' and service_id = 'alpha-compute'")
    scoped, frames, summary = _gate(run_gate, wh, tmp_path / "scoped", incremental=True)
    full, _, _ = _gate(run_gate, wh, tmp_path / "full", incremental=False)
    assert summary["checked_before"] == 1 and frames["answers"]["rows"] == 2 * 48
    assert any("rung 1..5" in f for f in scoped.failures)
    assert scoped.failures == full.failures


@pytest.mark.parametrize("edit", [
    "update raw.answers set rung = 0 where disclosure_id = 'beta-2026-10-01' and criterion_id = 'SOV-1.1'",
    "insert into raw.service_regions select disclosure_id, service_id, 9, 'zz' from raw.services "
    "where disclosure_id = 'beta-2026-10-01'",
])
def test_a_row_edited_outside_the_ingest_is_read_again(run_gate, warehouse_with, tmp_path, edit):
    wh = warehouse_with("")
    assert run_gate("raw", wh, tmp_path / "n1" / "raw", incremental=True).success
    with duckdb.connect(str(wh)) as con:  # an edit outside the ingest, in a disclosure already checked
        con.execute(edit)
    scoped, _, summary = _gate(run_gate, wh, tmp_path / "scoped", incremental=True)
    full, _, _ = _gate(run_gate, wh, tmp_path / "full", incremental=False)
    assert not scoped.success and summary["checked_before"] == 1  # only alpha's rows are as recorded
    assert scoped.failures == full.failures


@pytest.mark.parametrize("edit", [
    "update raw.answers set rung = 0 where disclosure_id = 'beta-2026-10-01' and criterion_id = 'SOV-1.1'",
    "update raw.service_regions set region = 'zz' where disclosure_id = 'beta-2026-10-01'",
])
def test_a_row_edited_between_the_gates_read_and_its_record_is_not_recorded_as_checked(
        run_gate, warehouse_with, tmp_path, monkeypatch, edit):
    """The record holds the digests the gate read, not those of the rows when the record is written."""
    from expectations import runner

    wh = warehouse_with("")
    write_report = runner._write_report

    def edit_then_write_report(*args, **kwargs):  # after the gate's reads, before the record is written
        with duckdb.connect(str(wh)) as con:
            con.execute(edit)
        return write_report(*args, **kwargs)

    monkeypatch.setattr(runner, "_write_report", edit_then_write_report)
    first, _, _ = _gate(run_gate, wh, tmp_path / "n1", incremental=True)
    monkeypatch.setattr(runner, "_write_report", write_report)
    assert first.success  # the gate read the rows before the edit
    assert len(_checked(wh)) == 2
    with duckdb.connect(str(wh), read_only=True) as con:
        assert scope.checked_ids(con) == ["alpha-2026-11-01"]
    scoped, frames, summary = _gate(run_gate, wh, tmp_path / "n2", incremental=True)
    full, _, _ = _gate(run_gate, wh, tmp_path / "full", incremental=False)
    assert not scoped.success and summary["checked_before"] == 1  # beta's edited rows are read again
    assert scoped.failures == full.failures


def test_a_record_without_rows_digests_reads_everything(run_gate, warehouse_with, tmp_path):
    wh = warehouse_with("")
    assert run_gate("raw", wh, tmp_path / "n1" / "raw", incremental=True).success
    with duckdb.connect(str(wh)) as con:  # a record of the older shape (no rows_digest column)
        con.execute(f"alter table {scope.CHECKED_TABLE} drop column rows_digest")
    again, _, summary = _gate(run_gate, wh, tmp_path / "n2", incremental=True)
    assert again.success and summary["checked_before"] == 0
    assert len(_checked(wh)) == 2  # recorded again, in the current shape


def test_another_suite_reads_every_row_again(run_gate, warehouse_with, tmp_path, monkeypatch):
    wh = warehouse_with("")
    assert run_gate("raw", wh, tmp_path / "n1" / "raw", incremental=True).success
    with duckdb.connect(str(wh)) as con:  # an edit outside the ingest, in a disclosure already checked
        con.execute("update raw.answers set rung = 0 where disclosure_id = 'beta-2026-10-01' "
                    "and criterion_id = 'SOV-1.1'")
    # another suite (code, seeds, validator, library versions) reads every disclosure again
    monkeypatch.setattr(scope, "suite_fingerprint", lambda seeds_dir=None: "another-suite")
    other, frames, summary = _gate(run_gate, wh, tmp_path / "other", incremental=True)
    assert not other.success and summary["checked_before"] == 0 and frames["answers"]["rows"] == 3 * 48
    assert any("rung 1..5" in f and "0" in f for f in other.failures)


def test_a_plain_gate_run_reads_everything_and_records_nothing(run_gate, warehouse_with, tmp_path):
    wh = warehouse_with("")
    assert run_gate("raw", wh, tmp_path / "n1" / "raw", incremental=True).success
    result, frames, summary = _gate(run_gate, wh, tmp_path / "plain", incremental=False)
    assert result.success and "checked_before" not in summary
    assert frames["answers"]["rows"] == 3 * 48 and all("rows_of" not in f for f in frames.values())


def test_a_warehouse_without_the_record_or_disclosures_is_read_whole(good_warehouse, warehouse_with):
    with duckdb.connect(str(good_warehouse), read_only=True) as con:
        assert scope.checked_ids(con) == []
    wh = warehouse_with("drop table raw.disclosures")
    with duckdb.connect(str(wh), read_only=True) as con:
        assert scope.checked_ids(con) == []


def test_only_per_disclosure_frames_may_be_scoped():
    scoped = {f.name for f in frames_of("raw") if f.per_disclosure}
    assert scoped == {"services", "answers", "ownership", "parents", "service_regions", "evidence",
                      "certifications", "certification_services", "service_runs_on", "open_source_licenses"}
    assert not any(f.per_disclosure for f in frames_of("final"))
    with pytest.raises(ValueError, match="needs every row"):
        per_disclosure(table("raw.x", ["disclosure_id"], ("disclosure_id",), [rows_at_least(1, "r")]))
    with pytest.raises(ValueError, match="needs every row"):
        per_disclosure(table("raw.x", ["disclosure_id", "k"], ("disclosure_id",), [unique("k", "r")]))
    with pytest.raises(ValueError, match="needs every row"):
        per_disclosure(table("raw.x", ["k"], ("k",), []))


def test_another_python_gives_another_suite_fingerprint(monkeypatch):
    """The regex checks match with Python's `re`: a record of another interpreter is not taken as checked."""
    scope.suite_fingerprint.cache_clear()
    here = scope.suite_fingerprint()
    monkeypatch.setattr(scope.sys, "version", scope.sys.version + " (another build)")
    scope.suite_fingerprint.cache_clear()
    try:
        assert scope.suite_fingerprint() != here
    finally:
        scope.suite_fingerprint.cache_clear()


def test_other_seeds_give_another_suite_fingerprint(tmp_path):
    (tmp_path / "countries.csv").write_text("code\nZZ\n")
    assert scope.suite_fingerprint(tmp_path) != scope.suite_fingerprint()
