-- One row per provider (its disclosure in force) with ownership and control (assurance-rules §2) and
-- the GLEIF checks (§6.1, §6.2). third_country_control is the effective value of §6.2.
with

providers as (

    select * from {{ ref('stg_disclosures__latest') }}

),

control as (

    select * from {{ ref('int_providers__control_effective') }}

),

identity as (

    select * from {{ ref('int_providers__lei_checked') }}

),

gleif_parent as (

    select * from {{ ref('int_providers__gleif_parent') }}

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
    control.third_country_control_declared,
    control.control_evidence,
    control.control_chain,
    control.chain_depth,
    identity.lei_check,
    identity.gleif_checked_on,
    identity.gleif_legal_name,
    identity.gleif_country,
    identity.gleif_registration_status,
    gleif_parent.gleif_parent_check,
    gleif_parent.gleif_parent_lei,
    gleif_parent.gleif_parent_name,
    gleif_parent.gleif_parent_country,
    gleif_parent.gleif_parent_relationship,
    gleif_parent.gleif_parent_path,
    gleif_parent.gleif_parent_checked_on,
    ownership.ownership_ok,
    ownership.non_union_capital_pct,
    ownership.non_union_voting_pct,
    providers.disclosure_id,
    providers.submitted_at,
    providers.signing_key_fingerprint is not null as disclosure_signed,
    providers.signing_key_fingerprint
from providers
left join control on providers.provider_id = control.provider_id
left join ownership on providers.provider_id = ownership.provider_id
left join identity on providers.provider_id = identity.provider_id
left join gleif_parent on providers.provider_id = gleif_parent.provider_id
