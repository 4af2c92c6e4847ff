-- One row per service and objective, after the washing-flag caps (assurance-rules §3) and with the
-- objective's weight for the run's weights version (var weights_version).
--   seal = least(seal_uncapped, lowest cap of the flags on this objective); caps never change points
--   or score_pct. weight is null when the weights version is unknown (not_null tests fail the build).
with

objectives as (

    select * from {{ ref('int_objectives__scored') }}

),

flags as (

    select * from {{ ref('int_washing_flags__detected') }}

),

weights as (

    select objective, weight
    from {{ ref('csf_weights') }}
    where weights_version = '{{ var("weights_version") }}'

),

caps as (

    select
        service_id,
        objective,
        min(cap) as cap,
        string_agg(flag, ', ' order by flag) as flags
    from flags
    group by service_id, objective

)

select
    objectives.service_id,
    objectives.objective,
    objectives.provider_id,
    objectives.disclosure_id,
    objectives.objective_name,
    objectives.criteria_count,
    objectives.points,
    objectives.max_points,
    objectives.score_pct,
    objectives.seal_uncapped,
    caps.cap,
    caps.flags,
    case
        when caps.cap is not null and caps.cap < objectives.seal_uncapped then caps.cap
        else objectives.seal_uncapped
    end as seal,
    weights.weight,
    '{{ var("weights_version") }}' as weights_version
from objectives
left join caps
    on objectives.service_id = caps.service_id
    and objectives.objective = caps.objective
left join weights
    on objectives.objective = weights.objective
