{{ config(materialized='table') }}
-- SCD-2 periods per service over the ordered set of evaluation dates in service_states
-- (gaps and islands). A period is a run of consecutive evaluations (consecutive in the set of
-- evaluation dates, not in the calendar) where the service is present with the same seal, ual,
-- sovereignty_score, status, status_reason, objective SEALs, flag count, third-country control and
-- open-source status (tender eligibility follows from the status and the open-source preference
-- from the open-source status, so both hold for the whole period).
--   valid_from: first as_of of the period;
--   valid_to:   as_of of the first later evaluation where the state differs or the service is
--               absent (exclusive end); null while the period holds at the latest evaluation.
-- name / provider_id / model are descriptive: they do not split periods; the period shows the
-- values of its latest evaluation. Rebuilt in full from service_states on every run, so a
-- backfill or a rerun re-cuts the periods consistently.
with

states as (

    select * from {{ ref('service_states') }}

),

evaluations as (

    select as_of, row_number() over (order by as_of) as evaluation_no
    from (select distinct as_of from states)

),

numbered as (

    select states.*, evaluations.evaluation_no
    from states
    inner join evaluations on states.as_of = evaluations.as_of

),

marked as (

    select
        *,
        case
            when lag(evaluation_no) over by_service = evaluation_no - 1
                and lag(seal) over by_service is not distinct from seal
                and lag(ual) over by_service is not distinct from ual
                and lag(sovereignty_score) over by_service is not distinct from sovereignty_score
                and lag(status) over by_service is not distinct from status
                and lag(status_reason) over by_service is not distinct from status_reason
                and lag(objective_seals) over by_service is not distinct from objective_seals
                and lag(flag_count) over by_service is not distinct from flag_count
                and lag(third_country_control) over by_service is not distinct from third_country_control
                and lag(open_source_status) over by_service is not distinct from open_source_status
            then 0
            else 1
        end as starts_period
    from numbered
    window by_service as (partition by service_id order by as_of)

),

islands as (

    select
        *,
        sum(starts_period) over (
            partition by service_id order by as_of rows between unbounded preceding and current row
        ) as period_no
    from marked

),

periods as (

    select
        service_id,
        min(as_of) as valid_from,
        max(evaluation_no) as last_evaluation_no,
        arg_max(name, as_of) as name,
        arg_max(provider_id, as_of) as provider_id,
        arg_max(model, as_of) as model,
        any_value(seal) as seal,
        any_value(ual) as ual,
        any_value(sovereignty_score) as sovereignty_score,
        any_value(status) as status,
        any_value(status_reason) as status_reason,
        any_value(objective_seals) as objective_seals,
        any_value(flag_count) as flag_count,
        any_value(third_country_control) as third_country_control,
        any_value(tender_eligible) as tender_eligible,
        any_value(tender_exclusion_reason) as tender_exclusion_reason,
        any_value(open_source_status) as open_source_status,
        coalesce(any_value(open_source_preferred), false) as open_source_preferred,
        count(*) as evaluations
    from islands
    group by service_id, period_no

)

select
    periods.service_id,
    periods.valid_from,
    next_evaluation.as_of as valid_to,
    periods.name,
    periods.provider_id,
    periods.model,
    periods.seal,
    periods.ual,
    periods.sovereignty_score,
    periods.status,
    periods.status_reason,
    cast(periods.evaluations as integer) as evaluations,
    periods.objective_seals,
    periods.flag_count,
    periods.third_country_control,
    periods.tender_eligible,
    periods.tender_exclusion_reason,
    periods.open_source_status,
    periods.open_source_preferred
from periods
left join evaluations as next_evaluation
    on next_evaluation.evaluation_no = periods.last_evaluation_no + 1
