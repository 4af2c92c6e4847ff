-- Each service's own levels before the supply-chain caps of assurance-rules §7: `seal_own` is its
-- overall SEAL after its own flag caps (§1, §3, §6), `ual_own` its UAL of §4. One row per service of
-- a disclosure in force. `is_registered`: the service is published in this run's registry (every
-- service of a disclosure in force except one revoked more than var('revoked_visible_years') years
-- ago); only registered services cap their dependants at their own levels and only their runs_on
-- are followed.
with

scored as (

    select service_id, provider_id, seal from {{ ref('int_services__scored') }}

),

levels as (

    select service_id, ual from {{ ref('int_services__ual_levelled') }}

),

hidden as (

    select service_id from {{ ref('int_decisions__flagged') }}
    where hides_service

)

select
    scored.service_id,
    scored.provider_id,
    cast(scored.seal as integer) as seal_own,
    cast(levels.ual as integer) as ual_own,
    hidden.service_id is null as is_registered
from scored
inner join levels on scored.service_id = levels.service_id
left join hidden on scored.service_id = hidden.service_id
