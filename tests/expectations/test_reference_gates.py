"""The raw gate's expectations on the reference tables (expectations/reference_frames.py): a consistent set
of snapshots passes, each kind of inconsistency fails by name."""

from __future__ import annotations

import pytest

from tests.ingestion.reference_files_factory import lei

A, B, C = "a" * 64, "b" * 64, "c" * 64
SNAPSHOTS = f"""
insert into raw.ref_sources values
  ('gleif-level1', 'gleif_level1', 'lei2-old.csv', '{B}', 1, date '2026-11-01', false),
  ('gleif-level1', 'gleif_level1', 'lei2.csv', '{A}', 2, date '2026-11-28', true),
  ('gleif-level2', 'gleif_level2', 'rr.csv', '{A}', 1, date '2026-11-28', true),
  ('register:anssi.csv', 'scheme_register', 'anssi.csv', '{A}', 1, date '2026-11-28', true);
insert into raw.ref_lei_records values
  ('{lei(0)}', 'Example 0 GmbH', 'DE', 'ACTIVE', 'ISSUED', '{A}'),
  ('{lei(1)}', 'Example 1 Inc.', 'US', 'ACTIVE', 'LAPSED', '{A}');
insert into raw.ref_relationships values
  ('{lei(0)}', '{lei(1)}', 'IS_ULTIMATELY_CONSOLIDATED_BY', 'ACTIVE', 'PUBLISHED', '{A}');
insert into raw.ref_certificates values
  ('register:anssi.csv', 'SecNumCloud', 'SNC-1', '{lei(0)}', 'Example 0 GmbH', 'granted', date '2025-01-01',
   date '2027-12-31', 'https://register.example/1', '{A}');
"""

CORRUPTIONS = [
    ("update raw.ref_sources set in_use = true where file = 'lei2-old.csv'",
     ("raw/ref_sources_in_use: expect_column_values_to_be_between(snapshots_in_use 0..1)", "source=gleif-level1")),
    (f"insert into raw.ref_lei_records values ('{lei(2)}', 'Stale', 'FR', 'ACTIVE', 'ISSUED', '{C}')",
     ("raw/ref_snapshot_rows: expect_column_values_to_be_null(not_in_use)", "ref_lei_records/gleif-level1")),
    ("update raw.ref_lei_records set legal_address_country = 'DEU' where legal_name = 'Example 1 Inc.'",
     ("raw/ref_lei_records_summary: expect_column_values_to_be_between(bad_countries = 0)",)),
    ("update raw.ref_relationships set relationship_type = 'IS_FUND-MANAGED_BY'",
     ("raw/ref_relationships_summary: expect_column_values_to_be_between(unused_types = 0)",)),
    ("update raw.ref_certificates set source_url = 'http://register.example/1'",
     ("raw/ref_certificates: expect_column_values_to_match_regex(source_url ~ ^https://)",)),
    ("update raw.ref_sources set rows = 0 where source = 'register:anssi.csv'",
     ("raw/ref_sources: expect_column_values_to_be_between(rows >= 1)",)),
]


@pytest.fixture(scope="module")
def run_gate(gx_module):
    from expectations.runner import run_gate

    return run_gate


def _ref_failures(failures: list[str]) -> list[str]:
    return [f for f in failures if f.startswith("raw/ref")]


def test_consistent_reference_snapshots_pass_the_raw_gate(run_gate, warehouse_with, tmp_path):
    result = run_gate("raw", warehouse_with(SNAPSHOTS), tmp_path / "raw")
    assert result.success, result.failures


def test_each_reference_inconsistency_fails_the_raw_gate_by_name(run_gate, warehouse_with, tmp_path):
    sql = SNAPSHOTS + ";".join(s for s, _ in CORRUPTIONS)
    result = run_gate("raw", warehouse_with(sql), tmp_path / "raw")
    assert not result.success
    found = _ref_failures(result.failures)
    missed = [parts for _, parts in CORRUPTIONS if not any(all(p in f for p in parts) for f in found)]
    assert not missed, (missed, found)
