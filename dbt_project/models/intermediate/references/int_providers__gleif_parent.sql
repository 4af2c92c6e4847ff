-- The GLEIF parent per provider (assurance-rules §6.2), looked up for every declared LEI whatever its
-- lei_check: the end node of its in-force IS_ULTIMATELY_CONSOLIDATED_BY record; without one, the last
-- entity reached by following in-force IS_DIRECTLY_CONSOLIDATED_BY records upward (stop before an
-- entity already on the path; at most gleif_max_chain_depth hops); without either, none.
-- gleif_parent_check: not_checked (no Level 2 source loaded), not_declared (no LEI), ultimate,
-- direct or none. The parent's name and country come from Level 1; a parent absent from Level 1 (or
-- no Level 1 loaded) has an unknown (null) country.
with recursive

providers as (

    select provider_id, disclosure_id, upper(lei) as lei
    from {{ ref('stg_disclosures__latest') }}

),

loaded as (

    select * from {{ ref('int_reference_sources__loaded') }}

),

in_force as (

    select * from {{ ref('int_gleif_relationships__in_force') }}

),

lei_records as (

    select upper(lei) as lei, legal_name, legal_address_country
    from {{ ref('stg_raw__ref_lei_records') }}

),

checked as (

    select providers.*
    from providers
    cross join loaded
    where loaded.gleif_level2_loaded and providers.lei is not null

),

ultimate as (

    select
        checked.provider_id,
        in_force.end_lei as parent_lei,
        1 as depth,
        checked.lei || ' → ' || in_force.end_lei as parent_path
    from checked
    inner join in_force
        on checked.lei = in_force.start_lei
        and in_force.relationship_type = 'IS_ULTIMATELY_CONSOLIDATED_BY'

),

direct_edges as (

    select start_lei, end_lei
    from in_force
    where relationship_type = 'IS_DIRECTLY_CONSOLIDATED_BY'

),

direct_chain as (

    select
        checked.provider_id,
        1 as depth,
        direct_edges.end_lei as node_lei,
        [checked.lei, direct_edges.end_lei] as path_leis
    from checked
    inner join direct_edges on checked.lei = direct_edges.start_lei
    where checked.provider_id not in (select provider_id from ultimate)

    union all

    select
        direct_chain.provider_id,
        direct_chain.depth + 1,
        direct_edges.end_lei,
        list_append(direct_chain.path_leis, direct_edges.end_lei)
    from direct_chain
    inner join direct_edges on direct_chain.node_lei = direct_edges.start_lei
    where direct_chain.depth < {{ var('gleif_max_chain_depth') }}
        and not list_contains(direct_chain.path_leis, direct_edges.end_lei)

),

direct_top as (

    select
        provider_id,
        node_lei as parent_lei,
        depth,
        array_to_string(path_leis, ' → ') as parent_path
    from direct_chain
    qualify row_number() over (partition by provider_id order by depth desc) = 1

),

parents as (

    select provider_id, parent_lei, depth, parent_path, 'ultimate' as via from ultimate
    union all
    select provider_id, parent_lei, depth, parent_path, 'direct' as via from direct_top

)

select
    providers.provider_id,
    providers.disclosure_id,
    providers.lei,
    case
        when not loaded.gleif_level2_loaded then 'not_checked'
        when providers.lei is null then 'not_declared'
        when parents.parent_lei is null then 'none'
        else parents.via
    end as gleif_parent_check,
    parents.parent_lei as gleif_parent_lei,
    lei_records.legal_name as gleif_parent_name,
    lei_records.legal_address_country as gleif_parent_country,
    parents.parent_lei is not null and lei_records.lei is null as gleif_parent_missing_from_level1,
    case
        when parents.via = 'ultimate' then 'IS_ULTIMATELY_CONSOLIDATED_BY'
        when parents.via = 'direct' then 'IS_DIRECTLY_CONSOLIDATED_BY'
    end as gleif_parent_relationship,
    parents.depth as gleif_parent_depth,
    parents.parent_path as gleif_parent_path,
    case when loaded.gleif_level2_loaded then loaded.gleif_level2_loaded_on end as gleif_parent_checked_on
from providers
cross join loaded
left join parents on providers.provider_id = parents.provider_id
left join lei_records on parents.parent_lei = lei_records.lei
