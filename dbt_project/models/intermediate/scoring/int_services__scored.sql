-- One row per service of a disclosure in force, with its CSF result (assurance-rules §1, §3):
--   sovereignty_score = Σ weight × score_pct over the eight objectives (exact decimal sum of the
--                       10-decimal scores, then a double rounded to 10 decimals: order-independent)
--   seal              = min of the capped objective seals; seal_uncapped = min of the uncapped ones.
-- Stable interface: the `services` mart (CADA engineer) builds on this model.
with

services as (

    select * from {{ ref('int_services__current') }}

),

objectives as (

    select * from {{ ref('int_objectives__capped') }}

),

providers as (

    select provider_id, country from {{ ref('stg_disclosures__latest') }}

),

control as (

    select * from {{ ref('int_providers__control_effective') }}

),

service_scores as (

    select
        service_id,
        count(*) as objective_count,
        round(
            cast(sum(cast(score_pct as decimal(18, 10)) * weight) as double), 10
        ) as sovereignty_score,
        min(seal) as seal,
        min(seal_uncapped) as seal_uncapped,
        count(flags) as capped_objective_count
    from objectives
    group by service_id

)

select
    services.service_id,
    services.provider_id,
    services.disclosure_id,
    services.name,
    services.model,
    service_scores.sovereignty_score,
    service_scores.seal,
    service_scores.seal_uncapped,
    '{{ var("weights_version") }}' as weights_version,
    service_scores.objective_count,
    service_scores.capped_objective_count,
    control.third_country_control,
    control.ultimate_controller_country,
    providers.country as provider_country
from services
left join service_scores on services.service_id = service_scores.service_id
left join providers on services.provider_id = providers.provider_id
left join control on services.provider_id = control.provider_id
