-- GLEIF Level 2 consolidation records in force (spec/references.md): relationship status ACTIVE and
-- registration status PUBLISHED or LAPSED (a lapsed record is stale, not false). Inactive, retired,
-- annulled … records are ignored, and so are IS_INTERNATIONAL_BRANCH_OF records (a branch is not a
-- consolidation parent) and records whose end node is their own start node.
-- One row per start node and type; ingestion rejects two in-force records of the same type for one
-- start node (R004), and should two still meet, the smaller end node wins so the result is stable.
with

relationships as (

    select * from {{ ref('stg_raw__ref_relationships') }}

)

select
    upper(start_lei) as start_lei,
    upper(end_lei) as end_lei,
    relationship_type,
    registration_status
from relationships
where relationship_status = 'ACTIVE'
    and registration_status in ('PUBLISHED', 'LAPSED')
    and relationship_type in ('IS_ULTIMATELY_CONSOLIDATED_BY', 'IS_DIRECTLY_CONSOLIDATED_BY')
    and upper(start_lei) <> upper(end_lei)
qualify row_number() over (
    partition by upper(start_lei), relationship_type order by upper(end_lei)
) = 1
