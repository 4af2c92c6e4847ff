with

source as (

    select * from {{ source('raw', 'ref_relationships') }}

),

renamed as (

    select
        cast(start_lei as varchar) as start_lei,
        cast(end_lei as varchar) as end_lei,
        cast(relationship_type as varchar) as relationship_type,
        cast(relationship_status as varchar) as relationship_status,
        cast(registration_status as varchar) as registration_status,
        cast(source_file_sha256 as varchar) as source_file_sha256
    from source

)

select * from renamed
