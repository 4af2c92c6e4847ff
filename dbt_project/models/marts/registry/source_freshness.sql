-- How old each source the registry rests on is on the evaluation date, against its named maximum age
-- (vars max_gleif_age_days, max_register_age_days, max_disclosure_age_days; docs/interface.md):
--   gleif_level1, gleif_level2   the GLEIF snapshot in use (a row even when none was ever loaded);
--   scheme_register              each certification scheme register in use;
--   disclosure                   each provider's disclosure in force (its submitted_at).
-- A reference snapshot's age counts from the day it was first accepted (reference_sources.first_loaded_on):
-- the same file delivered again is the same data and keeps ageing. Key (kind, source): a provider id
-- cannot collide with a reference source name.
with

references_in_use as (

    select kind, source, file, first_loaded_on as loaded_on
    from {{ ref('stg_raw__ref_sources') }}
    where in_use

),

gleif_kinds as (

    select * from (values ('gleif_level1', 'gleif-level1'), ('gleif_level2', 'gleif-level2')) as k (kind, source)

),

sources as (

    select g.kind, g.source, r.file, r.loaded_on, {{ var('max_gleif_age_days') }} as max_age_days
    from gleif_kinds as g
    left join references_in_use as r on r.kind = g.kind

    union all

    select kind, source, file, loaded_on, {{ var('max_register_age_days') }} as max_age_days
    from references_in_use
    where kind = 'scheme_register'

    union all

    select
        'disclosure' as kind,
        provider_id as source,
        file_name as file,
        cast(submitted_at as date) as loaded_on,
        {{ var('max_disclosure_age_days') }} as max_age_days
    from {{ ref('stg_disclosures__latest') }}

),

aged as (

    select
        *,
        cast(date_diff('day', loaded_on, {{ as_of_date() }}) as integer) as age_days
    from sources

)

select
    kind,
    source,
    file,
    loaded_on,
    age_days,
    cast(max_age_days as integer) as max_age_days,
    case
        when loaded_on is null then 'not_loaded'
        when age_days > max_age_days then 'stale'
        else 'fresh'
    end as freshness,
    case
        when loaded_on is null then 'never loaded: the checks that need it report not_checked'
        when age_days > max_age_days then
            (case when kind = 'disclosure' then 'submitted on ' else 'first loaded on ' end)
            || strftime(loaded_on, '%Y-%m-%d') || ', ' || age_days || ' days before the evaluation date'
            || ' (older than ' || max_age_days || ' days)'
    end as stale_reason
from aged
