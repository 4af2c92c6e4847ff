"""The rulebook a release was computed with, as files: `rulebook/<seed>.csv` and `.parquet`.

The criteria (rungs, points, highest SEAL per answer), the objective weights of every weights
version, and the country list are the dbt seeds the run's `dbt build` loaded into the warehouse;
they are copied from there, so the files are exactly what the figures rest on.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sealreg.publish.dictionary import Table, describe_tables
from sealreg.publish.parquet_metadata import kv_metadata

RULEBOOK_DIR = "rulebook"
#: The seeds a release carries, with their keys (unique by the seeds' dbt tests; they order the rows).
RULEBOOK_TABLES: dict[str, tuple[str, ...]] = {
    "csf_criteria": ("criterion_id", "rung"),
    "csf_weights": ("weights_version", "objective"),
    "countries": ("iso2",),
}


def _q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _lit(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_rulebook(con: duckdb.DuckDBPyConnection, database: str, release_dir: Path,
                    descriptions: dict[str, tuple[str, dict[str, str]]], contract_version: int) -> list[Table]:
    """Write the rulebook seeds of `database` (attached to con) under release_dir/rulebook/, each Parquet
    file with its data dictionary; returns the tables written (a seed the warehouse lacks is skipped)."""
    present = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'", [database]
    ).fetchall()}
    out_dir = release_dir / RULEBOOK_DIR
    written = []
    for table, order in RULEBOOK_TABLES.items():
        if table not in present:
            continue
        out_dir.mkdir(exist_ok=True)
        described = describe_tables(con, database, [table], descriptions, RULEBOOK_TABLES)[0]
        select = (f"SELECT * FROM {_q(database)}.main.{_q(table)} "
                  f"ORDER BY {', '.join(_q(c) for c in order)}")
        con.execute(f"COPY ({select}) TO {_lit(out_dir / f'{table}.parquet')} (FORMAT parquet, COMPRESSION zstd, "
                    f"{kv_metadata(con, select, described, contract_version)})")
        con.execute(f"COPY ({select}) TO {_lit(out_dir / f'{table}.csv')} (FORMAT csv, HEADER true)")
        written.append(described)
    return written
