"""`datapackage.json`: the release as a Frictionless Data Package v2 (https://datapackage.org).

One resource per published file (Parquet and CSV of every table, the rulebook seeds), each with its
Table Schema (field types and descriptions, primary key, foreign keys), its sha256 and size, and the
data licence. Validated against the official Data Package 2.0 JSON Schema in
tests/publish/test_release_metadata.py.
"""

from __future__ import annotations

import re
from typing import Any

from sealreg.publish.dictionary import Table
from sealreg.publish.publisher import Publisher

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLESCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"

#: Foreign keys that hold by construction (a published row always has its parent published):
#: (table, columns, parent table, parent columns). tests/publish/test_release_metadata.py checks each
#: against the sample release.
FOREIGN_KEYS: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    ("services", ("provider_id",), "providers", ("provider_id",)),
    ("objective_results", ("service_id",), "services", ("service_id",)),
    ("criterion_results", ("service_id",), "services", ("service_id",)),
    ("washing_flags", ("service_id",), "services", ("service_id",)),
    ("cada_gates", ("service_id",), "services", ("service_id",)),
    ("certifications", ("provider_id",), "providers", ("provider_id",)),
    ("service_dependencies", ("service_id",), "services", ("service_id",)),
)

_INTEGER = re.compile(r"^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|UHUGEINT)$")
_NUMBER = re.compile(r"^(DOUBLE|FLOAT|REAL|DECIMAL(\(\d+,\s*\d+\))?)$")


def field_type(duckdb_type: str) -> str:
    """Table Schema type of a DuckDB column type (lists are JSON arrays in the CSV: `[1, 2]`)."""
    t = duckdb_type.upper()
    if _INTEGER.match(t):
        return "integer"
    if _NUMBER.match(t):
        return "number"
    if t.endswith("[]"):
        return "array"
    return {"VARCHAR": "string", "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "datetime",
            "TIMESTAMP WITH TIME ZONE": "datetime", "TIME": "time"}.get(t, "any")


def _field(column) -> dict[str, Any]:
    out: dict[str, Any] = {"name": column.name, "type": field_type(column.type)}
    if column.description:
        out["description"] = column.description
    if column.type.upper().startswith("DECIMAL"):
        out["sealreg:duckdbType"] = column.type  # exact decimal (pandas reads it as decimal.Decimal)
    return out


def _schema(table: Table, suffix: str, tables: set[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {"$schema": TABLESCHEMA_PROFILE, "fields": [_field(c) for c in table.columns]}
    if table.key:
        schema["primaryKey"] = list(table.key)
    fks = [{"fields": list(cols), "reference": {"resource": f"{parent}{suffix}", "fields": list(pcols)}}
           for t, cols, parent, pcols in FOREIGN_KEYS if t == table.name and parent in tables]
    if fks:
        schema["foreignKeys"] = fks
    return schema


def _resource(table: Table, path: str, fmt: str, suffix: str, tables: set[str],
              files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    res: dict[str, Any] = {
        "$schema": RESOURCE_PROFILE,
        "name": f"{table.name}{suffix}",
        "type": "table",
        "path": path,
        "format": fmt,
        "mediatype": "text/csv" if fmt == "csv" else "application/vnd.apache.parquet",
        "hash": f"sha256:{files[path]['sha256']}",
        "bytes": files[path]["size"],
        "schema": _schema(table, suffix, tables),
    }
    if fmt == "csv":
        res["encoding"] = "utf-8"
        res["dialect"] = {"header": True, "delimiter": ","}
        if path.endswith(".gz"):
            res["compression"] = "gz"  # frictionless-py's property; the spec has none for compression
    if table.description:
        res["description"] = table.description
    return res


def datapackage(release: dict[str, Any], publisher: Publisher, groups: list[tuple[str, list[Table]]],
                files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The descriptor. `release`: release_id, as_of, created_at, contract_version, weights_version.
    `groups`: (folder, tables) pairs, e.g. ("", published tables) and ("rulebook", seeds); a table
    has `<folder>/parquet/<t>.parquet` style paths (see metadata.table_paths). `files`: sha256 and
    size of every file by release path."""
    from sealreg.publish.metadata import table_paths

    resources = []
    for folder, tables in groups:
        names = {t.name for t in tables}
        for fmt, suffix in (("parquet", ""), ("csv", "-csv")):
            for t in tables:
                path = table_paths(folder, t.name)[fmt]
                if path in files:
                    resources.append(_resource(t, path, fmt, suffix, names, files))
    package: dict[str, Any] = {
        "$schema": PROFILE,
        "name": "sealreg-registry",
        "title": publisher.title,
        "description": publisher.description(release),
        "version": release["release_id"],
        "created": release["created_at"],
        "keywords": list(publisher.keywords),
        "licenses": [publisher.licence_descriptor()],
        "contributors": [{"title": publisher.name, "roles": ["publisher"],
                          **({"email": publisher.email} if publisher.email else {})}],
        "sealreg:contract_version": release["contract_version"],
        "sealreg:as_of": release["as_of"],
        "sealreg:weights_version": release["weights_version"],
        "resources": resources,
    }
    if publisher.homepage:
        package["homepage"] = publisher.homepage
        package["id"] = publisher.dataset_id(release["release_id"])
    return package
