{#- Every column check of one model in one query, one dbt node instead of one per check:
    `not_null` (columns), `accepted_values` ({column: values}, nulls pass), `accepted_range`
    ({column: {min_value, max_value}}, bounds optional and inclusive, nulls pass) and `unique` (key
    column lists; nulls compare equal). A violation fails the test with an error naming the model,
    the column, the value and the check it breaks (the first five, sorted, and how many in all). -#}
{% test column_checks(model, not_null=[], accepted_values={}, accepted_range={}, unique=[]) %}
with

violations as (

    select cast(null as varchar) as problem where false
    {%- for column in not_null %}
    union all
    select '{{ column }} = null: breaks not_null' from {{ model }} where {{ column }} is null
    {%- endfor %}
    {%- for column, values in accepted_values.items() %}
    {%- set listed = [] %}
    {%- for value in values %}{% do listed.append("'" ~ (value | string | replace("'", "''")) ~ "'") %}{% endfor %}
    union all
    select '{{ column }} = ' || cast({{ column }} as varchar)
           || ': breaks accepted_values {{ listed | join(", ") | replace("'", "''") }}'
    from {{ model }}
    where {{ column }} not in ({{ listed | join(", ") }})
    {%- endfor %}
    {%- for column, bounds in accepted_range.items() %}
    {%- set low, high = bounds.get('min_value'), bounds.get('max_value') %}
    union all
    select '{{ column }} = ' || cast({{ column }} as varchar)
           || ': breaks accepted_range [{{ low if low is not none else "" }}, {{ high if high is not none else "" }}]'
    from {{ model }}
    where false
        {%- if low is not none %} or {{ column }} < {{ low }}{% endif %}
        {%- if high is not none %} or {{ column }} > {{ high }}{% endif %}
    {%- endfor %}
    {%- for key in unique %}
    union all
    select '({{ key | join(", ") }}) = ('
           || concat_ws(', '{% for column in key %}, coalesce(cast({{ column }} as varchar), 'null'){% endfor %})
           || '): breaks unique, ' || count(*) || ' rows'
    from {{ model }}
    group by {{ key | join(", ") }}
    having count(*) > 1
    {%- endfor %}

)

select count(*) as violations
from violations
having count(*) > 0
   and error('{{ model.identifier }} breaks its column checks (' || count(*) || '): '
             || array_to_string(list(problem order by problem)[1:5], '; ')) is null
{% endtest %}
