-- The cap each dependency puts on its dependant (assurance-rules §7), one row per service and
-- reachable dependency (`int_service_dependencies__reached`):
--   service       a registered service: caps at its own levels (seal_own, ual_own), whatever its status;
--   unregistered  a service id not in this run's registry: unassessed, caps at var unassessed_dependency_level;
--   platform      operated outside the Union (countries seed): unassessed, caps at the same level;
--                 operated inside the Union: caps nothing (cap_seal and cap_ual null).
-- `why` says in words what the dependency is and why it caps (used by W8 and the status reason).
{%- set unassessed = var('unassessed_dependency_level') %}
with

reached as (

    select * from {{ ref('int_service_dependencies__reached') }}

),

own as (

    select service_id, seal_own, ual_own from {{ ref('int_services__own_levels') }}

),

union_countries as (

    select iso2 from {{ ref('countries') }}

),

joined as (

    select
        reached.*,
        own.seal_own as dependency_seal_own,
        own.ual_own as dependency_ual_own,
        union_countries.iso2 is not null as operated_in_union
    from reached
    left join own on reached.kind = 'service' and reached.dependency = own.service_id
    left join union_countries on reached.operator_country = union_countries.iso2

)

select
    service_id,
    dependency,
    kind,
    operator_name,
    operator_country,
    depth,
    path,
    dependency_seal_own,
    dependency_ual_own,
    cast(case
        when kind = 'service' then dependency_seal_own
        when kind = 'unregistered' or not operated_in_union then {{ unassessed }}
    end as integer) as cap_seal,
    cast(case
        when kind = 'service' then dependency_ual_own
        when kind = 'unregistered' or not operated_in_union then {{ unassessed }}
    end as integer) as cap_ual,
    case
        when kind = 'service' then 'a registered service whose own level is SEAL-' || dependency_seal_own
            || ', UAL-' || dependency_ual_own
        when kind = 'unregistered' then 'a service that is not in this registry (unassessed: SEAL-{{ unassessed }}, UAL-{{ unassessed }})'
        when operated_in_union then 'a platform operated from ' || operator_country || ', inside the Union (caps nothing)'
        else 'a platform operated from ' || operator_country
            || ', outside the Union (unassessed: SEAL-{{ unassessed }}, UAL-{{ unassessed }})'
    end as why
from joined
