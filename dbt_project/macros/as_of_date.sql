{#- The run's evaluation date as a DATE literal. Use this, never current_date.
    Source, first found: var `as_of` (--vars, unit-test overrides), else the environment variable
    SEALREG_AS_OF (what sealreg/dbt_runner.py sets: keeping the date out of --vars lets dbt reuse its
    partial parse from one night to the next; dbt tracks env_var() values and re-parses the nodes
    that use this macro when the date changes), else the parse-time placeholder 2026-11-28. -#}
{% macro as_of_date() -%}
    cast('{{ var("as_of", env_var("SEALREG_AS_OF", "2026-11-28")) }}' as date)
{%- endmacro %}
