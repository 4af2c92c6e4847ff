with

source as (

    select * from {{ source('raw', 'parents') }}

),

renamed as (

    select
        cast(disclosure_id as varchar) as disclosure_id,
        cast(position as integer) as position,
        cast(entity_id as varchar) as entity_id,
        cast(name as varchar) as name,
        cast(country as varchar) as country,
        cast(controlled_by as varchar) as controlled_by,
        cast(controlled_by_name as varchar) as controlled_by_name,
        cast(controlled_by_country as varchar) as controlled_by_country
    from source

)

select * from renamed
