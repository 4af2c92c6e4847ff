{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{% if is_incremental() %}{{ delete_disclosures_out_of_force() }}{% endif %}"
    )
}}
-- One row per service and objective (assurance-rules §1):
--   score_pct     = 100 × Σ points / Σ max_points (double, rounded to 10 decimals)
--   seal_uncapped = the minimum seal over the objective's criteria (weakest link)
-- Points stay exact decimals; the division is the only floating-point step.
-- Incremental by disclosure (macros/scored_by_disclosure.sql): only disclosures not scored yet.
with

pending as (

    {{ disclosures_to_score() }}

),

criteria as (

    select criteria.*
    from {{ ref('int_criteria__scored') }} as criteria
    inner join pending
        on criteria.disclosure_id = pending.disclosure_id
        and criteria.file_sha256 = pending.file_sha256

),

summed as (

    select
        service_id,
        objective,
        any_value(provider_id) as provider_id,
        any_value(disclosure_id) as disclosure_id,
        any_value(file_sha256) as file_sha256,
        any_value(objective_name) as objective_name,
        count(*) as criteria_count,
        sum(points) as points,
        sum(max_points) as max_points,
        min(seal) as seal_uncapped
    from criteria
    group by service_id, objective

)

select
    service_id,
    objective,
    provider_id,
    disclosure_id,
    objective_name,
    criteria_count,
    points,
    max_points,
    round(100 * cast(points as double) / nullif(cast(max_points as double), 0), 10) as score_pct,
    seal_uncapped,
    file_sha256,
    {{ project_digest() }} as project_digest
from summed
