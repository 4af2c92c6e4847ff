-- One row per raised sovereignty-washing flag, with the cap it applies and its reason.
select
    service_id,
    flag,
    objective,
    cap,
    reason,
    criterion_id,
    rung
from {{ ref('int_washing_flags__detected') }}
