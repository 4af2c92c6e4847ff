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

states as (

    select * from {{ ref('evidence_states') }}

),

previous_evaluation as (

    select max(as_of) as as_of from states where as_of < {{ as_of_date() }}

),

current_facts as (

    select * from states where as_of = {{ as_of_date() }}

),

previous_facts as (

    select states.*
    from states
    inner join previous_evaluation on states.as_of = previous_evaluation.as_of

),

new_flags as (

    select
        current_facts.subject_type,
        current_facts.subject_id,
        current_facts.fact as kind,
        'new flag: ' || current_facts.detail as detail
    from current_facts
    left join previous_facts
        on current_facts.subject_id = previous_facts.subject_id
        and current_facts.fact = previous_facts.fact
    where current_facts.subject_type = 'service'
        and previous_facts.subject_id is null

),

changed_parents as (

    select
        current_facts.subject_type,
        current_facts.subject_id,
        'gleif_parent_changed' as kind,
        'GLEIF parent was ' || previous_facts.detail || ', now ' || current_facts.detail as detail
    from current_facts
    inner join previous_facts
        on current_facts.subject_id = previous_facts.subject_id
        and current_facts.fact = previous_facts.fact
    where current_facts.fact = 'gleif_parent'
        and current_facts.value <> previous_facts.value

),

lost_corroborations as (

    select
        current_facts.subject_type,
        current_facts.subject_id,
        'corroboration_lost' as kind,
        'was corroborated, now ' || current_facts.detail as detail
    from current_facts
    inner join previous_facts
        on current_facts.subject_id = previous_facts.subject_id
        and current_facts.fact = previous_facts.fact
    where current_facts.fact = 'corroboration'
        and previous_facts.value = 'corroborated'
        and current_facts.value <> 'corroborated'

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
