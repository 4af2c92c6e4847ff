"""The ingest step: inbox -> validation -> quarantine -> raw tables of the run warehouse."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from ingestion.cache import Entry, cache_table, ensure_table, full_ingest_requested, read_cache, read_loaded
from ingestion.checks import parse_timestamp
from ingestion.load import InputFile, RawRows, build_tables, load_tables
from ingestion.problems import Problem, finalize
from ingestion.quarantine import quarantine
from ingestion.rulebook import MAX_FILE_BYTES
from ingestion.validate import Accepted, check_document, resolve_conflicts, validate_document

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
    ensure_table(con)
    return con


def run_ingest(
    ctx, decisions: list[dict] | None = None, progress: Callable[[int, int], None] | None = None,
    full: bool | None = None,
) -> dict:
    """Ingest `ctx.inbox/*.json` into the run warehouse; returns {files, accepted, rejected, problems, mode,
    reused, kept}.

    Incremental (default): single-file outcomes come from `raw.file_cache` when the content (sha256) was
    seen before and the outcome holds for `ctx.as_of` (ingestion/cache.py); the rows of files loaded by the
    last ingest with the same name and content that stay accepted are kept, the rows of every other
    disclosure are deleted and only new/changed accepted files are parsed and inserted. E013 is decided
    over the whole inbox every run. The raw tables are the same as after a full ingest of the same inbox.
    `full=True` (or $SEALREG_FULL_INGEST=1) ignores the cache and rebuilds every row.

    `decisions` (rows with the raw.decisions columns) replace raw.decisions; None keeps the baseline rows.
    """
    full = full_ingest_requested() if full is None else full
    paths = sorted(p for p in Path(ctx.inbox).glob("*.json") if p.is_file())
    total = len(paths)
    con = _open_warehouse(ctx)
    try:
        cache, loaded = ({}, {}) if full else (read_cache(con), read_loaded(con))
        rows = RawRows()
        candidates: list[Accepted] = []
        rejected: dict[str, list[Problem]] = {}
        meta: dict[str, tuple[str | None, int]] = {}
        entries: dict[str, Entry] = {}
        reused = 0
        pending: dict[str, bytes] = {}  # valid per the cache, but no rows in the warehouse under this name
        for done, path in enumerate(paths, start=1):
            name = path.name
            try:
                data, sha256, size = _read(path)
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                meta[name] = (None, 0)
                rejected[name] = [Problem(name, "E001", "$", f"file could not be read ({reason})")]
            else:
                meta[name] = (sha256, size)
                if data is None:
                    rejected[name] = [Problem(name, "E015", "$",
                                              f"file is {size} bytes; the limit is {MAX_FILE_BYTES} (5 MiB)")]
                else:
                    needs_rows = loaded.get(name, (None,))[0] != sha256
                    entry = cache.get(sha256)
                    if entry is not None and entry.reusable(ctx.as_of):
                        entry = entry.at(ctx.as_of)
                        reused += 1
                        if entry.valid and needs_rows:  # parsed only if it is accepted (E013) below
                            pending[name] = data
                    else:
                        outcome = check_document(data, name, ctx.as_of)
                        submitted = None if outcome.doc is None else parse_timestamp(outcome.doc["submitted_at"])
                        entry = Entry.of(sha256, ctx.as_of, outcome, submitted)
                        if outcome.doc is not None and needs_rows:
                            rows.add(Accepted(name, outcome.doc, submitted), sha256)
                    entries[sha256] = entry
                    if entry.valid:
                        candidates.append(entry.candidate(name))
                    else:
                        rejected[name] = entry.problems_of(name)
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
        kept = {name for name in by_file if loaded.get(name, (None,))[0] == meta[name][0]}
        for name in sorted(set(by_file) & set(pending) - kept):
            outcome = check_document(pending[name], name, ctx.as_of)
            if outcome.doc is None:  # cannot happen: the same bytes, code and outcome-relevant date
                raise RuntimeError(f"{name}: cached outcome 'valid' no longer holds: {outcome.problems[:3]}")
            rows.add(Accepted(name, outcome.doc, parse_timestamp(outcome.doc["submitted_at"])), meta[name][0])
        rows.keep_only(set(by_file) - kept)
        inputs = [InputFile(p.name, meta[p.name][0], meta[p.name][1],
                            "accepted" if p.name in by_file else "rejected", by_file.get(p.name)) for p in paths]
        tables = build_tables(rows, {}, problems, ctx.run_id, inputs, decisions)
        tables["file_cache"] = cache_table(entries)
        load_tables(con, tables, keep=None if full else {by_file[name] for name in kept})
    finally:
        con.close()
    return {"files": total, "accepted": len(accepted_docs), "rejected": len(rejected), "problems": len(problems),
            "mode": "full" if full else "incremental", "reused": reused, "kept": len(kept)}
