-- `services` rows of the disclosure in force per provider only (superseded disclosures dropped).
with

rows_ as (

    select * from {{ ref('stg_raw__services') }}

),

latest as (

    select disclosure_id, provider_id from {{ ref('stg_disclosures__latest') }}

)

select
    latest.provider_id,
    rows_.disclosure_id,
    rows_.service_id,
    rows_.position,
    rows_.name,
    rows_.model,
    rows_.has_cada,
    rows_.statement_of_conformity,
    rows_.subcontractor_register,
    rows_.data_location_checkable,
    rows_.has_audit,
    rows_.audit_auditor,
    rows_.audit_opinion,
    rows_.audit_date,
    rows_.audit_claimed_level,
    rows_.cyber_certificate,
    rows_.personnel,
    rows_.support_in_union,
    rows_.sbom,
    rows_.no_third_country_ai_training,
    rows_.safeguard_no_delivery_restraint,
    rows_.safeguard_no_data_access,
    rows_.safeguard_no_continuity_disruption,
    rows_.safeguard_no_forced_sanctions,
    rows_.source_code_access,
    rows_.no_third_country_kill_switch
from rows_
inner join latest on rows_.disclosure_id = latest.disclosure_id
