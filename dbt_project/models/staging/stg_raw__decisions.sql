with

source as (

    select * from {{ source('raw', 'decisions') }}

),

renamed as (

    select
        cast(decision_id as varchar) as decision_id,
        cast(seq as integer) as seq,
        cast(service_id as varchar) as service_id,
        cast(action as varchar) as action,
        cast(reason as varchar) as reason,
        cast(decided_by as varchar) as decided_by,
        cast(decided_at as timestamp) as decided_at,
        cast(prev_hash as varchar) as prev_hash,
        cast(hash as varchar) as hash,
        cast(legal_basis as varchar) as legal_basis,
        cast(withdraws as varchar) as withdraws
    from source

)

select * from renamed
