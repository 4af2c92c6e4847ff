-- Ownership and control per provider (assurance-rules §2).
-- Controller of an entity: its holder with controls = true (several: highest voting_pct, then
-- holder_id), else a holder with voting_pct > 50. The chain starts at the provider's ownership
-- controller, or, if the provider has no controlling holder, at a `parents` row with
-- entity_id = provider_id; it then follows `parents` (entity_id -> controlled_by) to the last
-- entity nobody controls: the ultimate controller. No controller: the provider controls itself.
-- Guards: a node already on the path is never revisited, and the chain stops at depth 32
-- (ingestion rejects cycles with E012, so neither should trigger).
-- third_country_control: the ultimate controller's country is not in the countries seed (EU + EEA).
with recursive

providers as (

    select provider_id, disclosure_id, legal_name, country
    from {{ ref('stg_disclosures__latest') }}

),

ownership as (

    select * from {{ ref('int_ownership__current') }}

),

parent_edges as (

    select
        provider_id,
        entity_id,
        controlled_by,
        controlled_by_name,
        controlled_by_country,
        row_number() over (partition by provider_id, entity_id order by position) as edge_rank
    from {{ ref('int_parents__current') }}

),

union_countries as (

    select iso2 from {{ ref('countries') }}

),

direct_controllers as (

    select
        provider_id,
        holder_id,
        holder_name,
        country
    from ownership
    where controls or voting_pct > 50
    qualify row_number() over (
        partition by provider_id
        order by
            case when controls then 0 else 1 end,
            voting_pct desc nulls last,
            holder_id
    ) = 1

),

first_hops as (

    select provider_id, holder_id as node_id, holder_name as node_name, country as node_country
    from direct_controllers

    union all

    select
        parent_edges.provider_id,
        parent_edges.controlled_by,
        parent_edges.controlled_by_name,
        parent_edges.controlled_by_country
    from parent_edges
    left join direct_controllers on parent_edges.provider_id = direct_controllers.provider_id
    where parent_edges.edge_rank = 1
        and parent_edges.entity_id = parent_edges.provider_id
        and direct_controllers.provider_id is null

),

chain as (

    select
        provider_id,
        1 as depth,
        node_id,
        node_name,
        node_country,
        [provider_id, node_id] as path_ids,
        coalesce(node_name, node_id) || ' (' || coalesce(node_country, '?') || ')' as path_text
    from first_hops

    union all

    select
        chain.provider_id,
        chain.depth + 1,
        parent_edges.controlled_by,
        parent_edges.controlled_by_name,
        parent_edges.controlled_by_country,
        list_append(chain.path_ids, parent_edges.controlled_by),
        chain.path_text || ' → ' || coalesce(parent_edges.controlled_by_name, parent_edges.controlled_by)
        || ' (' || coalesce(parent_edges.controlled_by_country, '?') || ')'
    from chain
    inner join parent_edges
        on chain.provider_id = parent_edges.provider_id
        and chain.node_id = parent_edges.entity_id
        and parent_edges.edge_rank = 1
    where chain.depth < 32
        and not list_contains(chain.path_ids, parent_edges.controlled_by)

),

ultimate as (

    select *
    from chain
    qualify row_number() over (partition by provider_id order by depth desc) = 1

),

resolved as (

    select
        providers.provider_id,
        providers.disclosure_id,
        coalesce(ultimate.node_id, providers.provider_id) as ultimate_controller_id,
        case when ultimate.provider_id is null then providers.legal_name else ultimate.node_name end
            as ultimate_controller_name,
        case when ultimate.provider_id is null then providers.country else ultimate.node_country end
            as ultimate_controller_country,
        coalesce(ultimate.depth, 0) as chain_depth,
        providers.provider_id || coalesce(' → ' || ultimate.path_text, '') as control_chain
    from providers
    left join ultimate on providers.provider_id = ultimate.provider_id

)

select
    resolved.provider_id,
    resolved.disclosure_id,
    resolved.ultimate_controller_id,
    resolved.ultimate_controller_name,
    resolved.ultimate_controller_country,
    union_countries.iso2 is null as third_country_control,
    resolved.chain_depth,
    resolved.control_chain
from resolved
left join union_countries on resolved.ultimate_controller_country = union_countries.iso2
