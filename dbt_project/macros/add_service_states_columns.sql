{#- Columns that service_states gained after its first release, added to an existing history table
    before the night's rows are computed (the model reads them from its own earlier rows). Older
    rows hold null in them. tests/dbt/test_history_upgrade.py checks that the list is complete. -#}
{% macro add_service_states_columns() -%}
alter table {{ this }} add column if not exists seal_own integer;
alter table {{ this }} add column if not exists ual_own integer;
alter table {{ this }} add column if not exists objective_seals integer[];
alter table {{ this }} add column if not exists third_country_control boolean;
alter table {{ this }} add column if not exists open_source_status varchar;
alter table {{ this }} add column if not exists open_source_license varchar;
alter table {{ this }} add column if not exists open_source_repository varchar;
alter table {{ this }} add column if not exists tender_eligible boolean;
alter table {{ this }} add column if not exists tender_exclusion_reason varchar;
alter table {{ this }} add column if not exists open_source_preferred boolean
{%- endmacro %}
