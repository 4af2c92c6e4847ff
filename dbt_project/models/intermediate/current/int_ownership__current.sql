-- `ownership` rows of the disclosure in force per provider only (superseded disclosures dropped).
with

rows_ as (

    select * from {{ ref('stg_raw__ownership') }}

),

latest as (

    select disclosure_id, provider_id from {{ ref('stg_disclosures__latest') }}

)

select
    latest.provider_id,
    rows_.disclosure_id,
    rows_.position,
    rows_.holder_id,
    rows_.holder_name,
    rows_.country,
    rows_.capital_pct,
    rows_.voting_pct,
    rows_.controls
from rows_
inner join latest on rows_.disclosure_id = latest.disclosure_id
