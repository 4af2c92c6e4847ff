with

source as (

    select * from {{ source('raw', 'open_source_licenses') }}

),

renamed as (

    select
        cast(disclosure_id as varchar) as disclosure_id,
        cast(service_id as varchar) as service_id,
        cast(repository as varchar) as repository,
        cast(license as varchar) as license,
        cast(license_id as varchar) as license_id,
        cast(is_exception as boolean) as is_exception
    from source

)

select * from renamed
