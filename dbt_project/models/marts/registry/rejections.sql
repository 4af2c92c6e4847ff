-- This run's rejected files: one row per problem. raw.rejections holds only the current run's
-- problems (ingestion replaces it), so no filter on var run_id here; exact duplicates are dropped.
select distinct
    file,
    code,
    path,
    message,
    run_id
from {{ ref('stg_raw__rejections') }}
