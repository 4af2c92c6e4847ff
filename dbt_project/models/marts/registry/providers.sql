-- One row per provider (its disclosure in force) with ownership and control (assurance-rules §2).
with

providers as (

    select * from {{ ref('stg_disclosures__latest') }}

),

control as (

    select * from {{ ref('int_providers__control_chain') }}

),

ownership as (

    select * from {{ ref('int_providers__ownership_checked') }}

)

select
    providers.provider_id,
    providers.legal_name,
    providers.country,
    providers.lei,
    providers.website,
    control.ultimate_controller_id,
    control.ultimate_controller_name,
    control.ultimate_controller_country,
    control.third_country_control,
    control.control_chain,
    control.chain_depth,
    ownership.ownership_ok,
    ownership.non_union_capital_pct,
    ownership.non_union_voting_pct,
    providers.disclosure_id,
    providers.submitted_at
from providers
left join control on providers.provider_id = control.provider_id
left join ownership on providers.provider_id = ownership.provider_id
