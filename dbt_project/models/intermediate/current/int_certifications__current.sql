-- `certifications` rows of the disclosure in force per provider only (superseded disclosures dropped).
with

rows_ as (

    select * from {{ ref('stg_raw__certifications') }}

),

latest as (

    select disclosure_id, provider_id from {{ ref('stg_disclosures__latest') }}

)

select
    latest.provider_id,
    rows_.disclosure_id,
    rows_.position,
    rows_.scheme,
    rows_.certificate_id,
    rows_.issuer,
    rows_.valid_from,
    rows_.valid_until
from rows_
inner join latest on rows_.disclosure_id = latest.disclosure_id
