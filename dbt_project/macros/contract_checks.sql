{#-
  The columns and constraints of a table built from its enforced contract (dbt's
  table_columns_and_constraints, found first by dispatch), with each column-level `check` constraint
  made to name what broke it: DuckDB's own message gives the table and the expression only, so the
  check raises `<model>.<column> = <value>: breaks check <expression>` for the first row that fails it.
  A check that yields null passes, as SQL's CHECK does. The marts' range and vocabulary checks live
  here rather than in data tests: DuckDB enforces them when the table is written, with no dbt node.
-#}
{% macro duckdb__get_table_columns_and_constraints() -%}
    {%- set columns = {} -%}
    {%- for name, column in model['columns'].items() -%}
        {%- set constraints = [] -%}
        {%- for constraint in column.get('constraints') or [] -%}
            {%- if constraint['type'] == 'check' -%}
                {%- do constraints.append(dict(constraint, expression=sealreg_named_check(column, constraint['expression']))) -%}
            {%- else -%}
                {%- do constraints.append(constraint) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do columns.update({name: dict(column, constraints=constraints)}) -%}
    {%- endfor -%}
    {%- set raw_column_constraints = adapter.render_raw_columns_constraints(raw_columns=columns) -%}
    {%- set raw_model_constraints = adapter.render_raw_model_constraints(raw_constraints=model['constraints']) -%}
    (
    {% for c in raw_column_constraints -%}
      {{ c }}{{ "," if not loop.last or raw_model_constraints }}
    {% endfor %}
    {% for c in raw_model_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}

{#- A check expression that passes where `expression` is true or null and otherwise raises an error naming
    the model, the column, its value and the expression. -#}
{% macro sealreg_named_check(column, expression) -%}
    {%- set name = adapter.quote(column['name']) if column['quote'] else column['name'] -%}
    {%- set label = (model.name ~ '.' ~ column['name']) | replace("'", "''") -%}
    case when ({{ expression }}) is not false then true
         else error('{{ label }} = ' || coalesce(cast({{ name }} as varchar), 'null')
                    || ': breaks check {{ expression | replace("'", "''") }}') end
{%- endmacro %}
