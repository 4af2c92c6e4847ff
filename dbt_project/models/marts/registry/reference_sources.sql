-- Every reference snapshot ever accepted (spec/references.md): the file, digest and first date that each
-- figure checked against an authority rests on; `in_use` marks the snapshot in force of each source.
select
    source,
    file_sha256,
    kind,
    file,
    rows,
    first_loaded_on,
    in_use
from {{ ref('stg_raw__ref_sources') }}
