with

source as (

    select * from {{ source('raw', 'ownership') }}

),

renamed as (

    select
        cast(disclosure_id as varchar) as disclosure_id,
        cast(position as integer) as position,
        cast(holder_id as varchar) as holder_id,
        cast(holder_name as varchar) as holder_name,
        cast(country as varchar) as country,
        cast(capital_pct as double) as capital_pct,
        cast(voting_pct as double) as voting_pct,
        cast(controls as boolean) as controls
    from source

)

select * from renamed
