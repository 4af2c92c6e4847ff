with

source as (

    select * from {{ source('raw', 'ref_lei_records') }}

),

renamed as (

    select
        cast(lei as varchar) as lei,
        cast(legal_name as varchar) as legal_name,
        cast(legal_address_country as varchar) as legal_address_country,
        cast(entity_status as varchar) as entity_status,
        cast(registration_status as varchar) as registration_status,
        cast(source_file_sha256 as varchar) as source_file_sha256
    from source

)

select * from renamed
