{#- The run's evaluation date (var `as_of`) as a DATE literal. Use this, never current_date. -#}
{% macro as_of_date() -%}
    cast('{{ var("as_of") }}' as date)
{%- endmacro %}
