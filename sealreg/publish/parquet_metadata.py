"""Descriptions in the Parquet files themselves: Arrow field metadata, read by pyarrow, pandas and polars.

DuckDB's COPY writes no per-column metadata, so each file is streamed once through pyarrow (one row
group at a time, bounded memory) with the dictionary's descriptions on its fields and the table's
description and contract version on its schema; the rows and their order are unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path

from sealreg.publish.dictionary import Table

#: Metadata keys (bytes in Parquet): per field, and per file.
DESCRIPTION_KEY = "description"
CONTRACT_VERSION_KEY = "sealreg:contract_version"
TABLE_KEY = "sealreg:table"


def annotate_parquet(path: Path, table: Table, contract_version: int) -> None:
    """Rewrite `path` with the descriptions of `table` (atomically; same rows, zstd, same row groups)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = {c.name: c.description for c in table.columns}
    source = pq.ParquetFile(path)
    fields = [f.with_metadata({DESCRIPTION_KEY: texts[f.name]} if texts.get(f.name) else None)
              for f in source.schema_arrow]
    file_meta = {TABLE_KEY: table.name, CONTRACT_VERSION_KEY: str(contract_version)}
    if table.description:
        file_meta[DESCRIPTION_KEY] = table.description
    schema = pa.schema(fields, metadata=file_meta)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for i in range(source.num_row_groups):
                writer.write_table(source.read_row_group(i).cast(schema))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        source.close()
