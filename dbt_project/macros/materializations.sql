{#-
  Table and view materializations for the run's private warehouse copy (docs/performance.md, "One
  statement per model"). dbt-duckdb's own build a `__dbt_tmp` relation, look up foreign keys and
  indexes, rename the old relation to `__dbt_backup`, rename the new one in, commit, then drop the
  backup: 11-17 statements a model, each paying dbt's per-statement bookkeeping. Here one transaction
  replaces the relation in place: `create or replace` (for an enforced contract: the table with its
  columns and constraints, then the insert, as dbt-duckdb does), the persisted docs, one commit. With
  an enforced contract the table's columns are the YAML's, so the comments go in the same statement
  (dbt's persist_docs would read the columns back twice first). A
  failing statement rolls the whole transaction back, so the relation stays as it was. The project
  uses no foreign keys, indexes, grants, sql_header, partitioning or python models; a model that
  configures one of them fails loudly here instead of being built without it.
-#}

{% macro sealreg_unsupported_configs() -%}
    {%- for key in ['indexes', 'grants', 'sql_header', 'partitioned_by', 'sorted_by'] if config.get(key) -%}
        {% do exceptions.raise_compiler_error(
            "model " ~ model.unique_id ~ ": config '" ~ key ~ "' is not supported by macros/materializations.sql") %}
    {%- endfor -%}
    {%- if model.language != 'sql' -%}
        {% do exceptions.raise_compiler_error("model " ~ model.unique_id ~ ": only SQL models are supported") %}
    {%- endif -%}
{%- endmacro %}

{#- Drop a relation of the other type under this name (a view that became a table, or the reverse). -#}
{% macro sealreg_drop_if_other_type(existing_relation, relation_type) -%}
    {%- if existing_relation is not none and existing_relation.type != relation_type -%}
        {{ drop_relation_if_exists(existing_relation) }}
    {%- endif -%}
{%- endmacro %}

{% macro sealreg_create_or_replace_table_as(relation, compiled_code) -%}
    {%- if config.get('contract').enforced -%}
        {{ get_assert_columns_equivalent(compiled_code) }}
        create or replace table {{ relation }} {{ get_table_columns_and_constraints() }};
        insert into {{ relation }} {{ get_column_names() }} (
            {{ get_select_subquery(compiled_code) }}
        );
        {{ sealreg_contract_comments(relation) }}
    {%- else -%}
        create or replace table {{ relation }} as (
            {{ compiled_code }}
        );
    {%- endif -%}
{%- endmacro %}

{#- The persisted docs of a table built from its contract's columns, as dbt-duckdb's persist_docs
    writes them (the same `comment on` statements, the same escaping). -#}
{% macro sealreg_contract_comments(relation) -%}
    {%- if config.persist_relation_docs() and model.description %}
        comment on table {{ relation }} is {{ duckdb_escape_comment(model.description) }};
    {%- endif %}
    {%- if config.persist_column_docs() %}
        {%- for column_name, column in model.columns.items() %}
        comment on column {{ relation }}.{{ adapter.quote(column_name) if column['quote'] else column_name }} is {{ duckdb_escape_comment(column['description']) }};
        {%- endfor %}
    {%- endif %}
{%- endmacro %}

{% macro sealreg_create_or_replace_view_as(relation, compiled_code) -%}
    {%- if config.get('contract').enforced -%}
        {{ get_assert_columns_equivalent(compiled_code) }}
    {%- endif %}
    create or replace view {{ relation }} as (
        {{ compiled_code }}
    );
{%- endmacro %}

{#- One transaction: drop a relation of the other type, create or replace, hooks, docs, commit. -#}
{% macro sealreg_replace_relation(relation_type) %}
    {{ sealreg_unsupported_configs() }}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type=relation_type) -%}
    {%- set contract_comments = relation_type == 'table' and config.get('contract').enforced -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}  {#- BEGIN happens here -#}
    {{ sealreg_drop_if_other_type(existing_relation, relation_type) }}
    {% call statement('main') -%}
        {%- if relation_type == 'table' -%}
            {{ sealreg_create_or_replace_table_as(target_relation, compiled_code) }}
        {%- else -%}
            {{ sealreg_create_or_replace_view_as(target_relation, compiled_code) }}
        {%- endif -%}
    {%- endcall %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- if not contract_comments %}
        {% do persist_docs(target_relation, model) %}
    {%- endif %}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmacro %}

{% materialization table, adapter='duckdb' %}
    {{ return(sealreg_replace_relation('table')) }}
{% endmaterialization %}

{% materialization view, adapter='duckdb' %}
    {{ return(sealreg_replace_relation('view')) }}
{% endmaterialization %}
