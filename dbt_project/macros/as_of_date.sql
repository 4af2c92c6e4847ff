{#- The run's evaluation date as a DATE literal. Use this, never current_date.
    Source, first found: var `as_of` (--vars, unit-test overrides), else the environment variable
    SEALREG_AS_OF (what sealreg/dbt_runner.py sets), else the placeholder 2026-11-28.
    Read only when dbt executes (`execute`): at parse time the macro renders the placeholder and calls
    neither var() nor env_var(), so dbt's saved parse records no dependency on the date and a new date
    re-parses nothing (an env_var() read while parsing marks every file that calls this macro, directly
    or through another macro, for re-parsing whenever its value changes). Nothing at parse time depends
    on the date: it is only a value in the compiled SQL. -#}
{% macro as_of_date() -%}
    {%- if execute -%}
    cast('{{ var("as_of", env_var("SEALREG_AS_OF", "2026-11-28")) }}' as date)
    {%- else -%}
    cast('2026-11-28' as date)
    {%- endif -%}
{%- endmacro %}
