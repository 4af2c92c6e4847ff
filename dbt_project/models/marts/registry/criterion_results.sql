-- One row per service and CSF criterion: the answered rung and what it gives, with evidence.
select
    service_id,
    criterion_id,
    objective,
    title,
    rung,
    rung_label,
    cast(points as double) as points,
    cast(max_points as double) as max_points,
    seal,
    evidence_url,
    evidence_note,
    disclosure_id
from {{ ref('int_criteria__scored') }}
