-- One row per certificate of the disclosure in force and service it covers (service_id null when
-- the certificate lists no service), with its validity on the evaluation date (var as_of):
-- valid_from <= as_of <= valid_until, both ends inclusive, and its register corroboration
-- (assurance-rules §6.3). counts_for_w4: valid on as_of and corroboration self_declared or corroborated.
-- Key: (provider_id, certificate_id, service_id).
with

certifications as (

    select * from {{ ref('int_certifications__current') }}

),

covered_services as (

    select * from {{ ref('int_certification_services__current') }}

),

corroborated as (

    select * from {{ ref('int_certifications__corroborated') }}

),

dated as (

    select
        certifications.*,
        coalesce(
            certifications.valid_from <= {{ as_of_date() }}
            and {{ as_of_date() }} <= certifications.valid_until,
            false
        ) as valid_on_as_of
    from certifications

)

select
    dated.provider_id,
    dated.certificate_id,
    covered_services.service_id,
    dated.scheme,
    dated.issuer,
    dated.valid_from,
    dated.valid_until,
    dated.valid_on_as_of,
    corroborated.corroboration,
    corroborated.register_source,
    corroborated.register_source_url,
    dated.valid_on_as_of and corroborated.corroboration in ('self_declared', 'corroborated') as counts_for_w4,
    dated.disclosure_id
from dated
left join corroborated
    on dated.provider_id = corroborated.provider_id
    and dated.certificate_id = corroborated.certificate_id
left join covered_services
    on dated.disclosure_id = covered_services.disclosure_id
    and dated.certificate_id = covered_services.certificate_id
