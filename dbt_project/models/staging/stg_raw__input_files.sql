with

source as (

    select * from {{ source('raw', 'input_files') }}

),

renamed as (

    select
        cast(file_name as varchar) as file_name,
        cast(file_sha256 as varchar) as file_sha256,
        cast(size_bytes as bigint) as size_bytes,
        cast(status as varchar) as status,
        cast(disclosure_id as varchar) as disclosure_id
    from source

)

select * from renamed
