"""Descriptions in the Parquet files themselves: Arrow field metadata, read by pyarrow, pandas and polars.

DuckDB's COPY writes them as the file is written (no second pass): its `KV_METADATA` option carries the
table's description and contract version, and the `ARROW:schema` key, the Arrow schema with each
field's description, which Arrow readers restore as field metadata. That schema is the one pyarrow
infers from an empty file DuckDB writes for the same query, so the column types readers see do not
change; DuckDB itself reads the file's own Parquet schema.
"""

from __future__ import annotations

import base64
import os
import tempfile

import duckdb

from sealreg.publish.dictionary import Table

#: Metadata keys (bytes in Parquet): per field, and per file.
DESCRIPTION_KEY = "description"
CONTRACT_VERSION_KEY = "sealreg:contract_version"
TABLE_KEY = "sealreg:table"
ARROW_SCHEMA_KEY = "ARROW:schema"


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _arrow_schema(con: duckdb.DuckDBPyConnection, select: str):
    """The Arrow schema pyarrow reads from a Parquet file DuckDB writes for `select`."""
    import pyarrow.parquet as pq

    fd, path = tempfile.mkstemp(suffix=".parquet", prefix=".sealreg-schema-")
    os.close(fd)
    try:
        con.execute(f"COPY (SELECT * FROM ({select}) LIMIT 0) TO {_sql_str(path)} (FORMAT parquet)")
        return pq.read_schema(path)
    finally:
        os.unlink(path)


def kv_metadata(con: duckdb.DuckDBPyConnection, select: str, table: Table, contract_version: int) -> str:
    """The `KV_METADATA {...}` option of the COPY that writes `select` as the Parquet file of `table`."""
    import pyarrow as pa

    texts = {c.name: c.description for c in table.columns}
    base = _arrow_schema(con, select)
    fields = [f.with_metadata({DESCRIPTION_KEY: texts[f.name]} if texts.get(f.name) else None) for f in base]
    file_meta = {TABLE_KEY: table.name, CONTRACT_VERSION_KEY: str(contract_version)}
    if table.description:
        file_meta[DESCRIPTION_KEY] = table.description
    schema = pa.schema(fields, metadata=file_meta)
    pairs = {ARROW_SCHEMA_KEY: base64.b64encode(schema.serialize().to_pybytes()).decode("ascii"), **file_meta}
    return "KV_METADATA {" + ", ".join(f"{_sql_str(k)}: {_sql_str(v)}" for k, v in pairs.items()) + "}"
