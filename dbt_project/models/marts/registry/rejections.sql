-- This run's rejected files: one row per problem. raw.rejections holds only the current run's
-- problems (ingestion replaces it), so no filter on var run_id here; exact duplicates are dropped.
-- provider_id/provider_name: the provider the file names (null when it did not parse that far);
-- rejected_since: first evaluation date of an unchanged rejection (earlier than the run's: still rejected).
select distinct
    file,
    code,
    path,
    message,
    provider_id,
    provider_name,
    rejected_since,
    rejected_since < {{ as_of_date() }} as still_rejected,
    quarantined_in,
    run_id
from {{ ref('stg_raw__rejections') }}
