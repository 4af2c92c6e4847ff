-- One row per service and objective (assurance-rules §1):
--   score_pct     = 100 × Σ points / Σ max_points (double, rounded to 10 decimals)
--   seal_uncapped = the minimum seal over the objective's criteria (weakest link)
-- Points stay exact decimals; the division is the only floating-point step.
with

criteria as (

    select * from {{ ref('int_criteria__scored') }}

),

summed as (

    select
        service_id,
        objective,
        any_value(provider_id) as provider_id,
        any_value(disclosure_id) as disclosure_id,
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
    seal_uncapped
from summed
