-- The floor: the core scoring of spec/assurance-rules.md as one plain DuckDB script over the same
-- raw tables and seed tables the dbt project reads (no views, no tests, no templating beyond the
-- two run parameters {as_of} and {weights_version}). bench/__main__.py times it and compares its
-- results with the dbt marts (score, the own seal and ual before the supply-chain caps of §7, status,
-- control), so the ratio
-- (dbt build + GX final) / floor is measured against a floor that computes the same thing.
-- Output: tables in schema `floor`.
create schema if not exists floor;

-- disclosure in force per provider: latest submitted_at, ties -> larger disclosure_id
create or replace temp table latest as
select disclosure_id, provider_id, submitted_at, legal_name, country, lei, website
from raw.disclosures
qualify row_number() over (partition by provider_id order by submitted_at desc, disclosure_id desc) = 1;

create or replace temp table top_rungs as
select criterion_id, max(rung) as top_rung, arg_max(points, rung) as max_points
from main.csf_criteria group by criterion_id;

-- §1 criterion results
create or replace table floor.criterion_results as
select a.service_id, a.criterion_id, c.objective, a.rung, c.points, t.max_points, c.seal,
       e.url as evidence_url, e.note as evidence_note, a.disclosure_id, l.provider_id
from raw.answers a
join latest l using (disclosure_id)
left join main.csf_criteria c on c.criterion_id = a.criterion_id and c.rung = a.rung
left join top_rungs t on t.criterion_id = a.criterion_id
left join raw.evidence e
    on e.disclosure_id = a.disclosure_id and e.service_id = a.service_id and e.criterion_id = a.criterion_id;

-- §2 control chain
create or replace temp table direct_controllers as
select o.disclosure_id, l.provider_id, o.holder_id, o.holder_name, o.country
from raw.ownership o join latest l using (disclosure_id)
where o.controls or o.voting_pct > 50
qualify row_number() over (partition by l.provider_id
                           order by case when o.controls then 0 else 1 end, o.voting_pct desc nulls last, o.holder_id) = 1;

create or replace temp table parent_edges as
select l.provider_id, p.entity_id, p.controlled_by, p.controlled_by_name, p.controlled_by_country
from raw.parents p join latest l using (disclosure_id)
qualify row_number() over (partition by l.provider_id, p.entity_id order by p.position) = 1;

create or replace temp table chain as
with recursive hops as (
    select provider_id, 1 as depth, holder_id as node_id, holder_name as node_name, country as node_country,
           [provider_id, holder_id] as path_ids,
           coalesce(holder_name, holder_id) || ' (' || coalesce(country, '?') || ')' as path_text
    from direct_controllers
    union all
    select e.provider_id, 1, e.controlled_by, e.controlled_by_name, e.controlled_by_country,
           [e.provider_id, e.controlled_by],
           coalesce(e.controlled_by_name, e.controlled_by) || ' (' || coalesce(e.controlled_by_country, '?') || ')'
    from parent_edges e anti join direct_controllers d on d.provider_id = e.provider_id
    where e.entity_id = e.provider_id
    union all
    select h.provider_id, h.depth + 1, e.controlled_by, e.controlled_by_name, e.controlled_by_country,
           list_append(h.path_ids, e.controlled_by),
           h.path_text || ' → ' || coalesce(e.controlled_by_name, e.controlled_by)
           || ' (' || coalesce(e.controlled_by_country, '?') || ')'
    from hops h join parent_edges e on e.provider_id = h.provider_id and e.entity_id = h.node_id
    where h.depth < 32 and not list_contains(h.path_ids, e.controlled_by)
)
select * from hops qualify row_number() over (partition by provider_id order by depth desc) = 1;

create or replace temp table control as
select l.provider_id,
       coalesce(c.node_id, l.provider_id) as ultimate_controller_id,
       case when c.provider_id is null then l.legal_name else c.node_name end as ultimate_controller_name,
       case when c.provider_id is null then l.country else c.node_country end as ultimate_controller_country,
       coalesce(c.depth, 0) as chain_depth,
       l.provider_id || coalesce(' → ' || c.path_text, '') as control_chain
from latest l left join chain c using (provider_id);

create or replace table floor.providers as
with nu as (
    select l.provider_id, max(o.capital_pct) as max_cap, max(o.voting_pct) as max_vote,
           round(sum(o.capital_pct), 10) as sum_cap, round(sum(o.voting_pct), 10) as sum_vote
    from raw.ownership o join latest l using (disclosure_id)
    where o.country not in (select iso2 from main.countries)
    group by l.provider_id
)
select l.provider_id, l.legal_name, l.country, l.lei, l.website,
       c.ultimate_controller_id, c.ultimate_controller_name, c.ultimate_controller_country,
       c.ultimate_controller_country not in (select iso2 from main.countries)
           or c.ultimate_controller_country is null as third_country_control,
       c.control_chain, c.chain_depth,
       coalesce(nu.max_cap, 0) <= 24 and coalesce(nu.max_vote, 0) <= 24
           and coalesce(nu.sum_cap, 0) <= 39 and coalesce(nu.sum_vote, 0) <= 39 as ownership_ok,
       coalesce(nu.sum_cap, 0) as non_union_capital_pct, coalesce(nu.sum_vote, 0) as non_union_voting_pct,
       l.disclosure_id, l.submitted_at
from latest l join control c using (provider_id) left join nu using (provider_id);

-- §3 washing flags (only the caps matter for the scores)
create or replace temp table flags as
select r.service_id, 'SOV-1' as objective, 1 as cap
from floor.criterion_results r join floor.providers p using (provider_id)
where r.criterion_id = 'SOV-1.1' and r.rung >= 3 and p.third_country_control
union all
select r.service_id, 'SOV-3', 1
from floor.criterion_results r
where r.criterion_id = 'SOV-3.4' and r.rung = 5
  and exists (select 1 from raw.service_regions g
              where g.disclosure_id = r.disclosure_id and g.service_id = r.service_id
                and g.region not in (select iso2 from main.countries))
union all
select r.service_id, 'SOV-2', 1
from floor.criterion_results r join floor.providers p using (provider_id)
where r.criterion_id = 'SOV-2.1' and r.rung = 3 and p.country not in (select iso2 from main.countries)
union all
select r.service_id, 'SOV-7', 2
from floor.criterion_results r
where r.criterion_id = 'SOV-7.1' and r.rung >= 4
  and not exists (select 1 from raw.certification_services cs
                  join raw.certifications c using (disclosure_id, certificate_id)
                  where cs.disclosure_id = r.disclosure_id and cs.service_id = r.service_id
                    and c.valid_from <= date '{as_of}' and date '{as_of}' <= c.valid_until);

-- §1 + §3 objective results with caps
create or replace table floor.objective_results as
with summed as (
    select service_id, objective, any_value(provider_id) as provider_id, count(*) as criteria_count,
           sum(points) as points, sum(max_points) as max_points, min(seal) as seal_uncapped
    from floor.criterion_results group by service_id, objective
), caps as (
    select service_id, objective, min(cap) as cap from flags group by all
)
select s.service_id, s.objective, s.provider_id, s.criteria_count, s.points, s.max_points,
       round(100 * cast(s.points as double) / nullif(cast(s.max_points as double), 0), 10) as score_pct,
       s.seal_uncapped, caps.cap,
       case when caps.cap < s.seal_uncapped then caps.cap else s.seal_uncapped end as seal,
       w.weight
from summed s
left join caps using (service_id, objective)
left join main.csf_weights w on w.objective = s.objective and w.weights_version = '{weights_version}';

-- §4 CADA level, §5 status
create or replace table floor.services as
with svc as (
    select s.*, l.provider_id as latest_provider,
           coalesce(p.third_country_control, true) as tcc,
           case when s.has_audit then date '{as_of}' - s.audit_date end as age,
           case s.cyber_certificate when 'none' then 0 when 'basic' then 1 when 'substantial' then 2
                when 'high' then 3 end as cyber,
           case s.personnel when 'any' then 0 when 'eu_located' then 1 when 'eu_citizens' then 2
                when 'eu_citizens_cleared' then 3 end as pers,
           coalesce(s.safeguard_no_delivery_restraint and s.safeguard_no_data_access
                    and s.safeguard_no_continuity_disruption and s.safeguard_no_forced_sanctions, false) as sg_all
    from raw.services s join latest l using (disclosure_id)
    left join floor.providers p on p.provider_id = l.provider_id
), gates as (
    select *,
        coalesce(has_cada and statement_of_conformity and subcontractor_register and data_location_checkable,
                 false) as g1,
        coalesce(has_cada and has_audit and audit_opinion = 'positive' and audit_claimed_level >= 2
                 and cyber >= 2 and pers >= 1 and support_in_union and sbom and no_third_country_ai_training
                 and (not tcc or sg_all), false) as g2_rest,
        coalesce(has_audit and age between 0 and 365, false) as g2_date,
        coalesce(has_cada and has_audit and audit_claimed_level >= 3 and pers >= 2
                 and not tcc, false) as g3,  -- associated_countries is empty in the benchmark
        coalesce(has_cada and has_audit and audit_claimed_level = 4 and cyber = 3 and pers = 3 and not tcc
                 and no_third_country_kill_switch, false) as g4
    from svc
), levels as (
    select *,
        case when not g1 then 0 when not (g2_rest and g2_date) then 1 when not g3 then 2 when not g4 then 3
             else 4 end as ual,
        case when not g1 then 0 when not g2_rest then 1 when not g3 then 2 when not g4 then 3
             else 4 end as ual_if_audit_in_date
    from gates
), scores as (
    select service_id,
           round(cast(sum(cast(score_pct as decimal(18, 10)) * weight) as double), 10) as sovereignty_score,
           min(seal) as seal, min(seal_uncapped) as seal_uncapped
    from floor.objective_results group by service_id
), decided as (
    select service_id, action, decided_at
    from raw.decisions where decided_at < date '{as_of}' + interval 1 day
    qualify row_number() over (partition by service_id order by decided_at desc, seq desc, decision_id desc) = 1
)
select v.service_id, v.latest_provider as provider_id, v.name, v.model, sc.sovereignty_score, sc.seal,
       sc.seal_uncapped, v.ual,
       case when d.action = 'suspend' then 'suspended'
            when d.action = 'revoke' then 'revoked'
            when coalesce(v.age > 365 and v.ual_if_audit_in_date >= 2, false) then 'expired'
            when v.ual >= 1 then 'listed'
            else 'not_listed' end as status,
       v.disclosure_id
from levels v
left join scores sc using (service_id)
left join decided d on d.service_id = v.service_id
where not coalesce(d.action = 'revoke' and date '{as_of}' > cast(cast(d.decided_at as date) + interval 5 year as date),
                   false);
