-- Every CADA gate of every published service with a disclosure in force: one row per
-- service × level × gate, in the documented gate order (spec §4).
with

gates as (

    select * from {{ ref('int_services__cada_gates') }}

),

published as (

    select service_id from {{ ref('int_services__status_assigned') }}
    where is_published

)

select
    gates.service_id,
    gates.level,
    gates.gate_order,
    gates.gate,
    gates.passed,
    gates.detail
from gates
inner join published on gates.service_id = published.service_id
