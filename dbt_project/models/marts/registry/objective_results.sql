-- One row per service and CSF objective: score, weakest-link SEAL before and after the caps, weight.
select
    service_id,
    objective,
    objective_name,
    score_pct,
    seal,
    seal_uncapped,
    cap,
    weight,
    weights_version,
    points,
    max_points,
    disclosure_id
from {{ ref('int_objectives__capped') }}
