{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='as_of',
        full_refresh=false,
        on_schema_change='append_new_columns'
    )
}}
-- The reference evidence of each evaluation date (assurance-rules §6), kept like service_states
-- (delete+insert on as_of, never wiped by --full-refresh) so that review_items can compare an
-- evaluation with the previous one. One row per as_of, subject and fact:
--   service      W5-undeclared-parent / W6-identity / W7-certificate-register   value = raised
--   provider     gleif_parent    value = the parent's LEI, or 'none' (only when Level 2 was checked)
--   certificate  corroboration   value = the corroboration (subject: provider_id/certificate_id)
with

flags as (

    select service_id, flag, reason
    from {{ ref('int_washing_flags__reference_checked') }}

),

parents as (

    select *
    from {{ ref('int_providers__gleif_parent') }}
    where gleif_parent_check in ('ultimate', 'direct', 'none')

),

certificates as (

    select * from {{ ref('int_certifications__corroborated') }}

),

facts as (

    select
        'service' as subject_type,
        service_id as subject_id,
        flag as fact,
        'raised' as value,
        reason as detail
    from flags

    union all

    select
        'provider',
        provider_id,
        'gleif_parent',
        coalesce(gleif_parent_lei, 'none'),
        case
            when gleif_parent_lei is null then 'no GLEIF parent'
            else coalesce(gleif_parent_name, 'not in Level 1') || ' (LEI ' || gleif_parent_lei || ', '
                || coalesce(gleif_parent_country, 'country unknown') || ', ' || gleif_parent_relationship || ')'
        end
    from parents

    union all

    select
        'certificate',
        provider_id || '/' || certificate_id,
        'corroboration',
        corroboration,
        scheme || ' ' || certificate_id || ': ' || corroboration
        || coalesce(' (' || coalesce(register_source_url, register_source) || ')', '')
    from certificates

)

select
    {{ as_of_date() }} as as_of,
    subject_type,
    subject_id,
    fact,
    value,
    detail
from facts
