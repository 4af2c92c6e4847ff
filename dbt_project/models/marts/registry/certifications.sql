-- One row per provider, certificate and covered service (service_id null when the certificate
-- lists no service). Key: (provider_id, certificate_id, service_id).
select
    provider_id,
    certificate_id,
    service_id,
    scheme,
    issuer,
    valid_from,
    valid_until,
    valid_on_as_of,
    disclosure_id
from {{ ref('int_certifications__covered') }}
