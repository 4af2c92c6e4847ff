"""The ingest step: inbox -> validation -> quarantine -> raw tables of the run warehouse."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from ingestion.checks import parse_timestamp
from ingestion.load import InputFile, RawRows, build_tables, load_tables
from ingestion.problems import Problem, finalize
from ingestion.quarantine import quarantine
from ingestion.rulebook import MAX_FILE_BYTES
from ingestion.validate import Accepted, resolve_conflicts, validate_document

RAW_SCHEMA_SQL = Path(__file__).with_name("raw_schema.sql")


def _read(path: Path) -> tuple[bytes | None, str, int]:
    """(content or None if over the size limit, sha256, size); an oversized file is hashed in chunks."""
    size = path.stat().st_size
    if size <= MAX_FILE_BYTES:
        data = path.read_bytes()
        return data, hashlib.sha256(data).hexdigest(), len(data)
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return None, digest.hexdigest(), size


def _check_file(path: Path, name: str, as_of: dt.date) -> tuple[Accepted | None, list[Problem], str | None, int]:
    """Single-file validation of one file on disk (size checked before reading it)."""
    try:
        data, sha256, size = _read(path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, [Problem(name, "E001", "$", f"file could not be read ({reason})")], None, 0
    if data is None:
        too_big = Problem(name, "E015", "$", f"file is {size} bytes; the limit is {MAX_FILE_BYTES} (5 MiB)")
        return None, [too_big], sha256, size
    doc, problems = validate_document(data, name, as_of)
    if doc is None:
        return None, problems, sha256, size
    return Accepted(name, doc, parse_timestamp(doc["submitted_at"])), [], sha256, size


def validate_paths(paths: Sequence[Path], as_of: dt.date) -> list[Problem]:
    """Problems of the given files (for `sealreg validate`): single-file rules, then E013 across them.

    Files are named by the path as given; an empty list means every file is valid.
    """
    candidates: list[Accepted] = []
    problems: list[Problem] = []
    for path in paths:
        accepted, found, _, _ = _check_file(Path(path), str(path), as_of)
        problems += found
        if accepted is not None:
            candidates.append(accepted)
    _, conflicts = resolve_conflicts(candidates)
    return finalize(problems + conflicts)


def _open_warehouse(ctx) -> duckdb.DuckDBPyConnection:
    ctx.run_dir.mkdir(parents=True, exist_ok=True)
    if ctx.baseline_warehouse.exists():
        shutil.copyfile(ctx.baseline_warehouse, ctx.run_warehouse)
    con = duckdb.connect(str(ctx.run_warehouse))
    con.execute(RAW_SCHEMA_SQL.read_text(encoding="utf-8"))
    return con


def run_ingest(
    ctx, decisions: list[dict] | None = None, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Ingest `ctx.inbox/*.json` into the run warehouse; returns {files, accepted, rejected, problems}.

    `decisions` (rows with the raw.decisions columns) replace raw.decisions; None keeps the baseline rows.
    """
    paths = sorted(p for p in Path(ctx.inbox).glob("*.json") if p.is_file())
    total = len(paths)
    rows = RawRows()
    candidates: list[Accepted] = []
    rejected: dict[str, list[Problem]] = {}
    meta: dict[str, tuple[str | None, int]] = {}
    for done, path in enumerate(paths, start=1):
        accepted, found, sha256, size = _check_file(path, path.name, ctx.as_of)
        meta[path.name] = (sha256, size)
        if accepted is None:
            rejected[path.name] = found
        else:
            rows.add(accepted, sha256)
            candidates.append(_slim(accepted))  # the full document is not kept: its rows are in `rows`
        if progress is not None:
            progress(done, total)
    accepted_docs, conflicts = resolve_conflicts(candidates)
    for p in conflicts:
        rejected.setdefault(p.file, []).append(p)
    by_name = {p.name: p for p in paths}
    problems: list[Problem] = []
    for name, found in sorted(rejected.items()):
        found = finalize(found)
        problems += found
        quarantine(ctx.quarantine_dir, name, found, by_name[name])
    by_file = {a.file_name: a.disclosure_id for a in accepted_docs}
    rows.keep_only(set(by_file))
    inputs = [InputFile(p.name, meta[p.name][0], meta[p.name][1], "accepted" if p.name in by_file else "rejected",
                        by_file.get(p.name)) for p in paths]
    tables = build_tables(rows, {}, problems, ctx.run_id, inputs, decisions)
    con = _open_warehouse(ctx)
    try:
        load_tables(con, tables)
    finally:
        con.close()
    return {"files": total, "accepted": len(accepted_docs), "rejected": len(rejected), "problems": len(problems)}


def _slim(a: Accepted) -> Accepted:
    """Only what the cross-file rule (E013) reads."""
    doc = {"disclosure_id": a.disclosure_id, "provider": {"provider_id": a.provider_id},
           "services": [{"service_id": s["service_id"]} for s in a.doc["services"]]}
    return Accepted(a.file_name, doc, a.submitted_at)
