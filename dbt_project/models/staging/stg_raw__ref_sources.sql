with

source as (

    select * from {{ source('raw', 'ref_sources') }}

),

renamed as (

    select
        cast(source as varchar) as source,
        cast(kind as varchar) as kind,
        cast(file as varchar) as file,
        cast(file_sha256 as varchar) as file_sha256,
        cast(rows as bigint) as rows,
        cast(first_loaded_on as date) as first_loaded_on,
        cast(in_use as boolean) as in_use
    from source

)

select * from renamed
