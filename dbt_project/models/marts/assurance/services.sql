-- The published services of this evaluation date: this night's rows of service_states (so a
-- revoked service whose disclosure has left the inbox is still listed, as revoked, for five
-- years), one row per service.
with

states as (

    select * from {{ ref('service_states') }}
    where as_of = {{ as_of_date() }}

)

select
    service_id,
    provider_id,
    name,
    model,
    sovereignty_score,
    seal,
    ual,
    seal_own,
    ual_own,
    status,
    status_reason,
    weights_version,
    evaluated_on,
    seal_uncapped,
    regions,
    flag_count,
    disclosure_id,
    disclosure_withdrawn,
    tender_eligible,
    tender_exclusion_reason,
    open_source_status,
    open_source_license,
    open_source_repository
from states
