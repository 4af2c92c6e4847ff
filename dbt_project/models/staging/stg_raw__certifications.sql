with

source as (

    select * from {{ source('raw', 'certifications') }}

),

renamed as (

    select
        cast(disclosure_id as varchar) as disclosure_id,
        cast(position as integer) as position,
        cast(scheme as varchar) as scheme,
        cast(certificate_id as varchar) as certificate_id,
        cast(issuer as varchar) as issuer,
        cast(valid_from as date) as valid_from,
        cast(valid_until as date) as valid_until
    from source

)

select * from renamed
