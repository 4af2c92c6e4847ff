{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='as_of',
        full_refresh=false,
        on_schema_change='append_new_columns'
    )
}}
-- depends_on: {{ ref('int_decisions__flagged') }}
-- One row per published service per evaluation date (var as_of): the registry's memory.
-- Keyed by evaluation date, not by run: a rerun of the same as_of deletes that night's rows and
-- inserts the new ones (delete+insert on as_of), a backfill with an earlier as_of adds its own
-- night without touching the others. full_refresh=false: `dbt build --full-refresh` never wipes
-- history (start from a fresh warehouse file to reset it).
--
-- Revoked services whose disclosure has left the inbox stay published as revoked for five years
-- (spec §5): their last known state before this as_of is carried forward from this table, with
-- the status and reason of the revocation in force.
with

assessed as (

    select * from {{ ref('int_services__assessed') }}

),

current_states as (

    select
        {{ as_of_date() }} as as_of,
        service_id,
        provider_id,
        disclosure_id,
        name,
        model,
        sovereignty_score,
        seal,
        seal_uncapped,
        ual,
        status,
        status_reason,
        weights_version,
        evaluated_on,
        regions,
        flag_count,
        false as disclosure_withdrawn
    from assessed

)

{%- if is_incremental() %},

revocations as (

    select service_id, status_reason
    from {{ ref('int_decisions__flagged') }}
    where in_force and action = 'revoke' and {{ as_of_date() }} <= visible_until

),

last_known as (

    select *
    from {{ this }}
    where as_of < {{ as_of_date() }}
    qualify row_number() over (partition by service_id order by as_of desc) = 1

),

withdrawn_revoked as (

    select
        {{ as_of_date() }} as as_of,
        last_known.service_id,
        last_known.provider_id,
        last_known.disclosure_id,
        last_known.name,
        last_known.model,
        last_known.sovereignty_score,
        last_known.seal,
        last_known.seal_uncapped,
        last_known.ual,
        'revoked' as status,
        revocations.status_reason,
        last_known.weights_version,
        {{ as_of_date() }} as evaluated_on,
        last_known.regions,
        last_known.flag_count,
        true as disclosure_withdrawn
    from last_known
    inner join revocations on last_known.service_id = revocations.service_id
    where last_known.service_id not in (select service_id from current_states)

)

select * from current_states
union all
select * from withdrawn_revoked

{%- else %}

select * from current_states

{%- endif %}
