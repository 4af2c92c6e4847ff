with

source as (

    select * from {{ source('raw', 'service_regions') }}

),

renamed as (

    select
        cast(disclosure_id as varchar) as disclosure_id,
        cast(service_id as varchar) as service_id,
        cast(position as integer) as position,
        cast(region as varchar) as region
    from source

)

select * from renamed
