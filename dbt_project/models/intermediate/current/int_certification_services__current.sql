-- `certification_services` rows of the disclosure in force per provider only (superseded disclosures dropped).
with

rows_ as (

    select * from {{ ref('stg_raw__certification_services') }}

),

latest as (

    select disclosure_id, provider_id from {{ ref('stg_disclosures__latest') }}

)

select
    latest.provider_id,
    rows_.disclosure_id,
    rows_.certificate_id,
    rows_.service_id
from rows_
inner join latest on rows_.disclosure_id = latest.disclosure_id
