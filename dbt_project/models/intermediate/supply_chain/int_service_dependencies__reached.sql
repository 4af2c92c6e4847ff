-- The dependencies of every registered service (assurance-rules §7): each service id and external
-- platform reachable through `runs_on` across the whole registry of the run, with its depth and
-- the shortest path to it. Set-based breadth-first closure: a recursive CTE keyed on
-- (service_id, dependency) (`using key`) adds a dependency only the first time it is reached
-- (the visited set is the CTE's own table), so it ends on cycles and does work proportional to
-- the closure, never to the number of paths. Among several shortest paths the lexicographically
-- smallest wins, so the result does not depend on input order.
--   * a platform item is the node '<platform> (<operator_country>)' (never a valid service id);
--   * only the runs_on of registered services are followed; platforms and unregistered ids are leaves;
--   * a service on a cycle reaches itself: that row is dropped (a service is not its own dependency).
with

registered as (

    select service_id from {{ ref('int_services__own_levels') }}
    where is_registered

),

items as (

    select
        runs_on.service_id,
        coalesce(
            runs_on.dependency_service_id,
            runs_on.platform || ' (' || runs_on.operator_country || ')'
        ) as dependency,
        runs_on.dependency_service_id is null as is_platform,
        runs_on.operator_name,
        runs_on.operator_country
    from {{ ref('int_service_runs_on__current') }} as runs_on
    inner join registered on runs_on.service_id = registered.service_id

),

closure as (

    select * from (
        with recursive walk (service_id, dependency, depth, path, is_platform, operator_name, operator_country)
        using key (service_id, dependency) as (

            select service_id, dependency, 1, [service_id, dependency], is_platform, operator_name, operator_country
            from items

            union

            select
                walk.service_id,
                items.dependency,
                walk.depth + 1,
                list_append(walk.path, items.dependency),
                items.is_platform,
                items.operator_name,
                items.operator_country
            from walk
            inner join items on items.service_id = walk.dependency
            where not exists (
                select 1 from recurring.walk as seen
                where seen.service_id = walk.service_id and seen.dependency = items.dependency
            )
            qualify row_number() over (
                partition by walk.service_id, items.dependency
                order by list_append(walk.path, items.dependency)
            ) = 1

        )
        select * from walk
    )

)

select
    closure.service_id,
    closure.dependency,
    case
        when closure.is_platform then 'platform'
        when registered.service_id is not null then 'service'
        else 'unregistered'
    end as kind,
    closure.operator_name,
    closure.operator_country,
    cast(closure.depth as integer) as depth,
    array_to_string(closure.path, ' → ') as path
from closure
left join registered on closure.dependency = registered.service_id and not closure.is_platform
where closure.dependency <> closure.service_id
