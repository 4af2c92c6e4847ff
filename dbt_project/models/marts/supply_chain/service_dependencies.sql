-- One row per published service and each service or platform it depends on (assurance-rules §7),
-- directly or through what its dependencies run on, with the shortest path and the cap it puts.
select
    dependencies.service_id,
    dependencies.dependency,
    dependencies.kind,
    dependencies.operator_name,
    dependencies.operator_country,
    dependencies.depth,
    dependencies.path,
    dependencies.dependency_seal_own,
    dependencies.dependency_ual_own,
    dependencies.cap_seal,
    dependencies.cap_ual,
    coalesce(
        dependencies.dependency = capped.seal_capped_by or dependencies.dependency = capped.ual_capped_by, false
    ) as is_capping
from {{ ref('int_service_dependencies__capped') }} as dependencies
inner join {{ ref('int_services__supply_chain_capped') }} as capped
    on dependencies.service_id = capped.service_id
inner join {{ ref('int_services__assessed') }} as published
    on dependencies.service_id = published.service_id
