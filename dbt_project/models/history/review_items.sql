{{ config(materialized='table') }}
-- What changed in the reference evidence on this evaluation date (var as_of) against the latest
-- earlier evaluation date in evidence_states, for the regulator to review. Key (subject_id, kind):
--   W5-undeclared-parent, W6-identity, W7-certificate-register   a flag raised on a service that
--        did not have it at the previous evaluation (on the first evaluation ever, every such flag);
--   gleif_parent_changed   a provider's GLEIF parent differs from the previous evaluation's (both
--        checked; a first GLEIF parent after "none" counts, a first check does not);
--   corroboration_lost     a certificate corroborated at the previous evaluation is not any more
--        (still declared; detail gives the new value and the register link).
-- first_seen_on is this evaluation date; previous_as_of the evaluation compared with (null: none).
with

{{ evaluation_pair(ref('evidence_states')) }},

new_flags as (

    select
        current_rows.subject_type,
        current_rows.subject_id,
        current_rows.fact as kind,
        'new flag: ' || current_rows.detail as detail
    from current_rows
    left join previous_rows
        on current_rows.subject_id = previous_rows.subject_id
        and current_rows.fact = previous_rows.fact
    where current_rows.subject_type = 'service'
        and previous_rows.subject_id is null

),

changed_parents as (

    select
        current_rows.subject_type,
        current_rows.subject_id,
        'gleif_parent_changed' as kind,
        'GLEIF parent was ' || previous_rows.detail || ', now ' || current_rows.detail as detail
    from current_rows
    inner join previous_rows
        on current_rows.subject_id = previous_rows.subject_id
        and current_rows.fact = previous_rows.fact
    where current_rows.fact = 'gleif_parent'
        and current_rows.value <> previous_rows.value

),

lost_corroborations as (

    select
        current_rows.subject_type,
        current_rows.subject_id,
        'corroboration_lost' as kind,
        'was corroborated, now ' || current_rows.detail as detail
    from current_rows
    inner join previous_rows
        on current_rows.subject_id = previous_rows.subject_id
        and current_rows.fact = previous_rows.fact
    where current_rows.fact = 'corroboration'
        and previous_rows.value = 'corroborated'
        and current_rows.value <> 'corroborated'

),

items as (

    select * from new_flags
    union all
    select * from changed_parents
    union all
    select * from lost_corroborations

)

select
    subject_id,
    kind,
    subject_type,
    detail,
    {{ as_of_date() }} as first_seen_on,
    (select as_of from previous_evaluation) as previous_as_of
from items
