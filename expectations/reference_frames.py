"""Raw-suite frames over the reference tables (spec/references.md), written by ingestion/references.py.

The GLEIF tables hold millions of rows, so apart from the small `ref_sources` and `ref_certificates`
tables the frames are aggregates computed in DuckDB (one row per snapshot), never the rows themselves.
"""

from __future__ import annotations

from expectations.checks import (
    Frame,
    between,
    derived,
    in_set,
    is_null,
    matches,
    not_null,
    pair_equal,
    table,
    unique_together,
)

R = "spec/references.md"
SHA256 = r"^[0-9a-f]{64}$"
KINDS = ["gleif_level1", "gleif_level2", "scheme_register"]
SOURCE = r"^(?:gleif-level1|gleif-level2|register:.+)$"
REFERENCE_TABLES = ("raw.ref_lei_records", "raw.ref_relationships", "raw.ref_certificates", "raw.ref_sources")

REF_SOURCES = table(
    "raw.ref_sources",
    ["source", "kind", "file", "file_sha256", "rows", "first_loaded_on", "in_use"],
    ("source", "file_sha256"),
    [
        matches("source", SOURCE, f"{R}: a source is gleif-level1, gleif-level2 or register:<file name>"),
        in_set("kind", KINDS, f"{R}: kind is gleif_level1, gleif_level2 or scheme_register"),
        not_null("kind", f"{R}: every snapshot has a kind"),
        matches("file_sha256", SHA256, f"{R}: every snapshot is named by its file's sha256"),
        not_null("file_sha256", f"{R}: every snapshot is named by its file's sha256"),
        unique_together(["source", "file_sha256"], f"{R}: one row per source and file digest"),
        between("rows", 1, None, f"{R}: an accepted snapshot has records (an empty file never replaces one)"),
        not_null("first_loaded_on", f"{R}: the release says when each snapshot was first loaded"),
        not_null("in_use", f"{R}: in_use says which snapshot is in force"),
    ],
)

IN_USE_PER_SOURCE = derived(
    "ref_sources_in_use",
    "select source, min(kind) as kind, max(kind) as other_kind, count(*) filter (where in_use) as snapshots_in_use "
    "from raw.ref_sources group by source order by source",
    ("raw.ref_sources",),
    ("source",),
    [
        between("snapshots_in_use", 0, 1, f"{R}: at most one snapshot of a source is in use"),
        pair_equal("kind", "other_kind", f"{R}: all snapshots of a source have its kind"),
    ],
    "one row per source: how many of its snapshots are in use",
)

SNAPSHOT_ROWS = derived(
    "ref_snapshot_rows",
    """
    with held as (
        select 'ref_lei_records' as ref_table, 'gleif-level1' as source, source_file_sha256, count(*) as n
        from raw.ref_lei_records group by source_file_sha256
        union all
        select 'ref_relationships', 'gleif-level2', source_file_sha256, count(*)
        from raw.ref_relationships group by source_file_sha256
        union all
        select 'ref_certificates', source, source_file_sha256, count(*)
        from raw.ref_certificates group by source, source_file_sha256
    )
    select h.ref_table, h.source, h.source_file_sha256, h.n,
           case when s.file_sha256 is null then h.ref_table || '/' || h.source end as not_in_use,
           case when h.ref_table <> 'ref_relationships' and h.n <> s.rows then h.ref_table || '/' || h.source end
               as rows_differ
    from held h left join raw.ref_sources s
      on s.source = h.source and s.file_sha256 = h.source_file_sha256 and s.in_use
    order by all
    """,
    ("raw.ref_lei_records", "raw.ref_relationships", "raw.ref_certificates", "raw.ref_sources"),
    ("ref_table", "source", "source_file_sha256"),
    [
        is_null("not_in_use", f"{R}: the reference tables hold only the snapshot in use of each source"),
        is_null("rows_differ", f"{R}: a snapshot holds every record of its file (ref_sources.rows)"),
    ],
    "one row per reference table, source and snapshot digest held",
)


def _snapshot_summary(name: str, table_name: str, bad: dict[str, str], rule: str, description: str) -> Frame:
    """One row per snapshot (source_file_sha256) of `table_name`: for each column of `bad`, the number of
    records meeting its condition, which must be 0."""
    counts = "".join(f",\n           count(*) filter (where {cond}) as {col}" for col, cond in bad.items())
    return derived(
        name,
        f"select source_file_sha256{counts}\n    from {table_name} group by source_file_sha256 order by all",
        (table_name,),
        ("source_file_sha256",),
        [between(c, 0, 0, f"{R}: {rule} ({c} = 0)") for c in bad],
        description,
    )


LEI_RECORDS_SUMMARY = _snapshot_summary(
    "ref_lei_records_summary",
    "raw.ref_lei_records",
    {
        "malformed_leis": "lei is null or length(lei) <> 20",
        "unnamed": "legal_name is null or trim(legal_name) = ''",
        "bad_countries": "legal_address_country is null or length(legal_address_country) <> 2",
        "bad_entity_statuses": "entity_status is null or entity_status not in ('ACTIVE', 'INACTIVE')",
        "missing_registration_statuses": "registration_status is null",
    },
    "GLEIF Level 1 records as validated by R003",
    "one row per Level 1 snapshot: counts of records that R003 should have kept out",
)

RELATIONSHIPS_SUMMARY = _snapshot_summary(
    "ref_relationships_summary",
    "raw.ref_relationships",
    {
        "malformed_leis": "start_lei is null or length(start_lei) <> 20 or end_lei is null or length(end_lei) <> 20",
        "unused_types": "relationship_type is null or relationship_type not in ('IS_DIRECTLY_CONSOLIDATED_BY', "
        "'IS_ULTIMATELY_CONSOLIDATED_BY', 'IS_INTERNATIONAL_BRANCH_OF')",
        "bad_relationship_statuses": "relationship_status is null or relationship_status not in ('ACTIVE', 'INACTIVE')",
        "missing_registration_statuses": "registration_status is null",
    },
    "GLEIF Level 2 records as validated by R003 and kept",
    "one row per Level 2 snapshot: counts of records that R003 (or the kept types) should have kept out",
)

REF_CERTIFICATES = table(
    "raw.ref_certificates",
    ["source", "scheme", "certificate_id", "holder_lei", "holder_name", "status", "valid_from", "valid_until",
     "source_url", "source_file_sha256"],
    ("source", "scheme", "certificate_id"),
    [
        matches("source", r"^register:.+$", f"{R}: each register file is a source register:<file name>"),
        not_null("certificate_id", f"{R}: certificate_id is required"),
        not_null("holder_name", f"{R}: holder_name is required"),
        unique_together(["source", "scheme", "certificate_id"], f"{R}: R004 scheme + certificate_id once per file"),
        in_set("status", ["granted", "in_progress", "suspended", "withdrawn"], f"{R}: certificate status enum"),
        not_null("valid_from", f"{R}: valid_from is an ISO date"),
        matches("source_url", r"^https://", f"{R}: source_url is an https:// link"),
    ],
)

REFERENCE_FRAMES = (REF_SOURCES, IN_USE_PER_SOURCE, SNAPSHOT_ROWS, LEI_RECORDS_SUMMARY, RELATIONSHIPS_SUMMARY,
                    REF_CERTIFICATES)
