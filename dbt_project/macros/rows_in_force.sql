{#
  Rows of a staging model that belong to the disclosure in force for their provider
  (`stg_disclosures__latest`): superseded disclosures are dropped. Adds `provider_id` first;
  `exclude` drops staging columns that would clash with it.
#}
{% macro rows_in_force(staging_model, exclude=[]) %}
select
    latest.provider_id,
    rows_.*{% if exclude %} exclude ({{ exclude | join(', ') }}){% endif %}
from {{ ref(staging_model) }} as rows_
inner join (
    select disclosure_id, provider_id from {{ ref('stg_disclosures__latest') }}
) as latest
    on rows_.disclosure_id = latest.disclosure_id
{% endmacro %}
