with

source as (

    select * from {{ source('raw', 'ref_certificates') }}

),

renamed as (

    select
        cast(source as varchar) as source,
        cast(scheme as varchar) as scheme,
        cast(certificate_id as varchar) as certificate_id,
        cast(holder_lei as varchar) as holder_lei,
        cast(holder_name as varchar) as holder_name,
        cast(status as varchar) as status,
        cast(valid_from as date) as valid_from,
        cast(valid_until as date) as valid_until,
        cast(source_url as varchar) as source_url,
        cast(source_file_sha256 as varchar) as source_file_sha256
    from source

)

select * from renamed
