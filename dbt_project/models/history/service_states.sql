{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='as_of',
        full_refresh=false,
        on_schema_change='append_new_columns',
        pre_hook="{% if is_incremental() %}{{ add_service_states_columns() }}{% endif %}"
    )
}}
-- depends_on: {{ ref('int_decisions__flagged') }}
-- depends_on: {{ ref('int_objectives__capped') }}
-- depends_on: {{ ref('providers') }}
-- One row per published service per evaluation date (var as_of): the registry's memory.
-- Keyed by evaluation date, not by run: a rerun of the same as_of deletes that night's rows and
-- inserts the new ones (delete+insert on as_of), a backfill with an earlier as_of adds its own
-- night without touching the others. full_refresh=false: `dbt build --full-refresh` never wipes
-- history (start from a fresh warehouse file to reset it).
--
-- Revoked services whose disclosure has left the inbox stay published as revoked for var('revoked_visible_years') years
-- (spec §5): their last known state before this as_of is carried forward from this table, with
-- the status and reason of the revocation in force.
--
-- Tender eligibility (the rule every reader uses: CLI shortlist, README query, site): a service is
-- eligible for a tender exactly when its status is `listed`; otherwise `tender_exclusion_reason`
-- says why, from the status and its stable reason. The row also keeps what a tender filters on
-- (objective SEALs, flag count, the provider's third-country control), so that a shortlist "as it
-- stood on DATE" is answered from history.
with

assessed as (

    select * from {{ ref('int_services__assessed') }}

),

objective_seals as (

    select service_id, list(seal order by objective) as objective_seals
    from {{ ref('int_objectives__capped') }}
    group by service_id

),

providers as (

    select provider_id, third_country_control from {{ ref('providers') }}

),

current_states as (

    select
        {{ as_of_date() }} as as_of,
        assessed.service_id,
        assessed.provider_id,
        assessed.disclosure_id,
        assessed.name,
        assessed.model,
        assessed.sovereignty_score,
        assessed.seal,
        assessed.seal_uncapped,
        assessed.ual,
        assessed.seal_own,
        assessed.ual_own,
        assessed.status,
        assessed.status_reason,
        assessed.weights_version,
        assessed.evaluated_on,
        assessed.regions,
        assessed.flag_count,
        false as disclosure_withdrawn,
        objective_seals.objective_seals,
        providers.third_country_control,
        assessed.open_source_status,
        assessed.open_source_license,
        assessed.open_source_repository
    from assessed
    left join objective_seals on assessed.service_id = objective_seals.service_id
    left join providers on assessed.provider_id = providers.provider_id

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
        coalesce(last_known.seal_own, last_known.seal) as seal_own,  -- rows written before §7 had no caps
        coalesce(last_known.ual_own, last_known.ual) as ual_own,
        'revoked' as status,
        revocations.status_reason,
        last_known.weights_version,
        {{ as_of_date() }} as evaluated_on,
        last_known.regions,
        last_known.flag_count,
        true as disclosure_withdrawn,
        last_known.objective_seals,
        last_known.third_country_control,
        coalesce(last_known.open_source_status, 'undeclared') as open_source_status,
        last_known.open_source_license,
        last_known.open_source_repository
    from last_known
    inner join revocations on last_known.service_id = revocations.service_id
    where last_known.service_id not in (select service_id from current_states)

),

all_states as (

    select * from current_states
    union all
    select * from withdrawn_revoked

)

{%- else %},

all_states as (

    select * from current_states

)

{%- endif %}

select
    *,
    status = 'listed' as tender_eligible,
    case
        when status = 'listed' then null
        when status in ('suspended', 'revoked') then status_reason
        else replace(status, '_', ' ') || ': ' || status_reason
    end as tender_exclusion_reason,
    coalesce(open_source_status = 'open_source', false) as open_source_preferred
from all_states
