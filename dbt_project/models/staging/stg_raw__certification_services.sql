with

source as (

    select * from {{ source('raw', 'certification_services') }}

),

renamed as (

    select
        cast(disclosure_id as varchar) as disclosure_id,
        cast(certificate_id as varchar) as certificate_id,
        cast(service_id as varchar) as service_id
    from source

)

select * from renamed
