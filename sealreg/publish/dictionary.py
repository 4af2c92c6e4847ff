"""The data dictionary of a release: every published table and column with its type and its description.

Descriptions come from the dbt YAML, read once from the manifest dbt wrote for the run
(`<run>/dbt/target/manifest.json`); types come from the file that ships (the release's DuckDB file,
or the warehouse for the rulebook seeds). A release built without a dbt run (tests) has no
descriptions, never wrong ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

#: dbt resource types whose YAML describes a relation that a release may carry.
_DESCRIBED = ("model", "seed", "snapshot")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type name, e.g. VARCHAR, DECIMAL(10,2), INTEGER[]
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()


def read_dbt_manifest(path: Path) -> dict[str, Any] | None:
    """dbt's manifest.json, or None when the run has none (or it cannot be read)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def dbt_descriptions(manifest: dict[str, Any] | None) -> dict[str, tuple[str, dict[str, str]]]:
    """{relation name: (table description, {column: description})} of every model and seed.

    A versioned model is known by its relation name (alias), so `services_v2` and `services`
    stay apart; the latest version wins a shared alias.
    """
    out: dict[str, tuple[str, dict[str, str]]] = {}
    if not manifest:
        return out
    nodes = sorted((manifest.get("nodes") or {}).values(),
                   key=lambda n: (n.get("version") is None, str(n.get("version") or "")))
    for node in nodes:
        if node.get("resource_type") not in _DESCRIBED:
            continue
        if (node.get("config") or {}).get("materialized") == "ephemeral":
            continue
        name = node.get("alias") or node.get("name")
        cols = {c: " ".join(str(v.get("description") or "").split())
                for c, v in (node.get("columns") or {}).items()}
        out[name] = (" ".join(str(node.get("description") or "").split()), cols)
    return out


def relation_columns(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, list[tuple[str, str, str | None]]]:
    """{table: [(column, DuckDB type, COMMENT), ...] in column order} of `database.main` (one catalog query)."""
    out: dict[str, list[tuple[str, str, str | None]]] = {}
    for table, name, typ, comment in con.execute(
        "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() WHERE database_name = ? "
        "AND schema_name = 'main' ORDER BY table_name, column_index", [database]
    ).fetchall():
        out.setdefault(table, []).append((name, typ, comment))
    return out


def describe_tables(con: duckdb.DuckDBPyConnection, database: str, tables: list[str],
                    descriptions: dict[str, tuple[str, dict[str, str]]],
                    keys: dict[str, tuple[str, ...]] | None = None) -> list[Table]:
    """The dictionary entries of `tables` in `database` (attached to con): the dbt description, else the
    DuckDB COMMENT (dbt's persist_docs writes the same text), else empty."""
    columns = relation_columns(con, database)
    out = []
    for t in tables:
        table_text, column_texts = descriptions.get(t, ("", {}))
        cols = tuple(Column(name, typ, column_texts.get(name) or (comment or ""))
                     for name, typ, comment in columns.get(t, []))
        out.append(Table(t, table_text, cols, tuple((keys or {}).get(t, ()))))
    return out
