-- Which reference sources are loaded (spec/references.md, assurance-rules §6): exactly one row.
-- A source is loaded when a snapshot of its kind is in use; its date is the day that snapshot was
-- first accepted. A check whose source is not loaded is `not_checked` and raises no flag.
with

sources as (

    select * from {{ ref('stg_raw__ref_sources') }}
    where in_use

)

select
    coalesce(bool_or(kind = 'gleif_level1'), false) as gleif_level1_loaded,
    max(case when kind = 'gleif_level1' then first_loaded_on end) as gleif_level1_loaded_on,
    coalesce(bool_or(kind = 'gleif_level2'), false) as gleif_level2_loaded,
    max(case when kind = 'gleif_level2' then first_loaded_on end) as gleif_level2_loaded_on,
    count(distinct case when kind = 'scheme_register' then source end) as scheme_registers_loaded
from sources
