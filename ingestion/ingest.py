"""The ingest step: inbox -> validation -> quarantine -> raw tables of the run warehouse."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import duckdb

from ingestion.cache import Entry, cache_table, ensure_table, read_cache, read_loaded
from ingestion.check_pool import checked
from ingestion.checks import parse_timestamp
from ingestion.claims import Held, stale_problem, transfers_of, within_budget
from ingestion.feedback import write_feedback
from ingestion.inbox import NOT_A_FILE, InboxFile, read_inbox, read_path
from ingestion.jsonparse import too_big
from ingestion.keyring import ProviderKeys, read_register
from ingestion.load import InputFile, RawRows, build_tables, load_tables, record_signatures
from ingestion.problems import finalize
from ingestion.quarantine import quarantine
from ingestion.rejected import NO_SENDER, RejectedFile, Sender, judge, read_earlier, rejected_files_table
from ingestion.rulebook import MAX_FILE_BYTES, max_services_per_run
from ingestion.signatures import check_signature
from ingestion.validate import Accepted, Outcome, check_document, resolve_conflicts, validate_document
from sealreg.errors import Problem

RAW_SCHEMA_SQL = Path(__file__).with_name("raw_schema.sql")


def entry_problem(entry: InboxFile) -> Problem | None:
    """The problem that stops an entry before validation: not a readable regular file (E017), or over the size
    limit (E015); None if its bytes are to be validated."""
    if entry.refusal is not None:
        return Problem(entry.name, NOT_A_FILE, "$", entry.refusal)
    return Problem(entry.name, *too_big(entry.size)) if entry.oversized else None


def validate_paths(paths: Sequence[Path], as_of: dt.date) -> list[Problem]:
    """Problems of the given files (for `sealreg validate`): single-file rules, then E013 across them.

    Files are named by the path as given and read like inbox entries (`ingestion.inbox`); an empty list
    means every file is valid.
    """
    candidates: list[Accepted] = []
    problems: list[Problem] = []
    for path in paths:
        entry = read_path(Path(path), MAX_FILE_BYTES)
        stop = entry_problem(entry)
        if stop is not None:
            problems.append(Problem(str(path), stop.code, stop.path, stop.message))
            continue
        doc, found = validate_document(entry.data, str(path), as_of)
        problems += found
        if doc is not None:
            candidates.append(Accepted(str(path), doc, parse_timestamp(doc["submitted_at"])))
    _, conflicts = resolve_conflicts(candidates)
    return finalize(problems + conflicts)


def _same_bytes(folder: Path, entry: InboxFile) -> bytes | None:
    """The entry's bytes read again for its quarantine copy, only if they are still the ones validated."""
    again = read_path(folder / os.fsdecode(entry.raw_name), MAX_FILE_BYTES)
    return again.data if again.sha256 == entry.sha256 else None


def _signature(folder: Path, entry: InboxFile, cached: Entry, register: dict[str, ProviderKeys],
               held: Held) -> tuple[Problem | None, str | None]:
    """(E019/E020 problem or None, key fingerprint) of a valid file; (None, None) for a provider not enrolled."""
    keys = register.get(cached.provider_id)
    if keys is None:
        return None, None
    known = held.known(cached.disclosure_id, cached.provider_id, entry.sha256)
    problem, fingerprint = check_signature(folder, entry, keys, known)
    return problem, fingerprint or None


def _across_files(candidates: list[Accepted], held: Held, known: set[str],
                  transfers: dict[str, str]) -> tuple[list[Accepted], list[Problem]]:
    """The rules across files, in order: stale submissions (E021), the run's budget (E015), then E013."""
    problems: list[Problem] = []
    fresh = []
    for a in candidates:
        stale = stale_problem(a, held, a.file_name in known)
        if stale is None:
            fresh.append(a)
        else:
            problems.append(stale)
    within, over = within_budget(fresh, known, max_services_per_run())
    accepted, conflicts = resolve_conflicts(within, held, transfers)
    return accepted, problems + over + conflicts


def _with_checks(entries: Iterable[InboxFile], cache: dict[str, Entry], as_of: dt.date, expected: int
                 ) -> Iterator[tuple[InboxFile, Outcome | None]]:
    """(entry, outcome of its single-file checks) in inbox order; the outcome is None for an entry stopped
    before validation or whose cached outcome holds for `as_of` (ingestion/check_pool.py runs the checks)."""
    def needing_checks() -> Iterator[tuple[InboxFile, bytes, str] | tuple[InboxFile, None, None]]:
        for entry in entries:
            cached = cache.get(entry.sha256)
            if entry_problem(entry) is None and not (cached is not None and cached.reusable(as_of)):
                yield entry, entry.data, entry.name
            else:
                yield entry, None, None

    return checked(needing_checks(), as_of, expected)


def _open_warehouse(ctx) -> duckdb.DuckDBPyConnection:
    ctx.run_dir.mkdir(parents=True, exist_ok=True)
    if ctx.paths.baseline_warehouse.exists():
        shutil.copyfile(ctx.paths.baseline_warehouse, ctx.run_warehouse)
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
    disclosure are deleted and only new/changed accepted files are parsed and inserted. Signatures and the
    rules across files (ingestion/claims.py, against what the baseline holds) are decided over the whole inbox
    every run. The raw tables are the same as after a full ingest of the same inbox.
    `full=True` (default: `ctx.full_ingest`, from --full-ingest or $SEALREG_FULL_INGEST=1) ignores the cache
    and rebuilds every row.

    `decisions` (rows with the raw.decisions columns) replace raw.decisions; None keeps the baseline rows.
    """
    full = ctx.full_ingest if full is None else full
    folder = Path(ctx.inbox)
    total = sum(1 for n in os.listdir(folder) if n.endswith(".json"))  # progress only; read_inbox lists again
    con = _open_warehouse(ctx)
    try:
        cache, loaded = ({}, {}) if full else (read_cache(con), read_loaded(con))
        earlier = read_earlier(con)  # kept by a full ingest too: it is a record, not a cache
        register, held = read_register(ctx.home), Held.read(con)
        rows = RawRows()
        signed: dict[str, str | None] = {}  # file name -> fingerprint of the key its signature verified with
        candidates: list[Accepted] = []
        rejected: dict[str, list[Problem]] = {}
        senders: dict[str, Sender] = {}  # file name -> the provider it names
        seen: dict[str, InboxFile] = {}  # display name -> the entry as read (bytes dropped)
        entries: dict[str, Entry] = {}
        reused = 0
        pending: dict[str, bytes] = {}  # valid per the cache, but no rows in the warehouse under this name
        entries_read = _with_checks(read_inbox(folder, MAX_FILE_BYTES), cache, ctx.as_of, total)
        for done, (entry, outcome) in enumerate(entries_read, start=1):
            name, data = entry.name, entry.data
            seen[name] = replace(entry, data=None)
            stop = entry_problem(entry)
            if stop is not None:
                rejected[name] = [stop]
            else:
                sha256 = entry.sha256
                needs_rows = loaded.get(name, (None,))[0] != sha256
                if outcome is None:  # the outcome of these bytes is cached and holds for this date
                    cached = cache[sha256].at(ctx.as_of)
                    reused += 1
                    if cached.valid and needs_rows:  # parsed only if it is accepted (E013) below
                        pending[name] = data
                else:
                    submitted = None if outcome.doc is None else parse_timestamp(outcome.doc["submitted_at"])
                    cached = Entry.of(sha256, ctx.as_of, outcome, submitted)
                    if outcome.doc is not None and needs_rows:
                        rows.add(Accepted(name, outcome.doc, submitted), sha256)
                if not cached.internal_error:  # a crash of the validator is reported, never remembered
                    entries[sha256] = cached
                senders[name] = cached.sender
                if cached.valid:
                    refused, signed[name] = _signature(folder, entry, cached, register, held)
                    if refused is None:
                        candidates.append(cached.candidate(name))
                    else:
                        rejected[name] = [refused]
                else:
                    rejected[name] = cached.problems_of(name)
            if progress is not None:
                progress(done, max(total, done))
        total = len(seen)
        known = {a.file_name for a in candidates
                 if held.known(a.disclosure_id, a.provider_id, seen[a.file_name].sha256)}
        accepted_docs, conflicts = _across_files(candidates, held, known, transfers_of(decisions, ctx.as_of))
        for p in conflicts:
            rejected.setdefault(p.file, []).append(p)
        problems: list[Problem] = []
        records: dict[str, RejectedFile] = {}
        for name, found in sorted(rejected.items()):
            found = finalize(found)
            problems += found
            entry = seen[name]
            record = judge(name, entry.sha256, found, senders.get(name, NO_SENDER), earlier, ctx.as_of,
                           ctx.quarantine_dir.name)
            records[name] = record
            if not record.still:  # the bytes are read again, only for a file rejected anew
                quarantine(ctx.quarantine_dir, entry.raw_name, found, _same_bytes(folder, entry), entry.mode,
                           record.sender)
        write_feedback(ctx.quarantine_dir, list(records.values()), ctx.as_of)
        meta = {name: (e.sha256, e.size) for name, e in seen.items()}
        by_file = {a.file_name: a.disclosure_id for a in accepted_docs}
        kept = {name for name in by_file if loaded.get(name, (None,))[0] == meta[name][0]}
        for name in sorted(set(by_file) & set(pending) - kept):
            outcome = check_document(pending[name], name, ctx.as_of)
            if outcome.doc is None:  # cannot happen: the same bytes, code and outcome-relevant date
                raise RuntimeError(f"{name}: cached outcome 'valid' no longer holds: {outcome.problems[:3]}")
            rows.add(Accepted(name, outcome.doc, parse_timestamp(outcome.doc["submitted_at"])), meta[name][0])
        rows.keep_only(set(by_file) - kept)
        inputs = [InputFile(name, meta[name][0], meta[name][1], "accepted" if name in by_file else "rejected",
                            by_file.get(name)) for name in seen]
        tables = build_tables(rows, problems, ctx.run_id, inputs, decisions, records)
        tables["file_cache"] = cache_table(entries)
        tables["rejected_files"] = rejected_files_table(list(records.values()))
        load_tables(con, tables, keep=None if full else {by_file[name] for name in kept})
        record_signatures(con, {name: signed.get(name) for name in by_file})
    finally:
        con.close()
    still = sum(r.still for r in records.values())
    return {"files": total, "accepted": len(accepted_docs), "rejected": len(rejected), "problems": len(problems),
            "rejected_new": len(records) - still, "still_rejected": still,
            "mode": "full" if full else "incremental", "reused": reused, "kept": len(kept)}
