-- The raw layer: one table per disclosure part, written by ingestion, read by dbt sources.
-- See docs/design.md. Every statement is idempotent.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE TABLE IF NOT EXISTS raw.disclosures (
    disclosure_id VARCHAR, provider_id VARCHAR, submitted_at TIMESTAMP,
    legal_name VARCHAR, country VARCHAR, lei VARCHAR, website VARCHAR,
    file_name VARCHAR, file_sha256 VARCHAR, signing_key_fingerprint VARCHAR
);
-- a warehouse created without this column gains it; null = not signed
ALTER TABLE raw.disclosures ADD COLUMN IF NOT EXISTS signing_key_fingerprint VARCHAR;
CREATE TABLE IF NOT EXISTS raw.ownership (
    disclosure_id VARCHAR, position INTEGER, holder_id VARCHAR, holder_name VARCHAR, country VARCHAR,
    capital_pct DOUBLE, voting_pct DOUBLE, controls BOOLEAN
);
CREATE TABLE IF NOT EXISTS raw.parents (
    disclosure_id VARCHAR, position INTEGER, entity_id VARCHAR, name VARCHAR, country VARCHAR,
    controlled_by VARCHAR, controlled_by_name VARCHAR, controlled_by_country VARCHAR
);
CREATE TABLE IF NOT EXISTS raw.services (
    disclosure_id VARCHAR, provider_id VARCHAR, service_id VARCHAR, position INTEGER,
    name VARCHAR, model VARCHAR,
    has_cada BOOLEAN,
    statement_of_conformity BOOLEAN, subcontractor_register BOOLEAN, data_location_checkable BOOLEAN,
    has_audit BOOLEAN, audit_auditor VARCHAR, audit_opinion VARCHAR, audit_date DATE, audit_claimed_level INTEGER,
    cyber_certificate VARCHAR, personnel VARCHAR,
    support_in_union BOOLEAN, sbom BOOLEAN, no_third_country_ai_training BOOLEAN,
    safeguard_no_delivery_restraint BOOLEAN, safeguard_no_data_access BOOLEAN,
    safeguard_no_continuity_disruption BOOLEAN, safeguard_no_forced_sanctions BOOLEAN,
    source_code_access BOOLEAN, no_third_country_kill_switch BOOLEAN
);
CREATE TABLE IF NOT EXISTS raw.service_regions (
    disclosure_id VARCHAR, service_id VARCHAR, position INTEGER, region VARCHAR
);
CREATE TABLE IF NOT EXISTS raw.answers (
    disclosure_id VARCHAR, service_id VARCHAR, criterion_id VARCHAR, rung INTEGER
);
CREATE TABLE IF NOT EXISTS raw.evidence (
    disclosure_id VARCHAR, service_id VARCHAR, criterion_id VARCHAR, url VARCHAR, note VARCHAR
);
CREATE TABLE IF NOT EXISTS raw.certifications (
    disclosure_id VARCHAR, position INTEGER, scheme VARCHAR, certificate_id VARCHAR, issuer VARCHAR,
    valid_from DATE, valid_until DATE
);
CREATE TABLE IF NOT EXISTS raw.certification_services (
    disclosure_id VARCHAR, certificate_id VARCHAR, service_id VARCHAR
);
-- services[].runs_on (format 1.1): one row per item, either dependency_service_id or the platform columns set.
CREATE TABLE IF NOT EXISTS raw.service_runs_on (
    disclosure_id VARCHAR, service_id VARCHAR, position INTEGER, dependency_service_id VARCHAR,
    platform VARCHAR, operator_name VARCHAR, operator_country VARCHAR
);
-- services[].open_source (format 1.1): one row per distinct licence or exception id of the declared expression.
CREATE TABLE IF NOT EXISTS raw.open_source_licenses (
    disclosure_id VARCHAR, service_id VARCHAR, repository VARCHAR, license VARCHAR,
    license_id VARCHAR, is_exception BOOLEAN
);
CREATE TABLE IF NOT EXISTS raw.decisions (
    decision_id VARCHAR, seq INTEGER, service_id VARCHAR, action VARCHAR, reason VARCHAR,
    decided_by VARCHAR, decided_at TIMESTAMP, prev_hash VARCHAR, hash VARCHAR,
    legal_basis VARCHAR, withdraws VARCHAR
);
-- added after the first releases: warehouses created before get them at the end, in the same order
ALTER TABLE raw.decisions ADD COLUMN IF NOT EXISTS legal_basis VARCHAR;
ALTER TABLE raw.decisions ADD COLUMN IF NOT EXISTS withdraws VARCHAR;
CREATE TABLE IF NOT EXISTS raw.rejections (
    run_id VARCHAR, file VARCHAR, code VARCHAR, path VARCHAR, message VARCHAR
);
ALTER TABLE raw.rejections ADD COLUMN IF NOT EXISTS provider_id VARCHAR;
ALTER TABLE raw.rejections ADD COLUMN IF NOT EXISTS provider_name VARCHAR;
ALTER TABLE raw.rejections ADD COLUMN IF NOT EXISTS rejected_since DATE;
ALTER TABLE raw.rejections ADD COLUMN IF NOT EXISTS quarantined_in VARCHAR;
-- The files the last ingest rejected (ingestion/rejected.py): an unchanged file rejected again is
-- "still rejected since" its first date and is not quarantined again.
CREATE TABLE IF NOT EXISTS raw.rejected_files (
    file_name VARCHAR, file_sha256 VARCHAR, problems_key VARCHAR, rejected_since DATE, quarantined_in VARCHAR
);
CREATE TABLE IF NOT EXISTS raw.input_files (
    file_name VARCHAR, file_sha256 VARCHAR, size_bytes BIGINT, status VARCHAR, disclosure_id VARCHAR
);

-- Reference data (spec/references.md), written by ingestion/references.py. Each ref_* table holds
-- only the snapshot in use of each source; ref_sources lists every snapshot ever accepted. These
-- tables live on from night to night in the warehouse (the ingest of disclosures never touches them).
CREATE TABLE IF NOT EXISTS raw.ref_lei_records (
    lei VARCHAR, legal_name VARCHAR, legal_address_country VARCHAR, entity_status VARCHAR,
    registration_status VARCHAR, source_file_sha256 VARCHAR
);
CREATE TABLE IF NOT EXISTS raw.ref_relationships (
    start_lei VARCHAR, end_lei VARCHAR, relationship_type VARCHAR, relationship_status VARCHAR,
    registration_status VARCHAR, source_file_sha256 VARCHAR
);
CREATE TABLE IF NOT EXISTS raw.ref_certificates (
    source VARCHAR, scheme VARCHAR, certificate_id VARCHAR, holder_lei VARCHAR, holder_name VARCHAR,
    status VARCHAR, valid_from DATE, valid_until DATE, source_url VARCHAR, source_file_sha256 VARCHAR
);
CREATE TABLE IF NOT EXISTS raw.ref_sources (
    source VARCHAR, kind VARCHAR, file VARCHAR, file_sha256 VARCHAR, rows BIGINT,
    first_loaded_on DATE, in_use BOOLEAN
);
-- The reference files the last night rejected (ingestion/references.py): the same name and bytes under the
-- same validator are still rejected, with these problems, without being read or copied again.
CREATE TABLE IF NOT EXISTS raw.ref_rejected_files (
    file_name VARCHAR, file_sha256 VARCHAR, validator VARCHAR, problems_json VARCHAR, rejected_since DATE,
    quarantined_in VARCHAR
);
