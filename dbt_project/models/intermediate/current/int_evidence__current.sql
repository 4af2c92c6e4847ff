-- `evidence` rows of the disclosure in force per provider only (superseded disclosures dropped).
with

rows_ as (

    select * from {{ ref('stg_raw__evidence') }}

),

latest as (

    select disclosure_id, provider_id from {{ ref('stg_disclosures__latest') }}

)

select
    latest.provider_id,
    rows_.disclosure_id,
    rows_.service_id,
    rows_.criterion_id,
    rows_.url,
    rows_.note
from rows_
inner join latest on rows_.disclosure_id = latest.disclosure_id
