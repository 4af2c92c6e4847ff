with

source as (

    select * from {{ source('raw', 'answers') }}

),

renamed as (

    select
        cast(disclosure_id as varchar) as disclosure_id,
        cast(service_id as varchar) as service_id,
        cast(criterion_id as varchar) as criterion_id,
        cast(rung as integer) as rung
    from source

)

select * from renamed
