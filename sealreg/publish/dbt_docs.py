"""`docs/index.html`: the dbt documentation of the run, one self-contained page that works from file://.

It is what `dbt docs generate --static` writes (dbt's own index.html with the manifest and the
catalog inlined), assembled here from the manifest that the run's `dbt build` already wrote and a
catalog read from the run warehouse, the one dbt-duckdb would build: a second dbt process per
refresh cost ~7 s wall / 3 s CPU, this costs well under a second (docs/release-metadata.md).
Tracking is removed (the Snowplow loader and collector addresses), and a Content-Security-Policy
lets the page make no request at all: every model's lineage, SQL and column docs work offline.

The page is the same from one night to the next while the project and the warehouse's columns stay
the same (it is then hard-linked from the previous release): paths are relative to the run's dbt
folder, the per-invocation stamps of dbt's artefacts are left out (the release manifest names the
run), and the compiled SQL reads the evaluation date from a DuckDB variable (`AS_OF_VARIABLE`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

DOCS_FILE = "docs/index.html"
#: The page runs dbt's bundled AngularJS app inline; nothing may be fetched.
DOCS_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
            "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")
#: Addresses in dbt's page that a browser would contact (its Snowplow tracker), blanked out.
TRACKING = ("//d1fc8wv8zag5ca.cloudfront.net/2.9.0/sp.js", "https://fuzzed.getdbt.com/", "ics.sinter-collect.com")
#: A favicon link whose address is an unbuilt template string in dbt's page (it names no file).
BROKEN_FAVICON = """<link rel="shortcut icon" href="${require('./assets/favicons/favicon.ico')}"/>"""
_CATALOGUED = ("model", "seed", "snapshot")
#: The evaluation date as dbt compiles it (macro as_of_date) and what the page's compiled SQL shows
#: instead: the same SQL, run as published after `SET VARIABLE as_of = '<as_of>'` (manifest.json's as_of).
AS_OF_LITERAL = "cast('{as_of}' as date)"
AS_OF_VARIABLE = "cast(getvariable('as_of') as date)"
#: Per-invocation stamps of dbt's artefacts (which dbt process, when it parsed), left out of the page.
INVOCATION_METADATA = ("generated_at", "invocation_id", "invocation_started_at", "run_started_at")
PARSE_STAMP = "created_at"
_STATS = {"has_stats": {"id": "has_stats", "label": "Has Stats?", "value": False, "include": False,
                        "description": "Indicates whether there are statistics for this table"}}


def dbt_index_template() -> Path:
    """dbt's own docs page of the installed dbt-core (the file `dbt docs generate` copies)."""
    import importlib.util

    spec = importlib.util.find_spec("dbt.task.docs")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("dbt-core is not installed: no dbt docs page")
    return Path(next(iter(spec.submodule_search_locations))) / "index.html"


def _relations(manifest: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(unique_id, schema, relation name, is a source) of every node the catalog describes."""
    out = []
    for uid, node in (manifest.get("nodes") or {}).items():
        if node.get("resource_type") in _CATALOGUED and (node.get("config") or {}).get("materialized") != "ephemeral":
            out.append((uid, node["schema"], node.get("alias") or node["name"], False))
    for uid, src in (manifest.get("sources") or {}).items():
        out.append((uid, src["schema"], src.get("identifier") or src["name"], True))
    return out


def catalog(con: duckdb.DuckDBPyConnection, database: str, manifest: dict[str, Any],
            generated_at: str | None) -> dict[str, Any]:
    """dbt's catalog.json (schema v1) for the relations of `manifest` found in `database`."""
    rows = con.execute(
        "SELECT c.schema_name, c.table_name, t.kind, t.comment, c.column_name, c.column_index, c.data_type, "
        "c.comment FROM duckdb_columns() c JOIN (SELECT schema_name, table_name, 'BASE TABLE' AS kind, comment "
        "FROM duckdb_tables() WHERE database_name = $db UNION ALL SELECT schema_name, view_name, 'VIEW', comment "
        "FROM duckdb_views() WHERE database_name = $db) t USING (schema_name, table_name) WHERE c.database_name = $db "
        "ORDER BY c.schema_name, c.table_name, c.column_index", {"db": database}).fetchall()
    tables: dict[tuple[str, str], dict[str, Any]] = {}
    for schema, table, kind, comment, col, index, typ, col_comment in rows:
        entry = tables.setdefault((schema.lower(), table.lower()), {
            "metadata": {"type": kind, "schema": schema, "name": table, "database": database,
                         "comment": comment, "owner": None},
            "columns": {}, "stats": _STATS})
        entry["columns"][col] = {"type": typ, "index": index, "name": col, "comment": col_comment}
    nodes: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    for uid, schema, name, is_source in _relations(manifest):
        entry = tables.get((schema.lower(), name.lower()))
        if entry is not None:
            (sources if is_source else nodes)[uid] = {**entry, "unique_id": uid}
    meta = manifest.get("metadata") or {}
    return {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json",
                     "dbt_version": meta.get("dbt_version"), "generated_at": generated_at,
                     "invocation_id": meta.get("invocation_id"), "env": {}},
        "nodes": nodes, "sources": sources, "errors": None,
    }


def _relative_paths(value: Any, project: str) -> Any:
    """`value` with every string under the run's dbt folder `project` made relative to it."""
    if isinstance(value, dict):
        return {k: _relative_paths(v, project) for k, v in value.items()}
    if isinstance(value, list):
        return [_relative_paths(v, project) for v in value]
    if isinstance(value, str) and value.startswith(project):
        if value == project.rstrip("/"):
            return "."
        if value.startswith(project + "/"):
            return value[len(project) + 1:]
    return value


def publishable_manifest(manifest: dict[str, Any], target_dir: Path, as_of: str | None = None) -> dict[str, Any]:
    """The manifest as the page shows it: no path of the operator's file system (paths relative to the
    run's dbt folder, e.g. `target/compiled/…`), no per-invocation stamp, and with `as_of` the
    evaluation date of the compiled SQL read from the DuckDB variable `as_of`."""
    project = str(target_dir.parent).rstrip("/")
    literal = AS_OF_LITERAL.format(as_of=as_of) if as_of else None
    out: dict[str, Any] = {}
    for section, entries in manifest.items():
        if section == "metadata" and isinstance(entries, dict):
            out[section] = {k: (None if k in INVOCATION_METADATA else v) for k, v in entries.items()}
            continue
        if isinstance(entries, dict):
            entries = {uid: ({k: v for k, v in entry.items() if k != PARSE_STAMP} if isinstance(entry, dict) else entry)
                       for uid, entry in entries.items()}
        out[section] = _relative_paths(entries, project)
    for node in (out.get("nodes") or {}).values():
        code = node.get("compiled_code") if isinstance(node, dict) else None
        if literal and isinstance(code, str):
            node["compiled_code"] = code.replace(literal, AS_OF_VARIABLE)
    return out


def _inline(data: dict[str, Any]) -> str:
    """JSON that is safe inside an inline <script>: no `</` can end the script element."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


def docs_page(template: str, manifest: dict[str, Any], catalog_data: dict[str, Any]) -> str:
    """dbt's page with both artefacts inlined (as `--static` does), no tracking, and the CSP."""
    if '"MANIFEST.JSON INLINE DATA"' not in template or '"CATALOG.JSON INLINE DATA"' not in template:
        raise ValueError("dbt's docs page has no inline-data placeholders: dbt-core changed its static docs")
    page = template.replace('"MANIFEST.JSON INLINE DATA"', _inline(manifest), 1)
    page = page.replace('"CATALOG.JSON INLINE DATA"', _inline(catalog_data), 1)
    for address in TRACKING:
        page = page.replace(address, "")
    page = page.replace(BROKEN_FAVICON, "", 1)
    return page.replace("<head>", f'<head><meta http-equiv="Content-Security-Policy" content="{DOCS_CSP}">', 1)


def write_dbt_docs(release_dir: Path, manifest: dict[str, Any], target_dir: Path,
                   con: duckdb.DuckDBPyConnection, database: str, as_of: str | None = None) -> str:
    """Write docs/index.html; returns its release path. `as_of` is the run's evaluation date."""
    template = dbt_index_template().read_text(encoding="utf-8")
    published = publishable_manifest(manifest, target_dir, as_of)
    page = docs_page(template, published, catalog(con, database, published, None))
    out = release_dir / DOCS_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return DOCS_FILE
