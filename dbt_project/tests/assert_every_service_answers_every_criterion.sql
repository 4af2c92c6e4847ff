-- Every scored service has exactly one scored row per rulebook criterion (48); otherwise its
-- objective scores would silently be computed over fewer criteria.
with

rulebook as (

    select count(distinct criterion_id) as criteria from {{ ref('csf_criteria') }}

)

select service_id, count(*) as answered
from {{ ref('int_criteria__scored') }}
group by service_id
having count(*) <> (select criteria from rulebook)
