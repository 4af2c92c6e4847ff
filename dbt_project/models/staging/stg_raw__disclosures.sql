with

source as (

    select * from {{ source('raw', 'disclosures') }}

),

renamed as (

    select
        cast(disclosure_id as varchar) as disclosure_id,
        cast(provider_id as varchar) as provider_id,
        cast(submitted_at as timestamp) as submitted_at,
        cast(legal_name as varchar) as legal_name,
        cast(country as varchar) as country,
        cast(lei as varchar) as lei,
        cast(website as varchar) as website,
        cast(file_name as varchar) as file_name,
        cast(file_sha256 as varchar) as file_sha256,
        cast(signing_key_fingerprint as varchar) as signing_key_fingerprint
    from source

)

select * from renamed
