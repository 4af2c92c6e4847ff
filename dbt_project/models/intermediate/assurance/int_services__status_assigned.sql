-- Status and status_reason per service of the disclosure in force (spec §5), from the UAL after the
-- supply-chain caps of §7 (`ual`; `ual_own` before them), in this order:
--   1. a regulator decision in force: suspended / revoked (reason and decision id);
--   2. expired: the audit is older than var('audit_max_age_days') days and the service would otherwise hold UAL >= 2,
--      also under its dependencies' caps (it is published at the level it does hold, UAL-1);
--   3. listed (UAL >= 1) / not_listed (UAL-0): a UAL lowered by a dependency names the dependency
--      and its path; otherwise the first failing gate above the level.
-- Reasons state dated facts (the audit date and the last day it was in date), never an age that
-- grows every night, so `changes` and `service_history` move only when something changed.
-- `is_published` is false only for a service revoked more than var('revoked_visible_years') years ago.
with

own_levels as (

    select * from {{ ref('int_services__ual_levelled') }}

),

capped as (

    select * from {{ ref('int_services__supply_chain_capped') }}

),

levels as (

    select
        own_levels.*,
        coalesce(capped.ual, own_levels.ual) as capped_ual,
        capped.ual_cap_reason,
        -- the level a fresh audit would give, under the dependencies' caps too
        least(own_levels.ual_if_audit_in_date, coalesce(capped.dependency_cap_ual, own_levels.ual_if_audit_in_date))
            as capped_ual_if_audit_in_date
    from own_levels
    left join capped on own_levels.service_id = capped.service_id  -- every service has a row there

),

in_force as (

    select * from {{ ref('int_decisions__flagged') }}
    where in_force

),

assigned as (

    select
        levels.service_id,
        levels.capped_ual as ual,
        levels.ual as ual_own,
        case
            when in_force.decision_id is not null then in_force.status_if_in_force
            when levels.audit_expired and levels.capped_ual_if_audit_in_date >= 2 then 'expired'
            when levels.capped_ual >= 1 then 'listed'
            else 'not_listed'
        end as status,
        case
            when in_force.decision_id is not null then in_force.status_reason
            when levels.audit_expired and levels.capped_ual_if_audit_in_date >= 2 then
                'audit dated ' || levels.audit_date || ' was in date until '
                || cast(levels.audit_date + {{ var('audit_max_age_days') }} as date) || ' ({{ var('audit_max_age_days') }} days): UAL-'
                || levels.capped_ual_if_audit_in_date
                || ' lapsed, published at UAL-' || levels.capped_ual
            when levels.ual_cap_reason is not null then levels.ual_cap_reason
            when levels.ual = 4 then 'meets every gate up to UAL-4'
            when not levels.has_cada then 'UAL-1 not reached: no CADA block'
            else 'UAL-' || levels.first_failed_level || ' not reached: '
                || levels.first_failed_gate || ' failed (' || levels.first_failed_detail || ')'
        end as status_reason,
        in_force.decision_id,
        not coalesce(in_force.hides_service, false) as is_published
    from levels
    left join in_force on levels.service_id = in_force.service_id

)

select * from assigned
