-- Sovereignty-washing flags raised by reference data (assurance-rules §6), one row per service and flag,
-- with a reason naming the authority's record. No flag when the source is not loaded (the checks
-- upstream are then not_checked).
-- Objective and cap of each flag: its rule in var('washing_flags') (dbt_project.yml).
--   W5-undeclared-parent     GLEIF parent outside the Union, declared chain without third-country control
--   W6-identity              lei_check unknown, invalid or country_mismatch
--   W7-certificate-register  a certificate listing the service has a corroboration other than
--                            self_declared or corroborated
-- criterion_id and rung are null: these flags contradict the provider's facts, not one answer.
with

services as (

    select service_id, provider_id from {{ ref('int_services__current') }}

),

control as (

    select * from {{ ref('int_providers__control_effective') }}

),

identity as (

    select * from {{ ref('int_providers__lei_checked') }}

),

service_certificates as (

    select * from {{ ref('int_certifications__covered') }}
    where service_id is not null

),

w5_undeclared_parent as (

    select
        services.service_id,
        {{ washing_flag_columns('W5-undeclared-parent') }},
        'GLEIF names ' || coalesce(control.gleif_parent_name, control.gleif_parent_lei)
        || ' (LEI ' || control.gleif_parent_lei || ', ' || control.gleif_parent_country || ') as parent through '
        || control.gleif_parent_relationship || ', but the declared chain ends at '
        || coalesce(control.ultimate_controller_name, control.ultimate_controller_id)
        || ' (' || coalesce(control.ultimate_controller_country, '?') || '): ' || control.control_chain as reason
    from services
    inner join control on services.provider_id = control.provider_id
    where control.undeclared_gleif_parent

),

w6_identity as (

    select
        services.service_id,
        {{ washing_flag_columns('W6-identity') }},
        case identity.lei_check
            when 'unknown' then 'the declared LEI ' || identity.lei || ' is not in GLEIF Level 1'
            when 'invalid' then 'GLEIF Level 1 record ' || identity.lei || ' (' || identity.gleif_legal_name
                || ') has registration status ' || identity.gleif_registration_status
                || ' and entity status ' || identity.gleif_entity_status
            else 'GLEIF Level 1 record ' || identity.lei || ' (' || identity.gleif_legal_name
                || ') has legal-address country ' || identity.gleif_country
                || ', the disclosure declares ' || identity.country
        end as reason
    from services
    inner join identity on services.provider_id = identity.provider_id
    where identity.lei_check in ('unknown', 'invalid', 'country_mismatch')

),

w7_certificate_register as (

    select
        service_id,
        {{ washing_flag_columns('W7-certificate-register') }},
        'the scheme register does not corroborate '
        || string_agg(
            scheme || ' ' || certificate_id || ': ' || corroboration
            || ' (' || coalesce(register_source_url, register_source) || ')',
            '; ' order by certificate_id
        ) as reason
    from service_certificates
    where corroboration not in ('self_declared', 'corroborated')
    group by service_id

)

select * from w5_undeclared_parent
union all
select * from w6_identity
union all
select * from w7_certificate_register
