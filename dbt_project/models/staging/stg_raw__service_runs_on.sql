with

source as (

    select * from {{ source('raw', 'service_runs_on') }}

),

renamed as (

    select
        cast(disclosure_id as varchar) as disclosure_id,
        cast(service_id as varchar) as service_id,
        cast(position as integer) as position,
        cast(dependency_service_id as varchar) as dependency_service_id,
        cast(platform as varchar) as platform,
        cast(operator_name as varchar) as operator_name,
        cast(operator_country as varchar) as operator_country
    from source

)

select * from renamed
