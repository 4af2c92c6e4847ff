-- Every CADA gate of spec §4 as one boolean column per gate (`l<level>_<gate>`), evaluated on
-- var('as_of'). One row per service of the disclosure in force. Assumptions:
--   * no cada block: every gate false (the service claims no Union assurance level);
--   * no audit: every gate about the audit (opinion, date, claimed_level) false;
--   * audit in date: 0 <= as_of - audit_date <= var('audit_max_age_days') days (one more fails; a future
--     date fails);
--   * unknown third-country control (provider missing from the control model) counts as control,
--     so a gate never passes on missing facts;
--   * third-country control is the effective one (§6.2): each third-country controller (declared
--     ultimate controller, GLEIF parent) must be in an associated country for the UAL-3 gate;
--   * orderings: cyber none < basic < substantial < high;
--     personnel any < eu_located < eu_citizens < eu_citizens_cleared.
{%- set associated = var('associated_countries', []) -%}
{%- if associated is string -%}{%- set associated = associated.split(',') -%}{%- endif -%}
{%- set associated = associated | map('trim') | map('upper') | reject('equalto', '') | list %}
with

joined as (

    select * from {{ ref('int_services__cada_joined') }}

),

facts as (

    select
        *,
        {{ as_of_date() }} as as_of,
        case when has_audit then {{ as_of_date() }} - audit_date end as audit_age_days,
        case cyber_certificate
            when 'none' then 0 when 'basic' then 1 when 'substantial' then 2 when 'high' then 3
        end as cyber_rank,
        case personnel
            when 'any' then 0 when 'eu_located' then 1 when 'eu_citizens' then 2 when 'eu_citizens_cleared' then 3
        end as personnel_rank,
        coalesce(third_country_control, true) as assumed_third_country_control,
        {%- if associated | length > 0 %}
        (not coalesce(third_country_control_declared, true)
            or coalesce(ultimate_controller_country in ('{{ associated | join("', '") }}'), false))
        and (not coalesce(gleif_third_country, false)
            or coalesce(gleif_parent_country in ('{{ associated | join("', '") }}'), false))
        {%- else %}
        false
        {%- endif %} as controller_associated,
        concat_ws(', ',
            case when not coalesce(safeguard_no_delivery_restraint, false) then 'no_delivery_restraint' end,
            case when not coalesce(safeguard_no_data_access, false) then 'no_data_access' end,
            case when not coalesce(safeguard_no_continuity_disruption, false) then 'no_continuity_disruption' end,
            case when not coalesce(safeguard_no_forced_sanctions, false) then 'no_forced_sanctions' end
        ) as missing_safeguards
    from joined

)

select
    *,

    -- UAL-1 self-assessed
    has_cada and coalesce(statement_of_conformity, false) as l1_statement_of_conformity,
    has_cada and coalesce(subcontractor_register, false) as l1_subcontractor_register,
    has_cada and coalesce(data_location_checkable, false) as l1_data_location_checkable,

    -- UAL-2 audited
    has_cada and has_audit and coalesce(audit_opinion = 'positive', false) as l2_audit_positive,
    has_cada and has_audit and coalesce(audit_age_days between 0 and {{ var('audit_max_age_days') }}, false)
        as l2_audit_within_365_days,
    has_cada and has_audit and coalesce(audit_claimed_level >= 2, false) as l2_claimed_level_2,
    has_cada and coalesce(cyber_rank >= 2, false) as l2_cyber_certificate_substantial,
    has_cada and coalesce(personnel_rank >= 1, false) as l2_personnel_eu_located,
    has_cada and coalesce(support_in_union, false) as l2_support_in_union,
    has_cada and coalesce(sbom, false) as l2_sbom,
    has_cada and coalesce(no_third_country_ai_training, false) as l2_no_third_country_ai_training,
    has_cada and (not assumed_third_country_control or missing_safeguards = '') as l2_third_country_safeguards,

    -- UAL-3
    has_cada and has_audit and coalesce(audit_claimed_level >= 3, false) as l3_claimed_level_3,
    has_cada and coalesce(personnel_rank >= 2, false) as l3_personnel_eu_citizens,
    has_cada and (not assumed_third_country_control or controller_associated) as l3_third_country_associated,
    has_cada and (
        not assumed_third_country_control
        or (missing_safeguards = '' and coalesce(source_code_access, false))
    ) as l3_third_country_safeguards_l3,

    -- UAL-4
    has_cada and has_audit and coalesce(audit_claimed_level = 4, false) as l4_claimed_level_4,
    has_cada and coalesce(cyber_rank = 3, false) as l4_cyber_certificate_high,
    has_cada and coalesce(personnel_rank = 3, false) as l4_personnel_eu_citizens_cleared,
    has_cada and not assumed_third_country_control as l4_no_third_country_control,
    has_cada and coalesce(no_third_country_kill_switch, false) as l4_no_third_country_kill_switch
from facts
