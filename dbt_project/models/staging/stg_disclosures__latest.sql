-- The disclosure in force per provider (spec/disclosure-v1.md): the latest `submitted_at`;
-- equal timestamps: the larger `disclosure_id`. Everything downstream of staging reads only
-- the disclosures of this model, so the result never depends on file order.
with

disclosures as (

    select * from {{ ref('stg_raw__disclosures') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by provider_id
            order by submitted_at desc, disclosure_id desc
        ) as recency_rank
    from disclosures

)

select
    disclosure_id,
    provider_id,
    submitted_at,
    legal_name,
    country,
    lei,
    website,
    file_name,
    file_sha256,
    signing_key_fingerprint
from ranked
where recency_rank = 1
