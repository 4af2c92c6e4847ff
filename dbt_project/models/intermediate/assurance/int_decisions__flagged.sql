-- Regulator decisions (spec §5) known on the evaluation date, flagged with what is in force.
--   * known at as_of: decided_at < as_of + 1 day (any time on the evaluation date counts);
--     later decisions (only possible in a backfill) are left out;
--   * a `withdraw` record corrects an erroneous decision (the log stays append-only): the decision
--     it names (`withdraws`) and the withdraw itself never set a status (`withdrawn_by` names it);
--   * latest per service wins among the rest: order by decided_at, then seq (the log's append order);
--     a transfer (a service id given to another provider, applied by ingestion) is ranked apart and
--     never in force;
--   * in force: the latest decision of its service, and it is a suspend or a revoke
--     (a reinstate lifts the earlier decision: nothing is in force);
--   * a revoked service stays published for var('revoked_visible_years') years: through decided_at's date
--     + that many calendar years inclusive (`visible_until`); from the next day on it is no longer published (`hides_service`).
with

decisions as (

    select * from {{ ref('stg_raw__decisions') }}
    where decided_at < {{ as_of_date() }} + interval 1 day

),

withdrawals as (

    select withdraws as decision_id, min(decision_id) as withdrawn_by
    from decisions
    where action = 'withdraw'
    group by withdraws

),

effective as (

    select decisions.*, withdrawals.withdrawn_by
    from decisions
    left join withdrawals on decisions.decision_id = withdrawals.decision_id

),

ranked as (

    select
        *,
        action not in ('withdraw', 'transfer') and withdrawn_by is null
        and row_number() over (
            partition by service_id, action not in ('withdraw', 'transfer') and withdrawn_by is null
            order by decided_at desc, seq desc, decision_id desc
        ) = 1 as is_latest
    from effective

)

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
    is_latest,
    is_latest and action in ('suspend', 'revoke') as in_force,
    case action when 'suspend' then 'suspended' when 'revoke' then 'revoked' end as status_if_in_force,
    case when action = 'revoke' then cast(cast(decided_at as date) + interval {{ var('revoked_visible_years') }} year as date) end
        as visible_until,
    -- in force and past its visibility: the service is no longer published
    coalesce(
        is_latest and action = 'revoke'
        and {{ as_of_date() }} > cast(cast(decided_at as date) + interval {{ var('revoked_visible_years') }} year as date), false
    ) as hides_service,
    -- the sentence published as status_reason while this decision is in force
    case action when 'suspend' then 'suspended' when 'revoke' then 'revoked' else action end
        || ' by decision ' || decision_id
        || ' of ' || strftime(decided_at, '%Y-%m-%d')
        || coalesce(' under ' || legal_basis, '')
        || ': ' || coalesce(reason, 'no reason given') as status_reason
from ranked
