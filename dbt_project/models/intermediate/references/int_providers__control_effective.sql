-- Effective third-country control per provider (assurance-rules §6.2): the declared control of §2
-- or a GLEIF parent whose country is outside the Union (countries seed). An unknown GLEIF parent
-- country is not evidence; a GLEIF parent inside the Union never clears a declared control.
--   control_evidence: declared, gleif, both, or null (no third-country control).
--   undeclared_gleif_parent: the GLEIF parent is outside the Union while the declared chain shows no
--   third-country control (the condition of W5-undeclared-parent).
--   third_country_controller: where the third-country control sits, in words (for the gate details):
--   the declared controller's country, the GLEIF parent's, or both.
with

declared as (

    select * from {{ ref('int_providers__control_chain') }}

),

gleif as (

    select * from {{ ref('int_providers__gleif_parent') }}

),

union_countries as (

    select iso2 from {{ ref('countries') }}

),

evidence as (

    select
        declared.provider_id,
        declared.disclosure_id,
        declared.ultimate_controller_id,
        declared.ultimate_controller_name,
        declared.ultimate_controller_country,
        declared.control_chain,
        declared.chain_depth,
        declared.third_country_control as third_country_control_declared,
        gleif.gleif_parent_check,
        gleif.gleif_parent_lei,
        gleif.gleif_parent_name,
        gleif.gleif_parent_country,
        gleif.gleif_parent_relationship,
        coalesce(gleif.gleif_parent_country is not null and union_countries.iso2 is null, false)
            as gleif_third_country
    from declared
    left join gleif on declared.provider_id = gleif.provider_id
    left join union_countries on gleif.gleif_parent_country = union_countries.iso2

)

select
    *,
    third_country_control_declared or gleif_third_country as third_country_control,
    case
        when third_country_control_declared and gleif_third_country then 'both'
        when third_country_control_declared then 'declared'
        when gleif_third_country then 'gleif'
    end as control_evidence,
    gleif_third_country and not third_country_control_declared as undeclared_gleif_parent,
    case
        when third_country_control_declared and gleif_third_country
            and gleif_parent_country is distinct from ultimate_controller_country
            then coalesce(ultimate_controller_country, 'unknown') || '; GLEIF parent ' || gleif_parent_country
        when third_country_control_declared then ultimate_controller_country
        when gleif_third_country then gleif_parent_country || ', GLEIF parent'
    end as third_country_controller
from evidence
