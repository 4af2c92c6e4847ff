with

source as (

    select * from {{ source('raw', 'evidence') }}

),

renamed as (

    select
        cast(disclosure_id as varchar) as disclosure_id,
        cast(service_id as varchar) as service_id,
        cast(criterion_id as varchar) as criterion_id,
        cast(url as varchar) as url,
        cast(note as varchar) as note
    from source

)

select * from renamed
