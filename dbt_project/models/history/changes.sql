{{ config(materialized='table') }}
-- What changed on this evaluation date (var as_of) against the latest earlier evaluation date in
-- service_states ("the previous release"). One row per service and field:
--   added   (field `service`): in this evaluation, not in the previous one; new_value = name;
--   removed (field `service`): in the previous evaluation, not in this one; old_value = name;
--   changed (field = column name): name, provider_id, model, sovereignty_score, seal, ual,
--            status, status_reason or open_source_status differs (null-safe); values as text.
--            A field in `recorded_later` that is null in the previous row was not recorded then
--            (service_states gained the column after its first release): not a change.
-- Empty when there is no earlier evaluation (first run). In a backfill the "previous" one is the
-- latest evaluation before the backfilled date.
{%- set fields = ['name', 'provider_id', 'model', 'sovereignty_score', 'seal', 'ual', 'status', 'status_reason',
                  'open_source_status'] %}
{%- set recorded_later = ['open_source_status'] %}
with

{{ evaluation_pair(ref('service_states')) }},

added as (

    select
        current_rows.service_id,
        'added' as change,
        'service' as field,
        cast(null as varchar) as old_value,
        current_rows.name as new_value
    from current_rows
    where exists (select 1 from previous_rows)
      and current_rows.service_id not in (select service_id from previous_rows)

),

removed as (

    select
        previous_rows.service_id,
        'removed' as change,
        'service' as field,
        previous_rows.name as old_value,
        cast(null as varchar) as new_value
    from previous_rows
    where previous_rows.service_id not in (select service_id from current_rows)

),

field_values as (

    select
        current_rows.service_id,
        unnest([
            {%- for field in fields %}
            {
                'field': '{{ field }}',
                'old_value': cast(previous_rows.{{ field }} as varchar),
                'new_value': cast(current_rows.{{ field }} as varchar)
            }{{ ',' if not loop.last }}
            {%- endfor %}
        ], recursive := true)
    from current_rows
    inner join previous_rows on current_rows.service_id = previous_rows.service_id

),

changed as (

    select service_id, 'changed' as change, field, old_value, new_value
    from field_values
    where old_value is distinct from new_value
      and not (field in ('{{ recorded_later | join("', '") }}') and old_value is null)

),

all_changes as (

    select * from added
    union all
    select * from removed
    union all
    select * from changed

)

select
    {{ as_of_date() }} as as_of,
    (select as_of from previous_evaluation) as previous_as_of,
    service_id,
    change,
    field,
    old_value,
    new_value
from all_changes
