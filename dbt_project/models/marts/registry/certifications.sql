-- One row per provider, certificate and covered service (service_id null when the certificate
-- lists no service), with its scheme-register corroboration (assurance-rules §6.3). Key: (provider_id, certificate_id, service_id).
select
    provider_id,
    certificate_id,
    service_id,
    scheme,
    issuer,
    valid_from,
    valid_until,
    valid_on_as_of,
    corroboration,
    register_source,
    register_source_url,
    counts_for_w4,
    disclosure_id
from {{ ref('int_certifications__covered') }}
