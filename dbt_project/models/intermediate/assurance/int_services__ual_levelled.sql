-- The Union assurance level (spec §4) per service: cumulative, so `ual` is the highest L such that
-- every gate of levels 1..L passes (a failed UAL-1 gate caps at 0 whatever UAL-2..4 say). Also
-- the first failing gate (lowest level, then gate_order), which always sits at level ual + 1, and
-- the inputs of the `expired` status (spec §5): the level the service would hold if its audit were
-- in date, for audits older than var('audit_max_age_days') days.
with

gates as (

    select * from {{ ref('int_services__cada_gates') }}

),

audits as (

    select service_id, has_cada, has_audit, audit_date, audit_age_days
    from {{ ref('int_services__cada_checked') }}

),

levels as (

    select
        service_id,
        coalesce(min(level) filter (where not passed), 5) - 1 as ual,
        coalesce(min(level) filter (where not passed and gate <> 'audit_within_365_days'), 5) - 1
            as ual_if_audit_in_date,
        min(level) filter (where not passed) as first_failed_level,
        arg_min(gate, level * 100 + gate_order) filter (where not passed) as first_failed_gate,
        arg_min(detail, level * 100 + gate_order) filter (where not passed) as first_failed_detail
    from gates
    group by service_id

)

select
    levels.service_id,
    cast(levels.ual as integer) as ual,
    audits.has_cada,
    audits.has_audit,
    audits.audit_date,
    audits.audit_age_days,
    -- expired: the audit is older than var('audit_max_age_days') days and is the only thing between the service and UAL >= 2
    coalesce(audits.audit_age_days > {{ var('audit_max_age_days') }} and levels.ual_if_audit_in_date >= 2, false) as audit_expired,
    cast(
        case when audits.audit_age_days > {{ var('audit_max_age_days') }} then levels.ual_if_audit_in_date else levels.ual end
        as integer
    ) as ual_if_audit_in_date,
    cast(levels.first_failed_level as integer) as first_failed_level,
    levels.first_failed_gate,
    levels.first_failed_detail
from levels
inner join audits on levels.service_id = audits.service_id
