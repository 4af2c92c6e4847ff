-- Non-Union holdings test per provider (assurance-rules §2, SecNumCloud §19.6):
-- ownership_ok = every non-Union direct holder has at most var('holder_max_pct') % of capital and of
-- votes, and all non-Union holders together at most var('holders_total_max_pct') % of each.
-- Non-Union = holder country not in the countries seed (EU + EEA). Sums are rounded to 10
-- decimals before the comparison so 13.1 + 12.9 + 13.0 counts as 39 exactly.
with

providers as (

    select provider_id, disclosure_id from {{ ref('stg_disclosures__latest') }}

),

ownership as (

    select * from {{ ref('int_ownership__current') }}

),

union_countries as (

    select iso2 from {{ ref('countries') }}

),

non_union_holdings as (

    select
        ownership.provider_id,
        count(*) as non_union_holder_count,
        max(ownership.capital_pct) as max_non_union_capital_pct,
        max(ownership.voting_pct) as max_non_union_voting_pct,
        round(sum(ownership.capital_pct), 10) as non_union_capital_pct,
        round(sum(ownership.voting_pct), 10) as non_union_voting_pct
    from ownership
    left join union_countries on ownership.country = union_countries.iso2
    where union_countries.iso2 is null
    group by ownership.provider_id

)

select
    providers.provider_id,
    providers.disclosure_id,
    coalesce(non_union_holdings.non_union_holder_count, 0) as non_union_holder_count,
    coalesce(non_union_holdings.max_non_union_capital_pct, 0) as max_non_union_capital_pct,
    coalesce(non_union_holdings.max_non_union_voting_pct, 0) as max_non_union_voting_pct,
    coalesce(non_union_holdings.non_union_capital_pct, 0) as non_union_capital_pct,
    coalesce(non_union_holdings.non_union_voting_pct, 0) as non_union_voting_pct,
    coalesce(non_union_holdings.max_non_union_capital_pct, 0) <= {{ var('holder_max_pct') }}
    and coalesce(non_union_holdings.max_non_union_voting_pct, 0) <= {{ var('holder_max_pct') }}
    and coalesce(non_union_holdings.non_union_capital_pct, 0) <= {{ var('holders_total_max_pct') }}
    and coalesce(non_union_holdings.non_union_voting_pct, 0) <= {{ var('holders_total_max_pct') }} as ownership_ok
from providers
left join non_union_holdings on providers.provider_id = non_union_holdings.provider_id
