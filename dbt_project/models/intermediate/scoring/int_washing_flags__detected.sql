-- Sovereignty-washing flags (assurance-rules §3): a self-declared answer that contradicts facts the
-- registry holds. One row per raised flag; the reason names the answer and the contradicting fact.
-- Each flag's criterion, claim rung (the lowest rung that makes the claim), objective and cap are its
-- rule in var('washing_flags') (dbt_project.yml); the contradicting facts:
--   W1-control       effective third-country control (§6.2)
--   W2-regions       a service region is outside the Union
--   W3-jurisdiction  the provider's country, or GLEIF's legal-address country (LEI in Level 1, whatever
--                    its status), is outside the Union
--   W4-certificate   no certificate covering this service is valid on as_of (valid and self_declared
--                    or corroborated, §6.3)
--   W9-open-source   the declared licence is source-available (int_services__open_source_checked, §8)
-- plus W5-W7 from int_washing_flags__reference_checked.
-- "The Union" is the countries seed (EU + EEA). W4 counts only certificates that list the service.
with

answers as (

    select service_id, provider_id, criterion_id, rung, rung_label
    from {{ ref('int_criteria__scored') }}
    where criterion_id in {{ washing_flag_criteria() }}

),

control as (

    select * from {{ ref('int_providers__control_effective') }}

),

providers as (

    select provider_id, country, lei, in_level1, gleif_country from {{ ref('int_providers__lei_checked') }}

),

union_countries as (

    select iso2 from {{ ref('countries') }}

),

regions as (

    select distinct service_id, region from {{ ref('int_service_regions__current') }}

),

service_certificates as (

    select * from {{ ref('int_certifications__covered') }}
    where service_id is not null

),

open_source as (

    select * from {{ ref('int_services__open_source_checked') }}

),

answered_as as (

    select
        *,
        criterion_id || ' answered rung ' || rung || ' (' || coalesce(rung_label, '?') || ')' as claim
    from answers

),

w1_control as (

    select
        answered_as.service_id,
        {{ washing_flag_columns('W1-control', 'answered_as.criterion_id', 'answered_as.rung') }},
        answered_as.claim || case
            when control.third_country_control_declared then
                ' but the ultimate controller ' || control.ultimate_controller_name
                || ' is in ' || coalesce(control.ultimate_controller_country, 'an unknown country')
            else
                ' but GLEIF names the parent ' || coalesce(control.gleif_parent_name, control.gleif_parent_lei)
                || ' (LEI ' || control.gleif_parent_lei || ') in ' || control.gleif_parent_country
        end as reason
    from answered_as
    inner join control on answered_as.provider_id = control.provider_id
    where {{ washing_flag_claim('W1-control') }}
        and control.third_country_control

),

foreign_regions as (

    select
        regions.service_id,
        string_agg(regions.region, ', ' order by regions.region) as region_list,
        count(*) as region_count
    from regions
    left join union_countries on regions.region = union_countries.iso2
    where union_countries.iso2 is null
    group by regions.service_id

),

w2_regions as (

    select
        answered_as.service_id,
        {{ washing_flag_columns('W2-regions', 'answered_as.criterion_id', 'answered_as.rung') }},
        answered_as.claim || ' but the service '
        || case when foreign_regions.region_count = 1 then 'region ' || foreign_regions.region_list || ' is'
            else 'regions ' || foreign_regions.region_list || ' are' end
        || ' outside the Union' as reason
    from answered_as
    inner join foreign_regions on answered_as.service_id = foreign_regions.service_id
    where {{ washing_flag_claim('W2-regions') }}

),

w3_jurisdiction as (

    select
        answered_as.service_id,
        {{ washing_flag_columns('W3-jurisdiction', 'answered_as.criterion_id', 'answered_as.rung') }},
        answered_as.claim || case
            when declared_union.iso2 is null then
                ' but the provider''s country ' || coalesce(providers.country, 'unknown') || ' is outside the Union'
            else
                ' but GLEIF''s legal-address country ' || providers.gleif_country || ' of LEI '
                || providers.lei || ' is outside the Union'
        end as reason
    from answered_as
    inner join providers on answered_as.provider_id = providers.provider_id
    left join union_countries as declared_union on providers.country = declared_union.iso2
    left join union_countries as gleif_union on providers.gleif_country = gleif_union.iso2
    where {{ washing_flag_claim('W3-jurisdiction') }}
        and (
            declared_union.iso2 is null
            or (providers.in_level1 and gleif_union.iso2 is null)
        )

),

certificate_facts as (

    select
        service_id,
        bool_or(counts_for_w4) as has_valid_certificate,
        string_agg(
            certificate_id || ' valid ' || strftime(valid_from, '%Y-%m-%d')
            || ' to ' || strftime(valid_until, '%Y-%m-%d')
            || case when corroboration in ('self_declared', 'corroborated') then '' else ', register: ' || corroboration end,
            '; ' order by certificate_id
        ) as certificate_list
    from service_certificates
    group by service_id

),

w4_certificate as (

    select
        answered_as.service_id,
        {{ washing_flag_columns('W4-certificate', 'answered_as.criterion_id', 'answered_as.rung') }},
        -- "the evaluation date", not the date itself: a reason that changed every night would change every
        -- flagged service's page every night (docs/releases.md, incremental publish)
        answered_as.claim || ' but no certification of this service is valid on the evaluation date'
        || coalesce(' (its certificates: ' || certificate_facts.certificate_list || ')', ' (none listed)') as reason
    from answered_as
    left join certificate_facts on answered_as.service_id = certificate_facts.service_id
    where {{ washing_flag_claim('W4-certificate') }}
        and not coalesce(certificate_facts.has_valid_certificate, false)

),

w9_open_source as (

    select
        answered_as.service_id,
        {{ washing_flag_columns('W9-open-source', 'answered_as.criterion_id', 'answered_as.rung') }},
        answered_as.claim || ' but the declared licence ' || open_source.open_source_license
        || ' is source-available: ' || open_source.non_osi_license_ids
        || case when open_source.non_osi_license_ids like '%,%' then ' are' else ' is' end
        || ' not OSI-approved (SPDX License List ' || open_source.spdx_list_version || ')' as reason
    from answered_as
    inner join open_source on answered_as.service_id = open_source.service_id
    where {{ washing_flag_claim('W9-open-source') }}
        and open_source.open_source_status = 'source_available'

)

select * from w1_control
union all
select * from w2_regions
union all
select * from w3_jurisdiction
union all
select * from w4_certificate
union all
select * from {{ ref('int_washing_flags__reference_checked') }}
union all
select * from w9_open_source
