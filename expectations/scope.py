"""Which disclosures' raw rows already passed the raw gate: `raw.gate_checked`, carried between nights in the
warehouse, so a night's raw gate reads only the rows of the disclosures it loaded (docs/validation.md, "What
the nightly raw gate reads").

A row (disclosure_id, file_sha256, suite, rows_digest) says: the rows of that disclosure, loaded from the file
with that digest and summed up by `rows_digest` (`digests_sql`), passed every per-disclosure check of the raw
suite with that fingerprint. It is written only after a
raw gate passed (`record_checked`); the ingest keeps it only for the disclosures whose rows it kept unchanged
from the baseline (`forget_unkept`), and forgets all of it on a full ingest.
"""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

CHECKED_TABLE = "raw.gate_checked"
CHECKED_COLUMNS = "(disclosure_id VARCHAR, file_sha256 VARCHAR, suite VARCHAR, rows_digest VARCHAR)"
CHECKED_DDL = f"CREATE TABLE IF NOT EXISTS {CHECKED_TABLE} {CHECKED_COLUMNS}"
#: Name under which a gate run registers the disclosure ids it takes as checked.
CHECKED_VIEW = "_gate_checked"
#: Name under which the rows digests a gate read are registered while they are compared or recorded.
DIGESTS_VIEW = "_gate_digests"
_HERE = Path(__file__).resolve().parent
_SEEDS = _HERE.parent / "dbt_project" / "seeds"


@lru_cache(maxsize=4)
def suite_fingerprint(seeds_dir: Path = _SEEDS) -> str:
    """sha256 over what decides a raw check's outcome on given raw rows and how the rows came to be: the code
    of the gates (expectations/*.py), the dbt seeds they read (`seeds_dir`), the ingestion's validator
    fingerprint and the versions of Python (its `re` matches the regex checks), GX, DuckDB, pandas, NumPy and
    pyarrow. Another version takes no earlier check as done."""
    from ingestion.cache import validator_fingerprint

    digest = hashlib.sha256()
    for path in sorted([*_HERE.glob("*.py"), *Path(seeds_dir).glob("*.csv")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(f"python {sys.version}".encode() + b"\0")
    for package in ("great_expectations", "duckdb", "pandas", "numpy", "pyarrow"):
        digest.update(f"{package}=={version(package)}".encode() + b"\0")
    digest.update(validator_fingerprint().encode())
    return digest.hexdigest()


def scoped_tables() -> list[str]:
    """The tables of the raw suite's `per_disclosure` frames (schema.table), sorted."""
    from expectations.suites import frames_of

    return sorted({frame.depends_on[0] for frame in frames_of("raw") if frame.per_disclosure})


def digests_sql(con) -> str:
    """SQL of (disclosure_id, rows_digest) for every `raw.disclosures` id: the sum of DuckDB's `hash` of each of
    its rows in the scoped tables that exist with a `disclosure_id` column (a row's hash covers its table's name
    and every column), so a row edited, added or removed in the warehouse changes its disclosure's digest."""
    present = {f"{schema}.{table}" for schema, table in con.execute(
        "SELECT schema_name, table_name FROM duckdb_columns() WHERE column_name = 'disclosure_id'").fetchall()}
    parts = [f"SELECT disclosure_id, hash('{t}', r) AS h FROM {t} r" for t in scoped_tables() if t in present]
    rows = " UNION ALL ".join(parts) if parts else "SELECT NULL::VARCHAR AS disclosure_id, NULL::UBIGINT AS h"
    return ("SELECT d.disclosure_id, coalesce(sum(r.h), 0)::VARCHAR AS rows_digest FROM "
            f"(SELECT DISTINCT disclosure_id FROM raw.disclosures) d LEFT JOIN ({rows}) r USING (disclosure_id) "
            "GROUP BY d.disclosure_id")


def read_digests(con):
    """(disclosure_id, file_sha256, rows_digest) of every `raw.disclosures` row, as an Arrow table read on `con`
    (`digests_sql`); None if a table cannot be read. The gate reads them once, on its read-only connection, and
    both takes the checked disclosures (`checked_ids`) and records them (`record_checked`) from these rows, so
    what is recorded is what the gate read."""
    import duckdb

    try:
        return con.sql(
            f"SELECT d.disclosure_id, d.file_sha256, c.rows_digest FROM raw.disclosures d "
            f"JOIN ({digests_sql(con)}) c USING (disclosure_id)").to_arrow_table()
    except duckdb.Error:
        return None


def checked_ids(con, seeds_dir: Path = _SEEDS, digests=None) -> list[str]:
    """Disclosure ids whose rows passed this suite and are still those rows: recorded with this suite's
    fingerprint and the rows' digest in `digests` (`read_digests`, read on `con` if not given), and every
    `raw.disclosures` row of that id has the recorded file digest (a disclosure whose file or rows changed, or
    whose id now appears twice, is checked again). Empty if a table cannot be read or the record lacks a
    column."""
    import duckdb

    digests = read_digests(con) if digests is None else digests
    if digests is None:
        return []
    try:
        con.register(DIGESTS_VIEW, digests)
        rows = con.execute(
            f"SELECT m.disclosure_id FROM {CHECKED_TABLE} m WHERE m.suite = ? "
            f"AND EXISTS (SELECT 1 FROM {DIGESTS_VIEW} g WHERE g.disclosure_id = m.disclosure_id "
            "AND g.file_sha256 = m.file_sha256 AND g.rows_digest = m.rows_digest) "
            f"AND NOT EXISTS (SELECT 1 FROM {DIGESTS_VIEW} g WHERE g.disclosure_id = m.disclosure_id "
            "AND g.file_sha256 IS DISTINCT FROM m.file_sha256) ORDER BY 1", [suite_fingerprint(seeds_dir)]).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.unregister(DIGESTS_VIEW)
    return [d for (d,) in rows]


def register_checked(con, ids: list[str]) -> str:
    """Register `ids` on `con` as the relation CHECKED_VIEW (one column `disclosure_id`); returns its name."""
    import pyarrow as pa

    con.register(CHECKED_VIEW, pa.table({"disclosure_id": pa.array(ids, type=pa.string())}))
    return CHECKED_VIEW


def unchecked_rows(table: str, scope: str) -> str:
    """SQL predicate on `table`'s rows: the row's disclosure is not in the relation `scope` (null ids included)."""
    return f"not exists (select 1 from {scope} c where c.disclosure_id = {table}.disclosure_id)"


def record_checked(warehouse: Path, digests, seeds_dir: Path = _SEEDS) -> int:
    """After a passing raw gate: the disclosures of `digests` (`read_digests` on the gate's connection, None for
    none) are recorded as checked by this suite, with the file and rows digests the gate read (the table replaced
    in one transaction); returns how many. A row edited after the gate read it no longer matches its record."""
    import duckdb
    import pyarrow as pa

    if digests is None:
        digests = pa.table({"disclosure_id": pa.array([], pa.string()), "file_sha256": pa.array([], pa.string()),
                            "rows_digest": pa.array([], pa.string())})
    con = duckdb.connect(str(warehouse))
    try:
        con.register(DIGESTS_VIEW, digests)
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE OR REPLACE TABLE {CHECKED_TABLE} {CHECKED_COLUMNS}")
        con.execute(f"INSERT INTO {CHECKED_TABLE} SELECT disclosure_id, file_sha256, ?, rows_digest "
                    f"FROM {DIGESTS_VIEW} ORDER BY disclosure_id, file_sha256", [suite_fingerprint(seeds_dir)])
        ((n,),) = con.execute(f"SELECT count(*) FROM {CHECKED_TABLE}").fetchall()
        con.execute("COMMIT")
    finally:
        con.close()
    return int(n)


def forget_unkept(con, keep: str | None) -> None:
    """In the ingest's transaction: keep the records only of the disclosures in the relation `keep` (their rows
    stay as the baseline held them); None (a full ingest) forgets every record."""
    con.execute(CHECKED_DDL)
    if keep is None:
        con.execute(f"DELETE FROM {CHECKED_TABLE}")
    else:
        con.execute(f"DELETE FROM {CHECKED_TABLE} WHERE disclosure_id NOT IN (SELECT disclosure_id FROM {keep})")
