{#- Fails for every combination of the given columns that occurs more than once (nulls compare equal).
    The columns are grouped only among the rows whose combined hash occurs more than once: grouping one
    hash is cheaper than grouping the columns, and a hash collision is told from a duplicate by the
    second grouping. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{%- set columns = combination_of_columns | join(', ') %}
with

repeated_hashes as (

    select hash({{ columns }}) as key_hash
    from {{ model }}
    group by key_hash
    having count(*) > 1

)

select {{ columns }}, count(*) as n_rows
from {{ model }}
where hash({{ columns }}) in (select key_hash from repeated_hashes)
group by {{ columns }}
having count(*) > 1
{% endtest %}
