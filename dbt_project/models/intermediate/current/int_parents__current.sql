-- `parents` rows of the disclosure in force per provider only (superseded disclosures dropped).
with

rows_ as (

    select * from {{ ref('stg_raw__parents') }}

),

latest as (

    select disclosure_id, provider_id from {{ ref('stg_disclosures__latest') }}

)

select
    latest.provider_id,
    rows_.disclosure_id,
    rows_.position,
    rows_.entity_id,
    rows_.name,
    rows_.country,
    rows_.controlled_by,
    rows_.controlled_by_name,
    rows_.controlled_by_country
from rows_
inner join latest on rows_.disclosure_id = latest.disclosure_id
