-- Certificate corroboration per declared certificate (assurance-rules §6.3), the first that applies:
--   self_declared    no loaded register covers its scheme (a register covers every scheme in its snapshot)
--   not_found        no register row with its scheme and certificate_id (exact match)
--   holder_mismatch  the row's holder_lei and the provider's LEI are both present and differ
--   withdrawn, suspended, in_progress   the row's status
--   expired          status granted, but the evaluation date is outside valid_from..valid_until
--   corroborated     otherwise
-- Should several registers hold the same scheme and certificate_id, the row whose value comes first
-- in the list above wins (the registry never says corroborated while an authority disagrees), then
-- the register name. register_source: the register of the matching row; for not_found, the registers
-- covering the scheme. Key: (provider_id, certificate_id).
with

certifications as (

    select provider_id, disclosure_id, certificate_id, scheme
    from {{ ref('int_certifications__current') }}

),

providers as (

    select provider_id, upper(lei) as lei from {{ ref('stg_disclosures__latest') }}

),

register_rows as (

    select * from {{ ref('stg_raw__ref_certificates') }}

),

covered_schemes as (

    select scheme, string_agg(distinct source, ', ' order by source) as covering_registers
    from register_rows
    group by scheme

),

matches as (

    select
        certifications.provider_id,
        certifications.certificate_id,
        register_rows.source as register_source,
        register_rows.source_url as register_source_url,
        register_rows.status as register_status,
        register_rows.holder_lei as register_holder_lei,
        register_rows.valid_from as register_valid_from,
        register_rows.valid_until as register_valid_until,
        case
            when register_rows.holder_lei is not null and providers.lei is not null
                and upper(register_rows.holder_lei) <> providers.lei then 'holder_mismatch'
            when register_rows.status in ('withdrawn', 'suspended', 'in_progress') then register_rows.status
            when not coalesce(
                register_rows.valid_from <= {{ as_of_date() }} and {{ as_of_date() }} <= register_rows.valid_until,
                false
            ) then 'expired'
            else 'corroborated'
        end as corroboration
    from certifications
    inner join providers on certifications.provider_id = providers.provider_id
    inner join register_rows
        on certifications.scheme = register_rows.scheme
        and certifications.certificate_id = register_rows.certificate_id

),

best_match as (

    select *
    from matches
    qualify row_number() over (
        partition by provider_id, certificate_id
        order by
            case corroboration
                when 'holder_mismatch' then 1 when 'withdrawn' then 2 when 'suspended' then 3
                when 'in_progress' then 4 when 'expired' then 5 else 6
            end,
            register_source
    ) = 1

)

select
    certifications.provider_id,
    certifications.certificate_id,
    certifications.disclosure_id,
    certifications.scheme,
    case
        when covered_schemes.scheme is null then 'self_declared'
        when best_match.corroboration is null then 'not_found'
        else best_match.corroboration
    end as corroboration,
    coalesce(best_match.register_source, covered_schemes.covering_registers) as register_source,
    best_match.register_source_url,
    best_match.register_status,
    best_match.register_holder_lei,
    best_match.register_valid_from,
    best_match.register_valid_until
from certifications
left join covered_schemes on certifications.scheme = covered_schemes.scheme
left join best_match
    on certifications.provider_id = best_match.provider_id
    and certifications.certificate_id = best_match.certificate_id
