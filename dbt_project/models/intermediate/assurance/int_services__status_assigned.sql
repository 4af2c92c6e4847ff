-- Status and status_reason per service of the disclosure in force (spec §5), in this order:
--   1. a regulator decision in force: suspended / revoked (reason and decision id);
--   2. expired: the audit is older than 365 days and the service would otherwise hold UAL >= 2
--      (it is published at the level it does hold, UAL-1, since the L1 gates pass);
-- Reasons state dated facts (the audit date and the last day it was in date), never an age that
-- grows every night, so `changes` and `service_history` move only when something changed.
--   3. listed (UAL >= 1) / not_listed (UAL-0), with the first failing gate above the level.
-- `is_published` is false only for a service revoked more than five years ago.
with

levels as (

    select * from {{ ref('int_services__ual_levelled') }}

),

in_force as (

    select * from {{ ref('int_decisions__flagged') }}
    where in_force

),

assigned as (

    select
        levels.service_id,
        levels.ual,
        case
            when in_force.decision_id is not null then in_force.status_if_in_force
            when levels.audit_expired then 'expired'
            when levels.ual >= 1 then 'listed'
            else 'not_listed'
        end as status,
        case
            when in_force.decision_id is not null then in_force.status_reason
            when levels.audit_expired then
                'audit dated ' || levels.audit_date || ' was in date until '
                || cast(levels.audit_date + 365 as date) || ' (365 days): UAL-' || levels.ual_if_audit_in_date
                || ' lapsed, published at UAL-' || levels.ual
            when levels.ual = 4 then 'meets every gate up to UAL-4'
            when not levels.has_cada then 'UAL-1 not reached: no CADA block'
            else 'UAL-' || levels.first_failed_level || ' not reached: '
                || levels.first_failed_gate || ' failed (' || levels.first_failed_detail || ')'
        end as status_reason,
        in_force.decision_id,
        not coalesce(
            in_force.action = 'revoke' and {{ as_of_date() }} > in_force.visible_until, false
        ) as is_published
    from levels
    left join in_force on levels.service_id = in_force.service_id

)

select * from assigned
