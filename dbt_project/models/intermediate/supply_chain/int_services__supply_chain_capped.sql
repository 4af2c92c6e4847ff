-- The published levels after the supply-chain caps (assurance-rules §7), one row per service of a
-- disclosure in force:  seal = min(seal_own, every dependency's cap_seal), ual likewise.
-- The weakest dependency for SEAL (and for UAL) is the one with the lowest cap, then the smallest
-- depth, then the smallest id. W8-dependency is raised when a cap lowers seal or ual; its reason
-- names the weakest dependency, what it is, and the path to it (`a → b → c`).
with

own as (

    select * from {{ ref('int_services__own_levels') }}

),

dependencies as (

    select * from {{ ref('int_service_dependencies__capped') }}

),

weakest_seal as (

    select service_id, dependency, path, why, cap_seal
    from dependencies
    where cap_seal is not null
    qualify row_number() over (partition by service_id order by cap_seal, depth, dependency) = 1

),

weakest_ual as (

    select service_id, dependency, path, why, cap_ual
    from dependencies
    where cap_ual is not null
    qualify row_number() over (partition by service_id order by cap_ual, depth, dependency) = 1

),

counts as (

    select service_id, count(*) as dependency_count
    from dependencies
    group by service_id

),

capped as (

    select
        own.service_id,
        own.seal_own,
        own.ual_own,
        cast(least(own.seal_own, coalesce(weakest_seal.cap_seal, own.seal_own)) as integer) as seal,
        cast(least(own.ual_own, coalesce(weakest_ual.cap_ual, own.ual_own)) as integer) as ual,
        weakest_seal.cap_seal as dependency_cap_seal,
        weakest_ual.cap_ual as dependency_cap_ual,
        weakest_seal.dependency as seal_capped_by,
        weakest_ual.dependency as ual_capped_by,
        'runs on ' || weakest_seal.dependency || ', ' || weakest_seal.why || ', via ' || weakest_seal.path
            as seal_dependency_phrase,
        'runs on ' || weakest_ual.dependency || ', ' || weakest_ual.why || ', via ' || weakest_ual.path
            as ual_dependency_phrase,
        cast(coalesce(counts.dependency_count, 0) as integer) as dependency_count
    from own
    left join weakest_seal on own.service_id = weakest_seal.service_id
    left join weakest_ual on own.service_id = weakest_ual.service_id
    left join counts on own.service_id = counts.service_id

),

lowered as (

    select
        *,
        seal < seal_own as seal_lowered,
        ual < ual_own as ual_lowered
    from capped

)

select
    service_id,
    seal_own,
    ual_own,
    seal,
    ual,
    dependency_cap_seal,
    dependency_cap_ual,
    case when seal_lowered then seal_capped_by end as seal_capped_by,
    case when ual_lowered then ual_capped_by end as ual_capped_by,
    dependency_count,
    seal_lowered or ual_lowered as w8_raised,
    -- the UAL part on its own, for the status reason
    case when ual_lowered then
        ual_dependency_phrase || ': UAL capped at ' || ual || ' (own UAL-' || ual_own || ')'
    end as ual_cap_reason,
    case
        when seal_lowered and ual_lowered and seal_capped_by = ual_capped_by then
            seal_dependency_phrase || ': SEAL capped at ' || seal || ' (own SEAL-' || seal_own || ')'
            || ' and UAL capped at ' || ual || ' (own UAL-' || ual_own || ')'
        when seal_lowered or ual_lowered then concat_ws('; ',
            case when seal_lowered then
                seal_dependency_phrase || ': SEAL capped at ' || seal || ' (own SEAL-' || seal_own || ')'
            end,
            case when ual_lowered then
                ual_dependency_phrase || ': UAL capped at ' || ual || ' (own UAL-' || ual_own || ')'
            end)
    end as w8_reason
from lowered
