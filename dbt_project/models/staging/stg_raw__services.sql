with

source as (

    select * from {{ source('raw', 'services') }}

),

renamed as (

    select
        cast(disclosure_id as varchar) as disclosure_id,
        cast(provider_id as varchar) as provider_id,
        cast(service_id as varchar) as service_id,
        cast(position as integer) as position,
        cast(name as varchar) as name,
        cast(model as varchar) as model,
        cast(has_cada as boolean) as has_cada,
        cast(statement_of_conformity as boolean) as statement_of_conformity,
        cast(subcontractor_register as boolean) as subcontractor_register,
        cast(data_location_checkable as boolean) as data_location_checkable,
        cast(has_audit as boolean) as has_audit,
        cast(audit_auditor as varchar) as audit_auditor,
        cast(audit_opinion as varchar) as audit_opinion,
        cast(audit_date as date) as audit_date,
        cast(audit_claimed_level as integer) as audit_claimed_level,
        cast(cyber_certificate as varchar) as cyber_certificate,
        cast(personnel as varchar) as personnel,
        cast(support_in_union as boolean) as support_in_union,
        cast(sbom as boolean) as sbom,
        cast(no_third_country_ai_training as boolean) as no_third_country_ai_training,
        cast(safeguard_no_delivery_restraint as boolean) as safeguard_no_delivery_restraint,
        cast(safeguard_no_data_access as boolean) as safeguard_no_data_access,
        cast(safeguard_no_continuity_disruption as boolean) as safeguard_no_continuity_disruption,
        cast(safeguard_no_forced_sanctions as boolean) as safeguard_no_forced_sanctions,
        cast(source_code_access as boolean) as source_code_access,
        cast(no_third_country_kill_switch as boolean) as no_third_country_kill_switch
    from source

)

select * from renamed
