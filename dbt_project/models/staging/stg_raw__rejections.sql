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
        cast(message as varchar) as message
    from source

)

select * from renamed
