-- One row per service and CSF objective: score, weakest-link SEAL before and after the caps, weight.
select
    service_id,
    objective,
    objective_name,
    score_pct,
    seal,
    seal_uncapped,
    cap,
    cast(weight as double) as weight,
    weights_version,
    cast(points as double) as points,
    cast(max_points as double) as max_points,
    disclosure_id
from {{ ref('int_objectives__capped') }}
