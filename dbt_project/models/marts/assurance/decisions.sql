-- The regulator decisions known on the evaluation date (decided before the end of as_of), with
-- whether each is in force (the latest suspend/revoke of its service that no withdraw names).
-- `decided_by` is the official's role or id as recorded (personal names are refused at entry
-- unless the registry is configured to publish them).
select
    decision_id,
    seq,
    service_id,
    action,
    reason,
    decided_by,
    decided_at,
    legal_basis,
    withdraws,
    withdrawn_by,
    in_force
from {{ ref('int_decisions__flagged') }}
