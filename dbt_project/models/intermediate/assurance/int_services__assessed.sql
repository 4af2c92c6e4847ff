-- One row per published service of the disclosure in force, with every column of the
-- `services` mart: the CSF assessment (`int_services__scored`), the CADA level, the supply-chain caps
-- (§7: `seal` and `ual` after them, `seal_own` and `ual_own` before) and the status.
-- Services revoked more than var('revoked_visible_years') years ago are left out (no longer published).
with

scored as (

    select * from {{ ref('int_services__scored') }}

),

status as (

    select * from {{ ref('int_services__status_assigned') }}

),

regions as (

    select service_id, string_agg(distinct region, ',' order by region) as regions
    from {{ ref('int_service_regions__current') }}
    group by service_id

),

open_source as (

    select * from {{ ref('int_services__open_source_checked') }}

),

capped as (

    select * from {{ ref('int_services__supply_chain_capped') }}

),

flags as (

    select service_id, count(*) as flag_count
    from {{ ref('int_washing_flags__detected') }}
    group by service_id

)

select
    scored.service_id,
    scored.provider_id,
    scored.disclosure_id,
    scored.name,
    scored.model,
    scored.sovereignty_score,
    capped.seal,
    scored.seal_uncapped,
    capped.seal_own,
    capped.ual_own,
    status.ual,
    status.status,
    status.status_reason,
    scored.weights_version,
    {{ as_of_date() }} as evaluated_on,
    regions.regions,
    cast(coalesce(flags.flag_count, 0) + case when capped.w8_raised then 1 else 0 end as integer) as flag_count,
    open_source.open_source_status,
    open_source.open_source_license,
    open_source.open_source_repository
from scored
inner join status on scored.service_id = status.service_id
inner join capped on scored.service_id = capped.service_id
left join regions on scored.service_id = regions.service_id
left join flags on scored.service_id = flags.service_id
left join open_source on scored.service_id = open_source.service_id
where status.is_published
