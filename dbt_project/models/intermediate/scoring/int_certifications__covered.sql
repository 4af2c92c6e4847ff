-- One row per certificate of the disclosure in force and service it covers (service_id null when
-- the certificate lists no service), with its validity on the evaluation date (var as_of):
-- valid_from <= as_of <= valid_until, both ends inclusive.
-- Key: (provider_id, certificate_id, service_id).
with

certifications as (

    select * from {{ ref('int_certifications__current') }}

),

covered_services as (

    select * from {{ ref('int_certification_services__current') }}

)

select
    certifications.provider_id,
    certifications.certificate_id,
    covered_services.service_id,
    certifications.scheme,
    certifications.issuer,
    certifications.valid_from,
    certifications.valid_until,
    coalesce(
        certifications.valid_from <= {{ as_of_date() }}
        and {{ as_of_date() }} <= certifications.valid_until,
        false
    ) as valid_on_as_of,
    certifications.disclosure_id
from certifications
left join covered_services
    on certifications.disclosure_id = covered_services.disclosure_id
    and certifications.certificate_id = covered_services.certificate_id
