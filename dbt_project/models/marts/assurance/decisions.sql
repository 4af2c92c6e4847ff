-- The regulator decisions known on the evaluation date (decided before the end of as_of), with
-- whether each is in force (the latest suspend/revoke of its service).
select
    decision_id,
    seq,
    service_id,
    action,
    reason,
    decided_by,
    decided_at,
    in_force
from {{ ref('int_decisions__flagged') }}
