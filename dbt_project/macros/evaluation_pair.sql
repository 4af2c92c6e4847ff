{#
  The CTEs that compare this evaluation with the previous one in a history relation keyed by as_of
  (service_states, evidence_states): `previous_evaluation` (the latest as_of before this run's, null on the
  first evaluation), `current_rows` (this evaluation's rows) and `previous_rows` (that evaluation's rows).
  Use inside a `with`, followed by a comma for further CTEs.
#}
{% macro evaluation_pair(relation) %}
states as (

    select * from {{ relation }}

),

previous_evaluation as (

    select max(as_of) as as_of from states where as_of < {{ as_of_date() }}

),

current_rows as (

    select * from states where as_of = {{ as_of_date() }}

),

previous_rows as (

    select states.*
    from states
    inner join previous_evaluation on states.as_of = previous_evaluation.as_of

)
{% endmacro %}
