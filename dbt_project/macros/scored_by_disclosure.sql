{#
  Incremental by disclosure (docs/performance.md): a model whose rows depend only on one disclosure's
  content (its file) and the rulebook seeds keeps the rows of the disclosures it has already scored
  and computes only the disclosures in force that it has not scored yet. A disclosure is its
  (disclosure_id, file_sha256): a file re-sent under the same id with other bytes is scored again.
  Everything is recomputed (`dbt build --full-refresh`, decided by sealreg/dbt_runner.py) when the
  project's code, seeds or vars change: every row carries the project digest it was computed with.
#}

{#- The project digest (sealreg.dbt_runner.project_digest) as a string literal. -#}
{% macro project_digest() -%}
    '{{ env_var("SEALREG_DBT_DIGEST", "none") }}'
{%- endmacro %}

{#- Pre-hook: delete the rows of disclosures that are no longer in force with these bytes. -#}
{% macro delete_disclosures_out_of_force() %}
delete from {{ this }} as scored
where not exists (
    select 1
    from {{ ref('stg_disclosures__latest') }} as latest
    where latest.disclosure_id = scored.disclosure_id
        and latest.file_sha256 = scored.file_sha256
)
{% endmacro %}

{#- The disclosures in force (disclosure_id, file_sha256) this model has no rows for yet: all of them
    on a full build. -#}
{% macro disclosures_to_score() %}
select latest.disclosure_id, latest.file_sha256
from {{ ref('stg_disclosures__latest') }} as latest
{%- if is_incremental() %}
anti join (select distinct disclosure_id, file_sha256 from {{ this }}) as scored
    on latest.disclosure_id = scored.disclosure_id
    and latest.file_sha256 = scored.file_sha256
{%- endif %}
{% endmacro %}
