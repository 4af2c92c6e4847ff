-- GLEIF Level 1 identity check per provider (assurance-rules §6.1). lei_check, the first that applies:
--   not_checked       no Level 1 source loaded
--   not_declared      the disclosure gives no LEI
--   unknown           the LEI is not in Level 1
--   invalid           registration status not in (ISSUED, LAPSED, PENDING_TRANSFER, PENDING_ARCHIVAL),
--                     or entity status INACTIVE
--   country_mismatch  GLEIF's legal-address country differs from the declared country
--   lapsed            registration status LAPSED (stale but published: no flag)
--   verified          otherwise
-- gleif_* columns are filled whenever the LEI is in Level 1, whatever its status. LEIs compare
-- case-insensitively.
with

providers as (

    select provider_id, disclosure_id, legal_name, country, upper(lei) as lei
    from {{ ref('stg_disclosures__latest') }}

),

lei_records as (

    select * from {{ ref('stg_raw__ref_lei_records') }}

),

loaded as (

    select * from {{ ref('int_reference_sources__loaded') }}

),

joined as (

    select
        providers.*,
        loaded.gleif_level1_loaded,
        loaded.gleif_level1_loaded_on,
        lei_records.lei is not null as in_level1,
        lei_records.legal_name as gleif_legal_name,
        lei_records.legal_address_country as gleif_country,
        lei_records.entity_status as gleif_entity_status,
        lei_records.registration_status as gleif_registration_status
    from providers
    cross join loaded
    left join lei_records
        on loaded.gleif_level1_loaded
        and providers.lei = upper(lei_records.lei)

)

select
    provider_id,
    disclosure_id,
    lei,
    country,
    case
        when not gleif_level1_loaded then 'not_checked'
        when lei is null then 'not_declared'
        when not in_level1 then 'unknown'
        when coalesce(gleif_registration_status, '') not in ('ISSUED', 'LAPSED', 'PENDING_TRANSFER', 'PENDING_ARCHIVAL')
            or gleif_entity_status = 'INACTIVE' then 'invalid'
        when gleif_country is distinct from country then 'country_mismatch'
        when gleif_registration_status = 'LAPSED' then 'lapsed'
        else 'verified'
    end as lei_check,
    in_level1,
    gleif_legal_name,
    gleif_country,
    gleif_entity_status,
    gleif_registration_status,
    case when gleif_level1_loaded then gleif_level1_loaded_on end as gleif_checked_on
from joined
