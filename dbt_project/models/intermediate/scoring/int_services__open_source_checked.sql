-- Open-source status of every service of a disclosure in force (assurance-rules §8), decided by
-- joining the licence ids of its declared SPDX expression with the OSI flags of the spdx_licenses seed:
--   open_source       `open_source` declared and every licence id is OSI-approved
--   source_available  declared and some licence id is not OSI-approved (a LicenseRef- id never is:
--                     the seed has none, so it joins to no row)
--   undeclared        no `open_source` in the disclosure
-- Exception ids (after WITH) do not count. AND and OR count alike: every licence id must be
-- OSI-approved, since the registry cannot tell which branch of an OR a customer receives.
with

services as (

    select service_id, provider_id from {{ ref('int_services__current') }}

),

licenses as (

    select * from {{ ref('int_open_source_licenses__current') }}

),

spdx as (

    select license_id, osi_approved from {{ ref('spdx_licenses') }}

),

list_version as (

    select max(list_version) as spdx_list_version from {{ ref('spdx_licenses') }}

),

judged as (

    select
        licenses.service_id,
        licenses.license,
        licenses.repository,
        licenses.license_id,
        licenses.is_exception,
        coalesce(spdx.osi_approved, false) as osi_approved
    from licenses
    left join spdx on licenses.license_id = spdx.license_id

),

declared as (

    select
        service_id,
        any_value(license) as open_source_license,
        any_value(repository) as open_source_repository,
        count(*) filter (where not is_exception) as license_id_count,
        count(*) filter (where not is_exception and not osi_approved) as non_osi_count,
        string_agg(license_id, ', ' order by license_id) filter (
            where not is_exception and not osi_approved
        ) as non_osi_license_ids
    from judged
    group by service_id

)

select
    services.service_id,
    services.provider_id,
    case
        when declared.service_id is null then 'undeclared'
        when declared.license_id_count > 0 and declared.non_osi_count = 0 then 'open_source'
        else 'source_available'
    end as open_source_status,
    declared.open_source_license,
    declared.open_source_repository,
    declared.non_osi_license_ids,
    list_version.spdx_list_version
from services
left join declared on services.service_id = declared.service_id
cross join list_version
