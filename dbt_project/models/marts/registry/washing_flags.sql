-- One row per raised flag, with the cap it applies and its reason: the answer-contradicting flags
-- (§3, §6: one objective capped) and W8-dependency (§7: no objective; cap = the service's resulting SEAL).
select
    service_id,
    flag,
    objective,
    cap,
    reason,
    criterion_id,
    rung
from {{ ref('int_washing_flags__detected') }}

union all

select
    service_id,
    'W8-dependency' as flag,
    cast(null as varchar) as objective,
    seal as cap,
    w8_reason as reason,
    cast(null as varchar) as criterion_id,
    cast(null as integer) as rung
from {{ ref('int_services__supply_chain_capped') }}
where w8_raised
