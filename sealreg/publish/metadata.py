"""What a release carries for analysts and auditors, written before the manifest so that it is signed.

`write_release_metadata` is the one call of build_release: the rulebook seeds (rulebook.py), the
descriptions in the Parquet files (parquet_metadata.py), `datapackage.json` (datapackage.py),
`dcat.jsonld` (dcat.py), the dbt documentation (dbt_docs.py), the contract text and changelog, and
the release README (release_readme.py). Every file lands in the release folder, so the manifest and
SHA256SUMS list it and `sealreg verify` checks it like any other.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from sealreg.publish import contract
from sealreg.publish.datapackage import datapackage
from sealreg.publish.dbt_docs import DOCS_FILE, write_dbt_docs
from sealreg.publish.dcat import dcat_document
from sealreg.publish.dictionary import Table, dbt_descriptions, describe_tables
from sealreg.publish.publisher import publisher_from_env
from sealreg.publish.release_readme import release_readme
from sealreg.publish.reuse import sha256_file
from sealreg.publish.rulebook import RULEBOOK_DIR, export_rulebook

if TYPE_CHECKING:
    from sealreg.config import RunContext

DATAPACKAGE_FILE = "datapackage.json"
DCAT_FILE = "dcat.jsonld"
README_FILE = "README.md"


def table_paths(folder: str, table: str) -> dict[str, str]:
    """Release paths of a table's files: `parquet/<t>.parquet` and `csv/<t>.csv.gz` (build_release's exports),
    or `<folder>/<t>.parquet` and `<folder>/<t>.csv` (the rulebook)."""
    if folder:
        return {"parquet": f"{folder}/{table}.parquet", "csv": f"{folder}/{table}.csv"}
    return {"parquet": f"parquet/{table}.parquet", "csv": f"csv/{table}.csv.gz"}


def _lit(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _json_bytes(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def _write(release_dir: Path, rel: str, data: bytes, digests: dict[str, dict[str, Any]]) -> None:
    path = release_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    digests[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


#: Tables whose files are hashed at once (one per thread).
DIGEST_WORKERS = 2


def _digest(release_dir: Path, rel: str, digests: dict[str, dict[str, Any]]) -> None:
    path = release_dir / rel
    digests[rel] = {"sha256": sha256_file(path), "size": path.stat().st_size}


def write_release_metadata(ctx: "RunContext", release_dir: Path, tables: list[str], keys: dict[str, tuple[str, ...]],
                           release: dict[str, Any], fingerprint: str, row_counts: dict[str, int],
                           digests: dict[str, dict[str, Any]], manifest: dict[str, Any] | None) -> None:
    """Write the metadata files into the unfinished release folder and record their sha256 and size in
    `digests` (with those of the Parquet and CSV files, hashed once here). `release` holds release_id,
    as_of, created_at, weights_version and rulebook_version; `manifest` is the run's dbt manifest
    (`dictionary.read_dbt_manifest`)."""
    release = {**release, "contract_version": contract.CONTRACT_VERSION}
    target = ctx.dbt_dir / "target"
    descriptions = dbt_descriptions(manifest)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET threads = 1")
        wh = ctx.run_warehouse.stem  # dbt's name of the database, as its catalog and manifest have it
        con.execute(f"ATTACH {_lit(ctx.run_warehouse)} AS {_q(wh)} (READ_ONLY)")
        con.execute(f"ATTACH {_lit(release_dir / 'registry.duckdb')} AS rel (READ_ONLY)")
        published = describe_tables(con, "rel", tables, descriptions, keys)
        rulebook = export_rulebook(con, wh, release_dir, descriptions, contract.CONTRACT_VERSION)
        seeds = [t.name for t in rulebook]
        has_docs = manifest is not None
        if has_docs:
            write_dbt_docs(release_dir, manifest, target, con, wh, release["as_of"])
    finally:
        con.close()
    groups: list[tuple[str, list[Table]]] = [("", published), (RULEBOOK_DIR, rulebook)]
    def digest_files(folder: str, t: Table) -> None:
        for rel in table_paths(folder, t.name).values():
            _digest(release_dir, rel, digests)

    # one table per thread (hashlib releases the GIL)
    with ThreadPoolExecutor(max_workers=DIGEST_WORKERS) as pool:
        for done in [pool.submit(digest_files, folder, t) for folder, group in groups for t in group]:
            done.result()
    if has_docs:
        _digest(release_dir, DOCS_FILE, digests)
    if (release_dir / "registry.duckdb").is_file():
        _digest(release_dir, "registry.duckdb", digests)
    for src, rel in ((contract.CONTRACT_TEXT, contract.RELEASE_CONTRACT_TEXT),
                     (contract.CONTRACT_CHANGELOG, contract.RELEASE_CONTRACT_CHANGELOG),
                     (contract.snapshot_path(), contract.RELEASE_CONTRACT_COLUMNS)):
        (release_dir / rel).parent.mkdir(exist_ok=True)
        shutil.copyfile(src, release_dir / rel)
        _digest(release_dir, rel, digests)

    publisher = publisher_from_env()
    _write(release_dir, DATAPACKAGE_FILE, _json_bytes(datapackage(release, publisher, groups, digests)), digests)
    downloads = [("registry.duckdb", "All tables (DuckDB database)"), (DATAPACKAGE_FILE, "Data Package descriptor")]
    for folder, group in groups:
        for fmt, label in (("parquet", "Parquet"), ("csv", "CSV")):
            downloads += [(table_paths(folder, t.name)[fmt], f"{t.name} ({label})") for t in group]
    _write(release_dir, DCAT_FILE, _json_bytes(dcat_document(release, publisher, downloads, digests)), digests)
    table_rows = [(t.name, t.description, row_counts.get(t.name, 0)) for t in published]
    _write(release_dir, README_FILE,
           release_readme(release, fingerprint, table_rows, seeds, has_docs).encode("utf-8"), digests)
