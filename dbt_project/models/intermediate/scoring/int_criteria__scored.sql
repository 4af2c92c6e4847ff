{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{% if is_incremental() %}{{ delete_disclosures_out_of_force() }}{% endif %}"
    )
}}
-- One row per service and CSF criterion (assurance-rules §1): the answered rung looked up in the
-- rulebook gives `points` and `seal`; `max_points` is the points of the criterion's top rung.
-- Left joins on purpose: an answer the rulebook does not know keeps its row with null points,
-- which the not_null tests then report instead of silently dropping a criterion.
-- Incremental by disclosure (macros/scored_by_disclosure.sql): only disclosures not scored yet.
with

pending as (

    {{ disclosures_to_score() }}

),

answers as (

    select answers.*, pending.file_sha256
    from {{ ref('int_answers__current') }} as answers
    inner join pending on answers.disclosure_id = pending.disclosure_id

),

criteria as (

    select * from {{ ref('csf_criteria') }}

),

top_rungs as (

    select
        criterion_id,
        max(rung) as top_rung,
        arg_max(points, rung) as max_points
    from criteria
    group by criterion_id

),

evidence as (

    select * from {{ ref('int_evidence__current') }}

)

select
    answers.service_id,
    answers.criterion_id,
    answers.provider_id,
    answers.disclosure_id,
    criteria.objective,
    criteria.objective_name,
    criteria.title,
    answers.rung,
    criteria.rung_label,
    top_rungs.top_rung,
    criteria.points,
    top_rungs.max_points,
    criteria.seal,
    evidence.url as evidence_url,
    evidence.note as evidence_note,
    answers.file_sha256,
    {{ project_digest() }} as project_digest
from answers
left join criteria
    on answers.criterion_id = criteria.criterion_id
    and answers.rung = criteria.rung
left join top_rungs
    on answers.criterion_id = top_rungs.criterion_id
left join evidence
    on answers.service_id = evidence.service_id
    and answers.criterion_id = evidence.criterion_id
