{#- The columns flag, objective, criterion_id, rung and cap of one washing-flag row, from the rule of
    `flag` in var('washing_flags') (dbt_project.yml). A flag raised by an answer passes the answer's
    criterion_id and rung; a flag raised by reference data leaves both null. -#}
{% macro washing_flag_columns(flag, criterion_id='cast(null as varchar)', rung='cast(null as integer)') -%}
    {%- set rule = var('washing_flags')[flag] -%}
    '{{ flag }}' as flag,
    '{{ rule.objective }}' as objective,
    {{ criterion_id }} as criterion_id,
    {{ rung }} as rung,
    {{ rule.cap }} as cap
{%- endmacro %}

{#- The answer that makes the claim of `flag`: its criterion is the rule's and its rung at least the
    rule's claim_rung (`answers` being rows of int_criteria__scored). -#}
{% macro washing_flag_claim(flag, answers='answered_as') -%}
    {%- set rule = var('washing_flags')[flag] -%}
    {{ answers }}.criterion_id = '{{ rule.criterion }}'
        and {{ answers }}.rung >= {{ rule.claim_rung }}
{%- endmacro %}

{#- The criteria whose answers can raise a washing flag, as a SQL list: ('SOV-1.1', ...). -#}
{% macro washing_flag_criteria() -%}
    ({% for flag, rule in var('washing_flags').items() if rule.criterion is defined %}'{{ rule.criterion }}'{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}
