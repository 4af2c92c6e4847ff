"""Build one registry release folder: tables, exports, validation report, site, manifest, signature.

The folder is assembled under a hidden name (`releases/.tmp-<release_id>/`), fsynced, and only then
renamed to `releases/<release_id>/`; a crash leaves at most a `.tmp-*` folder (see `sealreg.housekeeping.clean_stale`).
Switching `current` is a separate step (`switch.switch_current`).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import gzip
import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from ingestion.text import neutralise_sql
from sealreg.config import RULEBOOK_VERSION
from sealreg.durable import fsync_dir
from sealreg.faults import crash_point
from sealreg.lineage import LINEAGE_DIR, lineage_dir
from sealreg.publish.chain import next_link, read_latest, signer_of
from sealreg.publish.contract import CONTRACT_VERSION
from sealreg.publish.deflate import PreviousPieces, gzip_file
from sealreg.publish.dictionary import dbt_descriptions, describe_tables, read_dbt_manifest, relation_columns
from sealreg.publish.jobs import Job, run_jobs, statement
from sealreg.publish.keys import ROTATIONS_DIR, rotation_folders, signing_key_for_release
from sealreg.publish.metadata import write_release_metadata
from sealreg.publish.parquet_metadata import kv_metadata
from sealreg.publish.reuse import (
    PreviousRelease,
    link_unchanged,
    previous_release,
    record_pieces,
    recorded_pieces,
    sha256_file,
)
from sealreg.publish.signing import public_key_fingerprint, public_key_pem, sign
from sealreg.publish.tree import walk

if TYPE_CHECKING:
    from sealreg.durable import fsync_dir
from sealreg.config import RunContext
from sealreg.errors import SealregError

log = logging.getLogger(__name__)

MANIFEST_VERSION = 1

#: The published tables of registry contract v1, with their keys (rows are ordered by these).
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "providers": ("provider_id",),
    "services": ("service_id",),
    "objective_results": ("service_id", "objective"),
    "criterion_results": ("service_id", "criterion_id"),
    "washing_flags": ("service_id", "flag"),
    "cada_gates": ("service_id", "level", "gate"),
    "certifications": ("provider_id", "certificate_id", "service_id"),
    "decisions": ("decision_id",),
    "rejections": ("file", "code", "path"),
    "service_history": ("service_id", "valid_from"),
    "changes": ("service_id", "field"),
    "review_items": ("subject_id", "kind"),
    "reference_sources": ("source", "file_sha256"),
    "service_dependencies": ("service_id", "dependency"),
    "source_freshness": ("kind", "source"),
}
PUBLISHED_TABLES: tuple[str, ...] = tuple(TABLE_KEYS)

MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.sig"
PUBLIC_KEY_FILE = "public_key.pem"
#: `sha256sum` listing of every file the manifest lists (itself excepted): checkable with openssl alone.
CHECKSUMS_FILE = "SHA256SUMS"
#: What a verifier needs besides the data: the key rotation statements and the decision records.
TRUST_DIR = "trust"
KEY_ROTATIONS_DIR = f"{TRUST_DIR}/key-rotations"
DECISION_LOG_FILE = f"{TRUST_DIR}/decision_log.jsonl"
#: Files of a release that the manifest does not (cannot) list.
UNLISTED_FILES = frozenset({MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE})

#: DuckDB memory limit of the export connection, and where it may spill (inside the unfinished release).
EXPORT_MEMORY_LIMIT = "400MB"
SPILL_DIR = ".duckdb-spill"
#: zstd level of the Parquet exports: at 10k providers level 9 writes 8.5 MiB where DuckDB's default (3) wrote
#: 9.7, for 0.3 s more CPU (12: 8.3 MiB and +1.0 s; 15: 8.0 MiB and +4.9 s; 19: 7.8 MiB and +16.6 s).
PARQUET_ZSTD_LEVEL = 9
#: gzip level of the release's OpenLineage events (`lineage/*.jsonl.gz`): at 10k providers the dbt build's
#: 2.1 MB of events (every event repeats its schema facets) take 0.18 MB, for 0.04 s of CPU.
LINEAGE_GZIP_LEVEL = 9
#: zlib level of the csv.gz exports, deflated in pieces on `CSV_GZIP_THREADS` threads (`deflate.gzip_file`). At 10k
#: providers DuckDB wrote the 325 MB of CSV as 22.7 MB of gzip for 4.3 s of CPU on its own thread; zlib level 6
#: writes 22.8 MB for 2.7 s (level 5: 24.5 MB for 1.8 s).
CSV_GZIP_LEVEL = 6
CSV_GZIP_THREADS = 2
#: Hidden folder of the unfinished release where DuckDB writes each table's plain CSV before it is gzip'd.
CSV_STAGING_DIR = ".csv-plain"
#: Parquet/CSV files written at once (one DuckDB thread each; the machine has at least two cores).
EXPORT_WORKERS = 2
#: Storage format of the published registry.duckdb, fixed when the file is created: DuckDB 2.0's
#: default (storage version 69) cannot be opened by the DuckDB 1.5 CLI and tools built on 1.5.
PUBLISHED_STORAGE_VERSION = "v1.5.0"
#: Block and row group size of the published registry.duckdb, also fixed at creation. At 10k providers,
#: copying the tables with DuckDB's defaults (256 KiB, 122,880 rows) gives 45.8 MiB for 2.0 s of CPU; 64 KiB
#: blocks 38.3 MiB for 2.3 s, and with twice the rows per group 36.2 MiB for 2.2 s (32 KiB blocks: 36.5 MiB
#: for 3.3 s; 16 KiB: 54.7 MiB). Reads take the same time, and every reader of storage v1.5.0 opens them.
PUBLISHED_BLOCK_SIZE = 65536
PUBLISHED_ROW_GROUP_SIZE = 245760

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RELEASE_ID = re.compile(r"^(\d{4}-\d{2}-\d{2})-(\d{3,})$")


class ReleaseError(SealregError, RuntimeError):
    """The release could not be built (nothing was published)."""


# --- small helpers ---------------------------------------------------------------------------
def _q(ident: str) -> str:
    """Double-quoted SQL identifier."""
    return '"' + ident.replace('"', '""') + '"'


def _sql_str(text: str) -> str:
    """Single-quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _lit(path: Path) -> str:
    """Single-quoted SQL string literal of a path."""
    return _sql_str(str(path))


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The exact bytes written to manifest.json (and signed): compact JSON, sorted keys, final newline."""
    return (json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


def _json_value(v: Any) -> Any:
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    return v


def _syncfs(fd: int) -> bool:
    """syncfs(2) on the filesystem holding fd (Linux); False where it is not available or fails."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.syncfs(fd) == 0
    except (OSError, AttributeError):
        return False


def _sync_tree(root: Path, dirs: list[str]) -> None:
    """Make every file and directory under root durable before the release is renamed into place.

    One syncfs(2) of root's filesystem writes back all its dirty data and metadata (sync(2) where
    syncfs is missing): 41 k separate fsync(2) calls on a 10k-provider site took tens of seconds. The
    directories (`dirs`, relative to root, as `tree.walk` lists them) are then fsynced one by one (a
    handful), children before parents, root last.
    """
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if not _syncfs(fd):
            os.sync()
    finally:
        os.close(fd)
    for rel in sorted(dirs, reverse=True):  # a folder's name is a prefix of its children's: they sort after it
        fsync_dir(root / rel)
    fsync_dir(root)


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def next_release_id(releases_dir: Path, as_of: dt.date) -> str:
    """`<as_of>-<seq:03d>`: seq = 1 + the highest seq of the existing releases of that as-of date.

    With no gaps this is "1 + the number of releases with that date"; taking the maximum keeps ids
    unique even if an old release folder was removed. Hidden `.tmp-*` folders do not count.
    """
    prefix = as_of.isoformat()
    highest = 0
    if releases_dir.is_dir():
        for child in releases_dir.iterdir():
            m = _RELEASE_ID.match(child.name)
            if m and m.group(1) == prefix and child.is_dir():
                highest = max(highest, int(m.group(2)))
    return f"{prefix}-{highest + 1:03d}"


# --- the build -------------------------------------------------------------------------------
def _order_by(table: str, cols: list[str]) -> list[str]:
    """The ORDER BY list of a table with these columns: the contract key first, then every other column.

    The remaining columns make the order total even if the key is not unique in the data, so the
    exports stay deterministic whatever the row order inside the warehouse.
    """
    key = list(TABLE_KEYS.get(table, ()))
    missing = [k for k in key if k not in cols]
    if missing:
        raise ReleaseError(f"table {table}: key column(s) {', '.join(missing)} missing")
    order = key + [c for c in cols if c not in key]
    return [f"{_q(c)} ASC NULLS LAST" for c in order]


@dataclass(frozen=True)
class _Catalog:
    """The run warehouse's published relations as the copies need them, read once before they start (the
    warehouse is attached read-only): each relation's columns (name, type, comment) in column order, and each
    table's comment."""

    columns: dict[str, list[tuple[str, str, str | None]]]
    comments: dict[str, str | None]

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> _Catalog:
        comments = dict(con.execute("SELECT table_name, comment FROM duckdb_tables() WHERE database_name = 'wh' "
                                    "AND schema_name = 'main'").fetchall())
        return cls(relation_columns(con, "wh"), comments)


def _csv_select(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The CSV export of a release table, in its row order in registry.duckdb (as the Parquet): text cells that a
    spreadsheet would run as a formula get a leading `'` (ingestion.text.neutralise_sql; docs/security.md)."""
    cols = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'rel' "
                       "AND schema_name = 'main' AND table_name = ? ORDER BY column_index", [table]).fetchall()
    items = [f"{neutralise_sql('src.' + _q(c))} AS {_q(c)}" if typ == "VARCHAR" else f"src.{_q(c)}"
             for c, typ in cols]
    return f"SELECT {', '.join(items)} FROM rel.main.{_q(table)} AS src"


def _relation_kinds(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT table_name, 'table' FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
        "UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE database_name = ? AND schema_name = ?",
        [db, schema, db, schema],
    ).fetchall()
    return {name: kind for name, kind in rows}


def _input_files(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    if "input_files" not in _relation_kinds(con, "wh", "raw"):
        return []
    cur = con.execute("SELECT * FROM wh.raw.input_files ORDER BY ALL")
    names = [d[0] for d in cur.description]
    return [{n: _json_value(v) for n, v in zip(names, row, strict=True)} for row in cur.fetchall()]


def _reference_snapshots(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The reference snapshots in use (spec/references.md): which file every figure checked against an
    authority rests on, in the signed manifest."""
    if "ref_sources" not in _relation_kinds(con, "wh", "raw"):
        return []
    cur = con.execute("SELECT source, kind, file, file_sha256, rows, first_loaded_on FROM wh.raw.ref_sources "
                      "WHERE in_use ORDER BY source")
    names = [d[0] for d in cur.description]
    return [{n: _json_value(v) for n, v in zip(names, row, strict=True)} for row in cur.fetchall()]


def _decision_log_head(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The last decision the run loaded (raw.decisions): anchors the decision log in the signed manifest."""
    if "decisions" not in _relation_kinds(con, "wh", "raw"):
        return None
    row = con.execute(
        'SELECT "seq", "decision_id", "hash" FROM wh.raw.decisions ORDER BY "seq" DESC LIMIT 1'
    ).fetchone()
    if row is None:
        return None
    return {"seq": int(row[0]), "decision_id": row[1], "hash": row[2]}


def _spdx_list_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """Version of the SPDX License List the run's open-source check used (the dbt seed spdx_licenses)."""
    if "spdx_licenses" not in _relation_kinds(con, "wh", "main"):
        return None
    return con.execute("SELECT max(list_version) FROM wh.main.spdx_licenses").fetchone()[0]


def _copy_comments(con: duckdb.DuckDBPyConnection, table: str, catalog: _Catalog) -> None:
    """Give the release's copy of a table the comments dbt put on the mart (persist_docs: the YAML
    descriptions of the table and its columns); CREATE TABLE AS SELECT does not carry them."""
    comment = catalog.comments.get(table)
    statements = [f"COMMENT ON TABLE rel.main.{_q(table)} IS {_sql_str(comment.strip())}"] if comment else []
    statements += [
        f"COMMENT ON COLUMN rel.main.{_q(table)}.{_q(column)} IS {_sql_str(text.strip())}"
        for column, _type, text in catalog.columns.get(table, []) if text is not None]
    # one transaction: one commit (one WAL sync) per table instead of one per comment
    con.execute("BEGIN TRANSACTION")
    try:
        for sql in statements:
            con.execute(sql)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _table_sizes(con: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, int]:
    """DuckDB's row estimate of each warehouse table (0 for a view): which copy to start first."""
    sizes = dict(con.execute("SELECT table_name, estimated_size FROM duckdb_tables() WHERE database_name = 'wh' "
                             "AND schema_name = 'main'").fetchall())
    return {t: int(sizes.get(t) or 0) for t in tables}


def _copy_table(cur: duckdb.DuckDBPyConnection, out_dir: Path, table: str,
                descriptions: dict[str, tuple[str, dict[str, str]]], row_counts: dict[str, int],
                pieces: "CsvPieces", catalog: _Catalog) -> list[Job]:
    """Copy one table sorted into registry.duckdb (with its comments); return its two export jobs."""
    order = _order_by(table, [name for name, _type, _comment in catalog.columns.get(table, [])])
    # CREATE TABLE AS SELECT: a real table even if the mart was a view (no views in a release)
    cur.execute(f"CREATE TABLE rel.main.{_q(table)} AS SELECT * FROM wh.main.{_q(table)} ORDER BY {', '.join(order)}")
    _copy_comments(cur, table, catalog)
    rows = row_counts[table] = int(cur.execute(f"SELECT count(*) FROM rel.main.{_q(table)}").fetchone()[0])
    select = f"SELECT * FROM rel.main.{_q(table)}"
    described = describe_tables(cur, "rel", [table], descriptions, TABLE_KEYS)[0]
    parquet = (f"COPY ({select}) TO {_lit(out_dir / 'parquet' / f'{table}.parquet')} "
               f"(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL {PARQUET_ZSTD_LEVEL}, ROW_GROUP_SIZE 122880, "
               f"{kv_metadata(cur, select, described, CONTRACT_VERSION)})")
    csv = _csv_job(out_dir, table, _csv_select(cur, table), pieces)
    # at equal rows the csv.gz first: gzip makes it the longer of the two
    return [Job((rows, 1), csv), Job((rows, 0), statement(parquet))]


class CsvPieces:
    """The csv.gz pieces of the previous release (`reuse.recorded_pieces`) and those of the one being built."""

    def __init__(self, previous: PreviousRelease | None, public_pem: bytes | None) -> None:
        self.previous = previous
        self.before = recorded_pieces(previous, public_pem, CSV_GZIP_LEVEL) if previous and public_pem else {}
        self.written: dict[str, list[list[Any]]] = {}

    def gzip(self, plain: Path, table: str, target: Path) -> None:
        """gzip `plain` as `target` (`deflate.gzip_file`), copying the pieces the previous release's file of
        the table holds (when that file still has the bytes its manifest lists)."""
        fd = self.previous.open_checked(f"csv/{table}.csv.gz") if self.previous and table in self.before else None
        source = PreviousPieces(fd, self.before[table]) if fd is not None else None
        try:
            self.written[table] = gzip_file(plain, target, CSV_GZIP_LEVEL, CSV_GZIP_THREADS, source)
        finally:
            if source is not None:
                source.close()


def _csv_job(out_dir: Path, table: str, select: str, pieces: CsvPieces) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """A job body writing `csv/<table>.csv.gz`: DuckDB writes the plain CSV (header, comma) into the staging
    folder, which is then gzip'd on `CSV_GZIP_THREADS` threads and removed."""
    plain = out_dir / CSV_STAGING_DIR / f"{table}.csv"

    def run(cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(f"COPY ({select}) TO {_lit(plain)} (FORMAT csv, HEADER true, DELIMITER ',')")
        try:
            pieces.gzip(plain, table, out_dir / "csv" / f"{table}.csv.gz")
        finally:
            plain.unlink()

    return run


def _export_tables(warehouse: Path, out_dir: Path, tables: list[str],
                   descriptions: dict[str, tuple[str, dict[str, str]]],
                   pieces: CsvPieces | None = None) -> tuple[dict[str, int], dict]:
    """registry.duckdb (real tables, ordered), parquet/ and csv/; returns (row_counts, raw metadata).

    Each table is sorted once, into registry.duckdb; its Parquet and CSV files are then scanned from
    that copy in its row order (`preserve_insertion_order`). The copies and the exports are jobs on
    `EXPORT_WORKERS` cursors: the tables are copied one after the other, largest first (two sorts at
    once would share the memory limit and spill), and a table's exports start as soon as its copy is in,
    beside the next copy. Each Parquet file carries its data dictionary (`descriptions`, from dbt); the csv.gz
    files copy what `pieces` holds of the previous release's.
    """
    pieces = pieces or CsvPieces(None, None)
    (out_dir / "parquet").mkdir()
    (out_dir / "csv").mkdir()
    (out_dir / CSV_STAGING_DIR).mkdir()
    row_counts: dict[str, int] = {}
    con = duckdb.connect(":memory:")
    try:
        # one thread per query: no file's bytes may depend on how the work was split between threads
        # (two threads inside one gzip'd CSV COPY gave different bytes from run to run); the cores are
        # used by running `EXPORT_WORKERS` queries side by side instead
        con.execute("SET threads = 1")
        con.execute("SET preserve_insertion_order = true")
        # bounded memory: at 10k providers the sorts of criterion_results took the process to ~850 MiB;
        # with this limit (shared by the queries running at once) it stays near 500 MiB. Spill files,
        # if a larger registry needs them, go to a hidden folder removed below.
        con.execute(f"SET memory_limit = '{EXPORT_MEMORY_LIMIT}'")
        con.execute(f"SET temp_directory = {_lit(out_dir / SPILL_DIR)}")
        con.execute(f"ATTACH {_lit(warehouse)} AS wh (READ_ONLY)")
        con.execute(f"ATTACH {_lit(out_dir / 'registry.duckdb')} AS rel "
                    f"(STORAGE_VERSION '{PUBLISHED_STORAGE_VERSION}', BLOCK_SIZE {PUBLISHED_BLOCK_SIZE}, "
                    f"ROW_GROUP_SIZE {PUBLISHED_ROW_GROUP_SIZE})")
        kinds = _relation_kinds(con, "wh", "main")
        missing = [t for t in tables if t not in kinds]
        if missing:
            raise ReleaseError(f"run warehouse {warehouse} lacks published table(s): {', '.join(missing)}")
        sizes = _table_sizes(con, tables)
        copies = sorted(tables, key=lambda t: -sizes[t])
        catalog = _Catalog.read(con)

        def copy_job(i: int) -> Job:
            """Copy the i-th table, then queue its exports and the next copy: one sort at a time."""
            def run(cur: duckdb.DuckDBPyConnection) -> list[Job]:
                more = _copy_table(cur, out_dir, copies[i], descriptions, row_counts, pieces, catalog)
                return more + [copy_job(i + 1)] if i + 1 < len(copies) else more
            return Job((sizes[copies[i]], 2), run)

        run_jobs(con, [copy_job(0)], EXPORT_WORKERS)
        meta = {"input_files": _input_files(con), "decision_log_head": _decision_log_head(con),
                "reference_sources": _reference_snapshots(con),
                "spdx_license_list_version": _spdx_list_version(con)}
        con.execute("DETACH wh")
        con.execute("CHECKPOINT rel")
        con.execute("DETACH rel")
    finally:
        con.close()
        shutil.rmtree(out_dir / SPILL_DIR, ignore_errors=True)
        shutil.rmtree(out_dir / CSV_STAGING_DIR, ignore_errors=True)
    wal = out_dir / "registry.duckdb.wal"
    if wal.exists():  # all data is checkpointed into the main file; a WAL must not ship
        raise ReleaseError(f"{wal} left behind after checkpoint")
    return {t: row_counts[t] for t in tables}, meta


def _build_site(release_dir: Path, digests: dict[str, dict[str, Any]] | None = None,
                previous: PreviousRelease | None = None) -> bool:
    """Render the release's site; True once built (the manifest's `site`).

    The builder reports the sha256 and size of each file it writes into ``digests``, so the manifest
    need not read the site (1.1 GB at 10k providers) back from disk.
    """
    from sealreg.publish.site import build_site

    build_site(release_dir, digests=digests, previous=previous)
    return True


def _write_trust_files(ctx: "RunContext", out_dir: Path, head: dict[str, Any] | None) -> None:
    """`trust/`: the key rotation statements of the home, and the decision log up to the release's head.

    The log's first `head.seq` lines are the records the run loaded; they must still end in the head's
    hash (the log is append-only), or the release is refused.
    """
    from sealreg.decisions import check_chain

    (out_dir / TRUST_DIR).mkdir()
    for folder in rotation_folders(ctx.paths.keys / ROTATIONS_DIR):
        shutil.copytree(folder, out_dir / KEY_ROTATIONS_DIR / folder.name, symlinks=False)
    data = ctx.paths.decisions_log.read_bytes() if ctx.paths.decisions_log.is_file() else b""
    lines = data.splitlines(keepends=True)[: head["seq"]] if head else []
    prefix = b"".join(lines)
    records, problems = check_chain(prefix)
    if head and (problems or not records or records[-1]["hash"] != head["hash"]):
        raise ReleaseError(
            f"{ctx.paths.decisions_log}: the records the run loaded changed since (decision {head['seq']})"
        )
    _write_file(out_dir / DECISION_LOG_FILE, prefix)


def _copy_gzipped(src: Path, dst: Path) -> None:
    """Copy every regular file under src to `<same path>.gz` under dst, gzip'd with no name and time 0
    (`LINEAGE_GZIP_LEVEL`): the same events give the same bytes."""
    for path in sorted(src.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        target = dst / f"{path.relative_to(src).as_posix()}.gz"
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_file(target, gzip.compress(path.read_bytes(), LINEAGE_GZIP_LEVEL, mtime=0))


def _write_checksums(root: Path, files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Write SHA256SUMS (`<sha256>  <path>` per file, sorted) and return its manifest entry."""
    body = "".join(f"{files[rel]['sha256']}  {rel}\n" for rel in sorted(files)).encode("utf-8")
    _write_file(root / CHECKSUMS_FILE, body)
    return {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}


def _file_entries(root: Path, known: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """(sha256 and size of every listed file, the directories under root); a digest reported by its writer
    is used when the file on disk still has the reported size, every other file is read and hashed once."""
    files = {}
    rels, dirs = walk(root)
    base = os.fspath(root) + os.sep
    for rel in rels:
        if rel in UNLISTED_FILES or rel == CHECKSUMS_FILE:
            continue
        path = base + rel
        size = os.stat(path).st_size
        entry = known.get(rel)
        if entry is None or entry.get("size") != size:
            entry = {"sha256": sha256_file(path), "size": size}
        files[rel] = {"sha256": entry["sha256"], "size": size}
    return files, dirs


def build_release(
    ctx: "RunContext",
    tables: list[str] | None = None,
    validation_src: Path | None = None,
    extra_manifest: dict | None = None,
    backfill: bool = False,
    built_at: dt.datetime | None = None,
) -> Path:
    """Build and sign `releases/<release_id>/` from the run warehouse; return its path.

    `tables` defaults to the 11 tables of the registry contract. `validation_src` defaults to the
    run's validation folder (ctx.validation_dir) when it exists. `extra_manifest` keys are merged
    into the manifest (they may not override the standard fields). `backfill` records in the
    manifest that the release is not made current (a later evaluation date is). Does not switch
    `current`. Refuses (KeyChangeRefused) a signing key the last release's key did not vouch for.
    `built_at` (default: now) is the manifest's `created_at`, the age `sealreg prune` goes by.
    """
    tables = list(tables) if tables is not None else list(PUBLISHED_TABLES)
    for t in tables:
        if not _IDENT.match(t):
            raise ReleaseError(f"invalid table name {t!r}")
    if len(set(tables)) != len(tables):
        raise ReleaseError("duplicate table names")
    warehouse = ctx.run_warehouse
    if not warehouse.is_file():
        raise ReleaseError(f"run warehouse {warehouse} not found")
    if validation_src is None and ctx.validation_dir.is_dir():
        validation_src = ctx.validation_dir
    if validation_src is not None and not Path(validation_src).is_dir():
        raise ReleaseError(f"validation folder {validation_src} not found")

    releases = ctx.paths.releases
    releases.mkdir(parents=True, exist_ok=True)
    latest = read_latest(releases)  # the release this one follows: its manifest read and parsed once
    key = signing_key_for_release(ctx.paths.keys, signer_of(latest.manifest if latest else None))
    link = next_link(releases, latest)
    previous = previous_release(latest, public_key_pem(key))
    release_id = next_release_id(releases, ctx.as_of)
    final = releases / release_id
    tmp = releases / f".tmp-{release_id}"
    if tmp.exists():  # left by a crashed publish (publishing runs under the refresh lock)
        shutil.rmtree(tmp)
    tmp.mkdir()
    t_start = time.perf_counter()
    try:
        dbt_manifest = read_dbt_manifest(ctx.dbt_dir / "target" / "manifest.json")
        pieces = CsvPieces(previous, public_key_pem(key))
        row_counts, meta = _export_tables(warehouse, tmp, tables, dbt_descriptions(dbt_manifest), pieces)
        t_tables = time.perf_counter()
        crash_point("publish:tables_written")

        validation_out = tmp / "validation"
        if validation_src is not None:
            shutil.copytree(validation_src, validation_out, symlinks=False)
        if lineage_dir(ctx).is_dir():  # the run's OpenLineage events (sealreg.lineage)
            _copy_gzipped(lineage_dir(ctx), tmp / LINEAGE_DIR)

        t_site = time.perf_counter()
        pub_pem = public_key_pem(key)
        _write_file(tmp / PUBLIC_KEY_FILE, pub_pem)  # early: every site page names its fingerprint
        site_digests: dict[str, dict[str, Any]] = {}
        created_at = ((built_at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
                      .replace(microsecond=0).isoformat().replace("+00:00", "Z"))
        write_release_metadata(ctx, tmp, tables, TABLE_KEYS, {  # before the site: its pages link these files
            "release_id": release_id, "as_of": ctx.as_of.isoformat(), "created_at": created_at,
            "weights_version": ctx.weights_version, "rulebook_version": RULEBOOK_VERSION,
        }, public_key_fingerprint(pub_pem), row_counts, site_digests, dbt_manifest)
        site_built = _build_site(tmp, site_digests, previous)
        t_files = time.perf_counter()

        _write_trust_files(ctx, tmp, meta["decision_log_head"])
        files, dirs = _file_entries(tmp, site_digests)
        linked = link_unchanged(tmp, files, previous)
        files[CHECKSUMS_FILE] = _write_checksums(tmp, files)
        manifest: dict[str, Any] = {
            "manifest_version": MANIFEST_VERSION,
            "contract_version": CONTRACT_VERSION,
            "release_id": release_id,
            **link,
            "backfill": backfill,
            "created_at": created_at,
            "as_of": ctx.as_of.isoformat(),
            "weights_version": ctx.weights_version,
            "rulebook_version": RULEBOOK_VERSION,
            "spdx_license_list_version": meta["spdx_license_list_version"],
            "run_id": ctx.run_id,
            "associated_countries": list(ctx.associated_countries),
            "input_files": meta["input_files"],
            "reference_sources": meta["reference_sources"],
            "decision_log_head": meta["decision_log_head"],
            "table_keys": {t: list(TABLE_KEYS.get(t, ())) for t in tables},
            "row_counts": row_counts,
            "site": site_built,
            "public_key_sha256": public_key_fingerprint(pub_pem),
            "files": files,
        }
        for k, v in (extra_manifest or {}).items():
            if k in manifest:
                raise ReleaseError(f"extra_manifest may not override {k!r}")
            manifest[k] = v
        body = manifest_bytes(manifest)
        _write_file(tmp / MANIFEST_FILE, body)
        _write_file(tmp / SIGNATURE_FILE, (sign(body, key) + "\n").encode("ascii"))
        t_sync = time.perf_counter()
        _sync_tree(tmp, dirs)
        t_end = time.perf_counter()
        log.info(
            "release %s: tables and exports %.1f s, validation copy %.1f s, site %.1f s, manifest %.1f s, sync %.1f s; "
            "%d of %d bytes hard-linked from the previous release",
            release_id,
            t_tables - t_start,
            t_site - t_tables,
            t_files - t_site,
            t_sync - t_files,
            t_end - t_sync,
            linked,
            sum(e["size"] for e in files.values()),
        )
        crash_point("publish:before_rename")
        if final.exists():
            raise ReleaseError(f"release {final} already exists")
        os.rename(tmp, final)
        fsync_dir(releases)
        crash_point("publish:after_rename")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    record_pieces(final, CSV_GZIP_LEVEL, dict(sorted(pieces.written.items())), key)
    return final
