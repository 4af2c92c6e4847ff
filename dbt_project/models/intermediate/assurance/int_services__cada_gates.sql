-- The CADA gates of spec §4 in long form: one row per service × gate, with the level, the gate's
-- stable position within its level (`gate_order`), pass/fail and a `detail` naming the facts the
-- gate looked at. This list is THE documented gate order; `int_services__cada_checked` computes
-- the booleans (column `l<level>_<gate>`). The gate names are published identifiers:
-- `audit_within_365_days` keeps its name whatever var('audit_max_age_days') says.
{%- set tcc = "coalesce(third_country_controller, ultimate_controller_country, 'unknown')" -%}
{%- set bool_fact = "'%s: ' || coalesce(cast(%s as varchar), 'missing')" -%}
{%- set no_audit = "case when not has_audit then 'no audit' else %s end" -%}
{%- set no_tcc = "case when not assumed_third_country_control then 'no third-country control' else %s end" -%}
{%- set gates = [
    (1, 'statement_of_conformity', bool_fact | format('statement_of_conformity', 'statement_of_conformity')),
    (1, 'subcontractor_register', bool_fact | format('subcontractor_register', 'subcontractor_register')),
    (1, 'data_location_checkable', bool_fact | format('data_location_checkable', 'data_location_checkable')),

    (2, 'audit_positive', no_audit | format("'opinion: ' || audit_opinion")),
    (2, 'audit_within_365_days', no_audit | format(
        "case when audit_age_days < 0"
        ~ " then 'audit dated ' || audit_date || ', later than the evaluation date'"
        ~ " else 'audit dated ' || audit_date || ', in date until ' || cast(audit_date + " ~ var('audit_max_age_days') ~ " as date) end")),
    (2, 'claimed_level_2', no_audit | format("'claimed_level: ' || audit_claimed_level")),
    (2, 'cyber_certificate_substantial', "'cyber_certificate: ' || coalesce(cyber_certificate, 'missing')"),
    (2, 'personnel_eu_located', "'personnel: ' || coalesce(personnel, 'missing')"),
    (2, 'support_in_union', bool_fact | format('support_in_union', 'support_in_union')),
    (2, 'sbom', bool_fact | format('sbom', 'sbom')),
    (2, 'no_third_country_ai_training', bool_fact | format('no_third_country_ai_training', 'no_third_country_ai_training')),
    (2, 'third_country_safeguards', no_tcc | format(
        "'third-country control (' || " ~ tcc ~ " || '); '"
        ~ " || case when missing_safeguards = '' then 'all four safeguards given'"
        ~ " else 'safeguards missing: ' || missing_safeguards end")),

    (3, 'claimed_level_3', no_audit | format("'claimed_level: ' || audit_claimed_level")),
    (3, 'personnel_eu_citizens', "'personnel: ' || coalesce(personnel, 'missing')"),
    (3, 'third_country_associated', no_tcc | format(
        "'third-country control (' || " ~ tcc ~ " || '), '"
        ~ " || case when controller_associated then 'an associated country' else 'not an associated country' end")),
    (3, 'third_country_safeguards_l3', no_tcc | format(
        "'third-country control (' || " ~ tcc ~ " || '); '"
        ~ " || case when missing_safeguards = '' and coalesce(source_code_access, false)"
        ~ " then 'all four safeguards and source_code_access given'"
        ~ " else 'missing: ' || concat_ws(', ', nullif(missing_safeguards, ''),"
        ~ " case when not coalesce(source_code_access, false) then 'source_code_access' end) end")),

    (4, 'claimed_level_4', no_audit | format("'claimed_level: ' || audit_claimed_level")),
    (4, 'cyber_certificate_high', "'cyber_certificate: ' || coalesce(cyber_certificate, 'missing')"),
    (4, 'personnel_eu_citizens_cleared', "'personnel: ' || coalesce(personnel, 'missing')"),
    (4, 'no_third_country_control', no_tcc | format("'third-country control (' || " ~ tcc ~ " || ')'")),
    (4, 'no_third_country_kill_switch', bool_fact | format('no_third_country_kill_switch', 'no_third_country_kill_switch')),
] %}

with

checked as (

    select * from {{ ref('int_services__cada_checked') }}

),

gates as (

    select
        service_id,
        unnest([
            {%- set order = namespace(level=0, n=0) %}
            {%- for level, gate, detail in gates %}
            {%- if level != order.level %}{% set order.level = level %}{% set order.n = 0 %}{% endif %}
            {%- set order.n = order.n + 1 %}
            {
                'level': {{ level }},
                'gate_order': {{ order.n }},
                'gate': '{{ gate }}',
                'passed': l{{ level }}_{{ gate }},
                'detail': case when not has_cada then 'no CADA block' else {{ detail }} end
            }{{ ',' if not loop.last }}
            {%- endfor %}
        ], recursive := true)
    from checked

)

select
    service_id,
    cast(level as integer) as level,
    cast(gate_order as integer) as gate_order,
    cast(gate as varchar) as gate,
    cast(passed as boolean) as passed,
    cast(detail as varchar) as detail
from gates
