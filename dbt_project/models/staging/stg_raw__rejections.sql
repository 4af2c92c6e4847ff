with

source as (

    select * from {{ source('raw', 'rejections') }}

),

renamed as (

    select
        cast(run_id as varchar) as run_id,
        cast(file as varchar) as file,
        cast(code as varchar) as code,
        cast(path as varchar) as path,
        cast(message as varchar) as message,
        cast(provider_id as varchar) as provider_id,
        cast(provider_name as varchar) as provider_name,
        cast(rejected_since as date) as rejected_since,
        cast(quarantined_in as varchar) as quarantined_in
    from source

)

select * from renamed
