-- One row per service of the disclosure in force: its CADA block (spec §4) next to its
-- provider's effective control facts (spec §2, §6.2), so the gate model reads a single relation.
with

services as (

    select * from {{ ref('int_services__current') }}

),

control as (

    select
        provider_id,
        third_country_control,
        third_country_control_declared,
        ultimate_controller_country,
        gleif_third_country,
        gleif_parent_country,
        third_country_controller
    from {{ ref('int_providers__control_effective') }}

)

select
    -- ids
    services.service_id,
    services.provider_id,
    services.disclosure_id,

    -- the cada block (all null when has_cada is false; audit columns null when has_audit is false)
    coalesce(services.has_cada, false) as has_cada,
    services.statement_of_conformity,
    services.subcontractor_register,
    services.data_location_checkable,
    coalesce(services.has_audit, false) as has_audit,
    services.audit_opinion,
    services.audit_date,
    services.audit_claimed_level,
    services.cyber_certificate,
    services.personnel,
    services.support_in_union,
    services.sbom,
    services.no_third_country_ai_training,
    services.safeguard_no_delivery_restraint,
    services.safeguard_no_data_access,
    services.safeguard_no_continuity_disruption,
    services.safeguard_no_forced_sanctions,
    services.source_code_access,
    services.no_third_country_kill_switch,

    -- the provider's effective control (assurance-rules §6.2; null only if the control model lacks the provider)
    control.third_country_control,
    control.third_country_control_declared,
    control.ultimate_controller_country,
    control.gleif_third_country,
    control.gleif_parent_country,
    control.third_country_controller
from services
left join control on services.provider_id = control.provider_id
