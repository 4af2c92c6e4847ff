"""A small, internally consistent DuckDB warehouse (raw tables + contract marts) for the gate tests.

Three services of two providers; answers and criterion rows come from the rulebook seed, so every
recomputation check of the final suite holds. No GX import here.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
SEEDS = (REPO / "dbt_project" / "seeds").as_posix()
RAW_DDL = REPO / "ingestion" / "raw_schema.sql"

RAW_SQL = f"""
insert into raw.disclosures values
  ('alpha-2026-11-01', 'alpha', '2026-11-01 09:00:00', 'Alpha Cloud AB', 'SE', null, null, 'alpha.json',
   repeat('a', 64), null),
  ('beta-2026-10-01', 'beta', '2026-10-01 09:00:00', 'Beta Hosting GmbH', 'DE', '5493001KJTIIGC8Y1R12',
   'https://beta.example', 'beta.json', repeat('b', 64), repeat('f', 64));
insert into raw.ownership values
  ('alpha-2026-11-01', 0, 'alpha-holding', 'Alpha Holding AB', 'SE', 100, 100, true),
  ('beta-2026-10-01', 0, 'beta-founders', 'Founders', 'DE', 60, 60, true);
insert into raw.parents values
  ('alpha-2026-11-01', 0, 'alpha-holding', 'Alpha Holding AB', 'SE', 'atlas', 'Atlas Capital LLC', 'US');
insert into raw.services (disclosure_id, provider_id, service_id, position, name, model, has_cada,
    statement_of_conformity, subcontractor_register, data_location_checkable, has_audit, audit_auditor,
    audit_opinion, audit_date, audit_claimed_level, cyber_certificate, personnel) values
  ('alpha-2026-11-01', 'alpha', 'alpha-compute', 0, 'Alpha Compute', 'IaaS', true, true, true, true, true,
   'Audit GmbH', 'positive', '2026-09-30', 3, 'substantial', 'eu_citizens'),
  ('alpha-2026-11-01', 'alpha', 'alpha-store', 1, 'Alpha Store', 'SaaS', false, null, null, null, null, null,
   null, null, null, null, null),
  ('beta-2026-10-01', 'beta', 'beta-db', 0, 'Beta DB', 'PaaS', true, true, true, true, false, null,
   null, null, null, 'basic', 'any');
insert into raw.service_regions values
  ('alpha-2026-11-01', 'alpha-compute', 0, 'SE'), ('alpha-2026-11-01', 'alpha-store', 0, 'FI'),
  ('beta-2026-10-01', 'beta-db', 0, 'DE');
insert into raw.answers
  with rb as (select criterion_id, max(rung) as max_rung
              from read_csv('{SEEDS}/csf_criteria.csv', header = true) group by criterion_id)
  select s.disclosure_id, s.service_id, rb.criterion_id,
         case s.service_id when 'alpha-compute' then rb.max_rung when 'alpha-store' then 1
              else least(3, rb.max_rung) end
  from raw.services s cross join rb;
insert into raw.evidence values
  ('alpha-2026-11-01', 'alpha-compute', 'SOV-1.1', 'https://alpha.example/governance', 'board in Stockholm');
insert into raw.certifications values
  ('alpha-2026-11-01', 0, 'ISO27001', 'ISO-1', 'Cert AB', '2025-01-15', '2028-01-14');
insert into raw.certification_services values ('alpha-2026-11-01', 'ISO-1', 'alpha-compute');
insert into raw.service_runs_on values
  ('alpha-2026-11-01', 'alpha-store', 0, null, 'Euro Metal', 'Euro Metal GmbH', 'DE'),
  ('alpha-2026-11-01', 'alpha-store', 1, 'alpha-compute', null, null, null);
insert into raw.decisions values
  ('dec-1', 1, 'beta-db', 'suspend', 'audit pending', 'regulator', '2026-11-20 10:00:00', null, repeat('c', 64),
   null, null);
insert into raw.rejections values
  ('run-1', 'bad.json', 'E006', '$.services[0].model', 'model must be IaaS, PaaS or SaaS', 'delta', 'Delta SA',
   '2026-11-28', 'q-run-1');
insert into raw.input_files values
  ('alpha.json', repeat('a', 64), 1200, 'accepted', 'alpha-2026-11-01'),
  ('bad.json', repeat('d', 64), 300, 'rejected', null),
  ('beta.json', repeat('b', 64), 1100, 'accepted', 'beta-2026-10-01');
"""

MARTS_SQL = f"""
create table main.providers as
  select provider_id, legal_name, country, lei,
         case provider_id when 'alpha' then 'Atlas Capital LLC' else legal_name end as ultimate_controller_name,
         case provider_id when 'alpha' then 'US' else country end as ultimate_controller_country,
         provider_id = 'alpha' as third_country_control, true as ownership_ok, disclosure_id, submitted_at,
         'not_checked' as lei_check, null::varchar as gleif_legal_name, null::varchar as gleif_country,
         null::varchar as gleif_parent_lei, null::varchar as gleif_parent_name, null::varchar as gleif_parent_country,
         provider_id = 'alpha' as third_country_control_declared,
         case provider_id when 'alpha' then 'declared' end as control_evidence,
         null::date as gleif_checked_on, null::varchar as gleif_registration_status,
         'not_checked' as gleif_parent_check, null::varchar as gleif_parent_path, null::date as gleif_parent_checked_on
  from raw.disclosures;
create table main.criterion_results as
  with rb as (select * from read_csv('{SEEDS}/csf_criteria.csv', header = true)),
       top as (select criterion_id, arg_max(points, rung) as max_points from rb group by criterion_id)
  select a.service_id, a.criterion_id, split_part(a.criterion_id, '.', 1) as objective, a.rung,
         rb.points, top.max_points, rb.seal
  from raw.answers a join rb using (criterion_id, rung) join top using (criterion_id);
create table main.objective_results as
  select service_id, objective, round(100.0 * sum(points) / sum(max_points), 10)::double as score_pct,
         min(seal) as seal, min(seal) as seal_uncapped
  from main.criterion_results group by service_id, objective;
create table main.washing_flags as
  select 'alpha-compute' as service_id, 'W4-certificate' as flag, 'SOV-7' as objective, 2 as cap,
         'SOV-7.1 answered rung 5 but no certificate covering this service is valid' as reason;
update main.objective_results set seal = least(seal, 2) where service_id = 'alpha-compute' and objective = 'SOV-7';
create table main.services as
  with w as (select * from read_csv('{SEEDS}/csf_weights.csv', header = true)
             where weights_version = 'calculator-2026')
  select s.service_id, s.provider_id, s.name, s.model,
         round(sum(w.weight * o.score_pct), 10)::double as sovereignty_score,
         min(o.seal) as seal,
         case s.service_id when 'alpha-compute' then 2 when 'beta-db' then 1 else 0 end as ual,
         case s.service_id when 'alpha-compute' then 'listed' when 'beta-db' then 'suspended'
              else 'not_listed' end as status,
         case s.service_id when 'beta-db' then 'suspended: audit pending' end as status_reason,
         'calculator-2026' as weights_version, date '2026-11-28' as evaluated_on,
         false as disclosure_withdrawn,
         case s.service_id when 'alpha-compute' then 'open_source' else 'undeclared' end as open_source_status,
         case s.service_id when 'alpha-compute' then 'Apache-2.0' end as open_source_license,
         case s.service_id when 'alpha-compute' then 'https://code.alpha.example/compute' end
             as open_source_repository,
         min(o.seal) as seal_own,
         case s.service_id when 'alpha-compute' then 2 when 'beta-db' then 1 else 0 end as ual_own
  from raw.services s join main.objective_results o using (service_id) join w using (objective)
  group by all;
create table main.service_dependencies as
  select 'alpha-store' as service_id, 'Euro Metal (DE)' as dependency, 'platform' as kind,
         'Euro Metal GmbH' as operator_name, 'DE' as operator_country, 1 as depth,
         'alpha-store → Euro Metal (DE)' as path, null::integer as dependency_seal_own,
         null::integer as dependency_ual_own, null::integer as cap_seal, null::integer as cap_ual,
         false as is_capping
  union all
  select 'alpha-store', 'alpha-compute', 'service', null, null, 1, 'alpha-store → alpha-compute', seal_own, ual_own,
         seal_own, ual_own, false
  from main.services where service_id = 'alpha-compute';
create table main.cada_gates (service_id varchar, level integer, gate varchar, passed boolean);
insert into main.cada_gates values
  ('alpha-compute', 1, 'statement_of_conformity', true), ('alpha-compute', 1, 'subcontractor_register', true),
  ('alpha-compute', 1, 'data_location_checkable', true), ('alpha-compute', 2, 'audit', true),
  ('alpha-compute', 3, 'personnel', false),
  ('beta-db', 1, 'statement_of_conformity', true), ('beta-db', 1, 'subcontractor_register', true),
  ('beta-db', 1, 'data_location_checkable', true), ('beta-db', 2, 'audit', false);
create table main.certifications as
  select d.provider_id, c.certificate_id, cs.service_id, c.scheme, c.issuer, c.valid_from, c.valid_until,
         'self_declared' as corroboration, null::varchar as register_source_url
  from raw.certifications c join raw.disclosures d using (disclosure_id)
  join raw.certification_services cs using (disclosure_id, certificate_id);
create table main.decisions as
  select decision_id, service_id, action, reason, decided_by, decided_at from raw.decisions;
create table main.rejections as select file, code, path, message, run_id from raw.rejections;
create table main.service_history as
  select service_id, date '2026-11-28' as valid_from, null::date as valid_to, seal, ual, sovereignty_score, status
  from main.services
  union all
  select 'alpha-compute', date '2026-11-01', date '2026-11-28', 1, 1, 50.0, 'listed';
create table main.changes (service_id varchar, field varchar, change varchar, old_value varchar,
                           new_value varchar);
create table main.review_items (subject_id varchar, kind varchar, subject_type varchar, detail varchar,
                                first_seen_on date, previous_as_of date);
create table main.reference_sources as
  select source, file_sha256, kind, file, rows, first_loaded_on, in_use from raw.ref_sources;
create table main.source_freshness (kind varchar, source varchar, file varchar, loaded_on date, age_days integer,
                                    max_age_days integer, freshness varchar, stale_reason varchar);
-- columns only the site reads (the gate checks they exist)
alter table main.providers add column website varchar;
alter table main.providers add column control_chain varchar;
alter table main.providers add column non_union_capital_pct double;
alter table main.providers add column non_union_voting_pct double;
alter table main.services add column seal_uncapped integer;
update main.services set seal_uncapped = seal;
alter table main.services add column regions varchar;
alter table main.services add column flag_count integer default 0;
update main.services s set flag_count = (select count(*) from main.washing_flags w where w.service_id = s.service_id);
alter table main.objective_results add column objective_name varchar;
alter table main.objective_results add column weight double;
alter table main.criterion_results add column title varchar;
alter table main.criterion_results add column rung_label varchar;
alter table main.criterion_results add column evidence_url varchar;
alter table main.criterion_results add column evidence_note varchar;
alter table main.cada_gates add column gate_order integer;
alter table main.cada_gates add column detail varchar;
alter table main.certifications add column valid_on_as_of boolean default true;
alter table main.decisions add column in_force boolean default true;
"""


def build_warehouse(path: Path, marts: bool = True) -> Path:
    """Write the good warehouse to `path` (raw tables always, marts unless `marts=False`)."""
    con = duckdb.connect(str(path))
    try:
        con.execute(RAW_DDL.read_text(encoding="utf-8"))
        con.execute(RAW_SQL)
        if marts:
            con.execute(MARTS_SQL)
    finally:
        con.close()
    return path


def corrupt(path: Path, sql: str) -> Path:
    """Apply `sql` to the warehouse at `path` (read-write), then close it."""
    con = duckdb.connect(str(path))
    try:
        con.execute(sql)
    finally:
        con.close()
    return path
