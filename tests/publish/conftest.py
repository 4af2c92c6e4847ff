"""Fixtures for the publish tests: a small run warehouse with the 11 contract tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from expectations.final_suite import PUBLISHED_COLUMNS
from sealreg.config import RunContext

AS_OF = "2026-03-01"

# Rows are inserted out of key order on purpose: the release must order them by key.
WAREHOUSE_SQL = """
CREATE SCHEMA raw;
CREATE TABLE raw.input_files (file_name VARCHAR, file_sha256 VARCHAR, size_bytes BIGINT, status VARCHAR,
    disclosure_id VARCHAR);
INSERT INTO raw.input_files VALUES
  ('zeta.json', repeat('b', 64), 2048, 'rejected', NULL),
  ('alpha.json', repeat('a', 64), 1024, 'accepted', 'd-alpha-1');
CREATE TABLE raw.ref_sources (source VARCHAR, kind VARCHAR, file VARCHAR, file_sha256 VARCHAR, rows BIGINT,
    first_loaded_on DATE, in_use BOOLEAN);
INSERT INTO raw.ref_sources VALUES ('gleif-level1', 'gleif_level1', 'old.csv', repeat('b', 64), 2, DATE '2026-02-01',
  false), ('gleif-level1', 'gleif_level1', 'lei2.csv', repeat('a', 64), 3, DATE '2026-03-01', true);
CREATE TABLE raw.decisions (decision_id VARCHAR, seq INTEGER, service_id VARCHAR, action VARCHAR, reason VARCHAR,
    decided_by VARCHAR, decided_at TIMESTAMP, prev_hash VARCHAR, hash VARCHAR);
INSERT INTO raw.decisions VALUES
  ('dec-000001', 1, 'svc-b', 'suspend', 'audit withdrawn', 'ANSSI', TIMESTAMP '2026-02-20 10:00:00',
   repeat('0', 64), repeat('c', 64));

CREATE TABLE providers (provider_id VARCHAR, legal_name VARCHAR, country VARCHAR, lei VARCHAR,
    ultimate_controller_name VARCHAR, ultimate_controller_country VARCHAR, third_country_control BOOLEAN,
    ownership_ok BOOLEAN, disclosure_id VARCHAR, submitted_at TIMESTAMP);
INSERT INTO providers VALUES
  ('prov-z', 'Zeta Cloud GmbH', 'DE', NULL, 'Zeta Holding', 'US', true, false, 'd-z-1',
   TIMESTAMP '2026-01-02 03:04:05'),
  ('prov-a', 'Alpha Cloud SAS', 'FR', '969500ABCDEFGHIJKL12', 'Alpha Cloud SAS', 'FR', false, true, 'd-alpha-1',
   TIMESTAMP '2026-01-01 00:00:00');

CREATE TABLE services (service_id VARCHAR, provider_id VARCHAR, name VARCHAR, model VARCHAR,
    sovereignty_score DOUBLE, seal INTEGER, ual INTEGER, status VARCHAR, status_reason VARCHAR,
    weights_version VARCHAR, evaluated_on DATE, flag_count INTEGER);
INSERT INTO services VALUES
  ('svc-b', 'prov-z', 'Zeta Compute, "EU" edition', 'IaaS', 0.1 + 0.2, 1, 0, 'suspended', 'audit withdrawn',
   'calculator-2026', DATE '2026-03-01', 2),
  ('svc-a', 'prov-a', 'Alpha Object Storage', 'PaaS', 87.3333333333, 3, 2, 'listed', NULL, 'calculator-2026',
   DATE '2026-03-01', 0);

CREATE TABLE objective_results (service_id VARCHAR, objective VARCHAR, score_pct DOUBLE, seal INTEGER,
    seal_uncapped INTEGER);
INSERT INTO objective_results VALUES ('svc-b', 'SOV-2', 12.5, 1, 2), ('svc-a', 'SOV-1', 100.0, 4, 4),
  ('svc-a', 'SOV-2', 66.6666666667, 3, 3);

CREATE TABLE criterion_results (service_id VARCHAR, criterion_id VARCHAR, objective VARCHAR, rung INTEGER,
    points DECIMAL(10, 2), max_points DECIMAL(10, 2), seal INTEGER);
INSERT INTO criterion_results VALUES ('svc-b', 'SOV-2.1', 'SOV-2', 1, 0.50, 2.00, 1),
  ('svc-a', 'SOV-2.1', 'SOV-2', 3, 2.00, 2.00, 4), ('svc-a', 'SOV-1.1', 'SOV-1', 2, 1.25, 2.00, 3);

CREATE TABLE washing_flags (service_id VARCHAR, flag VARCHAR, objective VARCHAR, cap INTEGER, reason VARCHAR);
INSERT INTO washing_flags VALUES ('svc-b', 'W2', 'SOV-2', 1, 'US parent'), ('svc-b', 'W1', 'SOV-1', 2, 'no audit');

CREATE TABLE cada_gates (service_id VARCHAR, level INTEGER, gate VARCHAR, passed BOOLEAN);
INSERT INTO cada_gates VALUES ('svc-a', 2, 'audit', true), ('svc-a', 1, 'ownership', true),
  ('svc-b', 1, 'ownership', false);

CREATE TABLE certifications (provider_id VARCHAR, certificate_id VARCHAR, scheme VARCHAR, issuer VARCHAR,
    valid_from DATE, valid_until DATE, service_id VARCHAR);
INSERT INTO certifications VALUES
  ('prov-a', 'CERT-1', 'SecNumCloud', 'ANSSI', DATE '2025-01-01', DATE '2028-01-01', 'svc-a'),
  ('prov-a', 'CERT-1', 'SecNumCloud', 'ANSSI', DATE '2025-01-01', DATE '2028-01-01', NULL),
  ('prov-a', 'CERT-0', 'C5', 'BSI', DATE '2024-01-01', DATE '2027-01-01', 'svc-a');

CREATE TABLE decisions (decision_id VARCHAR, service_id VARCHAR, action VARCHAR, reason VARCHAR,
    decided_by VARCHAR, decided_at TIMESTAMP);
INSERT INTO decisions VALUES ('dec-000001', 'svc-b', 'suspend', 'audit withdrawn', 'ANSSI',
  TIMESTAMP '2026-02-20 10:00:00');

CREATE TABLE rejections (file VARCHAR, code VARCHAR, path VARCHAR, message VARCHAR, run_id VARCHAR);
INSERT INTO rejections VALUES ('zeta.json', 'E007', '$.services[0].answers', 'unknown criterion', 'r1'),
  ('zeta.json', 'E001', '$', 'not JSON, line 1', 'r1');

CREATE TABLE service_history (service_id VARCHAR, valid_from DATE, valid_to DATE, seal INTEGER, ual INTEGER,
    sovereignty_score DOUBLE, status VARCHAR);
INSERT INTO service_history VALUES ('svc-a', DATE '2026-03-01', NULL, 3, 2, 87.3333333333, 'listed'),
  ('svc-a', DATE '2026-02-01', DATE '2026-03-01', 2, 1, 70.0, 'listed'),
  ('svc-old', DATE '2025-01-01', DATE '2025-06-01', 1, 0, 10.0, 'revoked');

CREATE TABLE changes (service_id VARCHAR, field VARCHAR, change VARCHAR, old_value VARCHAR, new_value VARCHAR);
INSERT INTO changes VALUES ('svc-a', 'seal', 'changed', '2', '3'), ('svc-a', 'ual', 'changed', '1', '2');

CREATE TABLE review_items (subject_id VARCHAR, kind VARCHAR, subject_type VARCHAR, detail VARCHAR,
    first_seen_on DATE, previous_as_of DATE);
INSERT INTO review_items VALUES ('svc-a', 'W6-identity', 'service', 'new flag: the declared LEI is not in GLEIF',
  DATE '2026-03-01', NULL);

CREATE TABLE reference_sources (source VARCHAR, file_sha256 VARCHAR, kind VARCHAR, file VARCHAR, rows BIGINT,
    first_loaded_on DATE, in_use BOOLEAN);
INSERT INTO reference_sources VALUES ('gleif-level1', repeat('a', 64), 'gleif_level1', 'lei2.csv', 3,
  DATE '2026-03-01', true);

CREATE TABLE service_dependencies (service_id VARCHAR, dependency VARCHAR, kind VARCHAR, operator_country VARCHAR,
    depth INTEGER, path VARCHAR, dependency_seal_own INTEGER, dependency_ual_own INTEGER, cap_seal INTEGER,
    cap_ual INTEGER);
INSERT INTO service_dependencies VALUES ('svc-b', 'Hyper (US)', 'platform', 'US', 1, 'svc-b → Hyper (US)', NULL,
  NULL, 1, 1);

CREATE TABLE source_freshness (kind VARCHAR, source VARCHAR, file VARCHAR, loaded_on DATE, age_days INTEGER,
    max_age_days INTEGER, freshness VARCHAR, stale_reason VARCHAR);
INSERT INTO source_freshness VALUES ('gleif_level1', 'gleif-level1', 'lei2.csv', DATE '2026-03-01', 0, 14, 'fresh',
  NULL);

-- a view and a non-published table must not leak into the release
CREATE VIEW stg_something AS SELECT 1 AS x;
CREATE TABLE int_scratch AS SELECT 42 AS y;
"""


DECIDED_AT = dt.datetime(2026, 2, 20, 10, 0, 0)


def make_decision_log(home: Path) -> dict:
    """The home's decision log with the one decision of WAREHOUSE_SQL; returns the record."""
    from sealreg.decisions import append_decision

    return append_decision(home, "svc-b", "suspend", "audit withdrawn", "ANSSI", known_service_ids={"svc-b"},
                           decided_at=DECIDED_AT)


def make_warehouse(path: Path, decision: dict | None = None) -> Path:
    """The run warehouse; `decision` (a log record) replaces the placeholder hashes of raw.decisions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(WAREHOUSE_SQL)
        if decision is not None:
            con.execute("UPDATE raw.decisions SET hash = ?, prev_hash = ?", [decision["hash"], decision["prev_hash"]])
        for qualified, columns in PUBLISHED_COLUMNS.items():  # the columns the final gate guarantees the site
            for column in columns:
                con.execute(f'alter table {qualified} add column if not exists "{column}" varchar')
    finally:
        con.close()
    return path


def make_ctx(home: Path) -> RunContext:
    """Run id as config makes it (`<as_of>-<digest>`); the run folder is `runs/<run_id>-<pid>`."""
    return RunContext.create(home=home, inbox=home / "inbox", as_of=AS_OF, run_id=f"{AS_OF}-0123456789ab")


@pytest.fixture
def real_site():
    """Request this fixture to let build_release call the real sealreg.publish.site."""


@pytest.fixture
def ctx(tmp_path: Path, request, monkeypatch) -> RunContext:
    """A run context whose run folder holds a warehouse and a validation report.

    The site builder belongs to another part: releases built with this context stub it out, unless
    the test also requests `real_site`.
    """
    if "real_site" not in request.fixturenames:
        monkeypatch.setattr("sealreg.publish.release._build_site",
                            lambda release_dir, digests=None, previous=None: False)
    c = make_ctx(tmp_path / "home")
    make_warehouse(c.run_warehouse, make_decision_log(c.home))
    c.validation_dir.mkdir(parents=True)
    (c.validation_dir / "final.json").write_text('{"success": true}\n')
    (c.validation_dir / "docs").mkdir()
    (c.validation_dir / "docs" / "index.html").write_text("<html>gx</html>\n")
    return c
