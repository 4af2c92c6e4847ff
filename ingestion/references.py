"""Reference ingestion (spec/references.md): the references folder -> R001-R004 -> snapshots in `raw.ref_*`.

Per file: opened once without following links; its header row tells its source; its sha256 decides
whether anything is to be done (the source's snapshot in use has that digest: nothing is read); then one
DuckDB `read_csv` stages the columns the registry keeps, every R003/R004 rule runs as SQL over the
staging table, and an accepted file becomes its source's snapshot in use in one transaction. A rejected
file is quarantined and reported in `raw.rejections`; its source keeps the snapshot it had. A file
rejected last night with the same name and digest (`raw.ref_rejected_files`, same validator) is still
rejected: reported again with its problems, first date and quarantine folder, neither read nor copied. The
`raw.ref_*` tables live in the warehouse, so snapshots carry over from night to night (docs/references.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingestion.cache import validator_fingerprint
from ingestion.reference_files import ReferenceFile, open_reference, quarantine_reference
from ingestion.reference_formats import LEVEL1, LEVEL2, REGISTER, Format, detect, source_name
from ingestion.reference_sql import StagedFile, drop_stage, find_problems, stage, switch_snapshot
from ingestion.rejected import NO_SENDER, Earlier, judge, problems_key
from sealreg.config import default_references
from sealreg.errors import Problem

#: DuckDB memory for one reference load (the 3-million-row Level 1 file stays well under it).
REFERENCE_MEMORY_LIMIT = "600MB"
REJECTION_PREFIX = "references/"


@dataclass
class Outcome:
    """What happened to one file of the references folder."""

    name: str
    status: str  # loaded | unchanged | superseded | rejected
    source: str | None = None
    rows: int | None = None
    sha256: str | None = None
    problems: list[Problem] = field(default_factory=list)
    note: str = ""
    seconds: float | None = None  # digest + load + checks of a file that was read
    rejected_since: dt.date | None = None  # rejected: the first night these bytes were
    quarantined_in: str | None = None  # rejected: `<run id>/references` of the night that holds the copy
    remember: bool = False  # rejected for what its bytes are (not for changing while read): kept for the next night


def reference_entries(folder: Path) -> list[Path]:
    """The entries of the references folder in name order; hidden names (`.x`, e.g. partial copies) are
    skipped. A missing folder has none."""
    try:
        names = sorted(e.name for e in os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [folder / n for n in names if not n.startswith(".")]


def _connect(ctx) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(ctx.run_warehouse))
    spill = ctx.run_dir / "reference-spill"
    spill.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET memory_limit = '{REFERENCE_MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{str(spill).replace(chr(39), chr(39) * 2)}'")
    con.execute("SET preserve_insertion_order = true")
    return con


def _in_use(con: duckdb.DuckDBPyConnection, source: str) -> str | None:
    row = con.execute("SELECT file_sha256 FROM raw.ref_sources WHERE source = ? AND in_use", [source]).fetchone()
    return row[0] if row else None


Rejected = dict[tuple[str, str | None], tuple[Earlier, list[Problem]]]


def _earlier_rejections(con: duckdb.DuckDBPyConnection, full: bool) -> Rejected:
    """(file name, sha256) -> what the last night recorded of that rejected file, and its problems when they
    may stand without reading the file (same validator, not a full ingest; otherwise it is checked again and
    keeps the record's first date and folder if its reasons are the same)."""
    rows = con.execute("SELECT file_name, file_sha256, validator, problems_json, rejected_since, quarantined_in "
                       "FROM raw.ref_rejected_files").fetchall()
    earlier = {}
    for name, sha, validator, problems_json, since, folder in rows:
        problems = [Problem(name, code, path, message) for code, path, message in json.loads(problems_json)]
        reusable = not full and validator == validator_fingerprint()
        earlier[(name, sha)] = (Earlier(problems_key(problems), since, folder), problems if reusable else [])
    return earlier


def _latest_per_gleif_source(files: list[tuple[ReferenceFile, Format]]) -> dict[str, str]:
    """GLEIF kind -> the name of the one file read tonight (the last by name: GLEIF names its golden copies
    by publication time)."""
    latest: dict[str, str] = {}
    for ref, fmt in files:
        if fmt.kind in (LEVEL1, LEVEL2):
            latest[fmt.kind] = ref.name  # files come in name order
    return latest


def _load_one(con, ref: ReferenceFile, fmt: Format, as_of: dt.date) -> Outcome:
    source = source_name(fmt.kind, ref.name)
    if _in_use(con, source) == ref.sha256:
        return Outcome(ref.name, "unchanged", source, sha256=ref.sha256, note="same digest as the snapshot in use")
    staged: StagedFile = stage(con, ref, fmt, source)
    try:
        problems = staged.problems or find_problems(con, staged)
        problems += ref.changed_since_opened()
        if problems:
            return Outcome(ref.name, "rejected", source, sha256=ref.sha256, problems=problems)
        con.execute("BEGIN TRANSACTION")
        try:
            rows = switch_snapshot(con, staged, as_of)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        drop_stage(con)
    return Outcome(ref.name, "loaded", source, rows, ref.sha256)


def ingest_references(ctx, progress: Callable[[int, int], None] | None = None) -> dict:
    """Read `ctx.references` into the run warehouse's `raw.ref_*` tables; append this run's R001-R004
    rejections to `raw.rejections` and quarantine those files. Returns a summary for the step result."""
    folder = Path(ctx.references or default_references(ctx.inbox))
    quarantine_dir = ctx.quarantine_dir / "references"
    outcomes: list[Outcome] = []
    opened: list[tuple[ReferenceFile, Format]] = []

    def reject(name: str, problems: list[Problem], ref: ReferenceFile | None, source: str | None = None) -> None:
        """Report a rejected file; quarantine it unless it is still rejected as it was (same name, bytes, reasons)."""
        sha = ref.hash() if ref is not None else None
        record = judge(name, sha, problems, NO_SENDER, records, ctx.as_of, f"{ctx.run_id}/references")
        if not record.still:
            quarantine_reference(quarantine_dir, name, problems, ref)
        note = f"still rejected since {record.rejected_since}: not copied again" if record.still else ""
        outcomes.append(Outcome(name, "rejected", source, sha256=sha, problems=problems, note=note,
                                rejected_since=record.rejected_since, quarantined_in=record.quarantined_in,
                                remember=ref is None or not ref.changed_since_opened()))

    con = _connect(ctx)
    try:
        earlier = _earlier_rejections(con, ctx.full_ingest)
        records = {key: record for key, (record, _problems) in earlier.items()}  # what `judge` compares with
        for path in reference_entries(folder):
            ref, problems = open_reference(path)
            if ref is None:
                reject(path.name, problems, None)
                continue
            fmt, problems = _detect(ref)
            if fmt is None:
                reject(ref.name, problems, ref)
                ref.close()
            else:
                opened.append((ref, fmt))
        latest = _latest_per_gleif_source(opened)
        for done, (ref, fmt) in enumerate(opened, start=1):
            try:
                if fmt.kind != REGISTER and latest[fmt.kind] != ref.name:
                    outcomes.append(Outcome(ref.name, "superseded", source_name(fmt.kind, ref.name),
                                            note=f"{latest[fmt.kind]} is the newer file of this source"))
                    continue
                started = time.perf_counter()
                known = earlier.get((ref.name, ref.hash()), (None, []))[1]
                if known and not ref.changed_since_opened():  # rejected last night as it is: not read again
                    outcome = Outcome(ref.name, "rejected", source_name(fmt.kind, ref.name), problems=known)
                else:
                    outcome = _load_one(con, ref, fmt, ctx.as_of)
                if outcome.status == "rejected":
                    reject(ref.name, outcome.problems, ref, outcome.source)
                else:
                    outcomes.append(outcome)
                outcomes[-1].seconds = round(time.perf_counter() - started, 3)
            finally:
                ref.close()
            if progress is not None:
                progress(done, len(opened))
        _record_rejections(con, ctx, outcomes)
        in_use = con.execute("SELECT source, file, file_sha256, rows, first_loaded_on FROM raw.ref_sources "
                             "WHERE in_use ORDER BY source").fetchall()
    finally:
        for ref, _ in opened:
            ref.close()
        con.close()
    return _summary(folder, outcomes, in_use)


def _detect(ref: ReferenceFile) -> tuple[Format | None, list[Problem]]:
    header, problems = ref.header()
    if header is None:
        return None, problems
    fmt, missing = detect(header)
    if fmt is None:
        shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
        return None, [Problem(ref.name, "R002", "row 1",
                              f"the header ({shown}) matches no reference source: a GLEIF Level 1 file has "
                              "Entity.LegalName, a Level 2 file Relationship.StartNode.NodeID, a scheme register "
                              "certificate_id (and not two of these)")]
    if missing:
        return None, [Problem(ref.name, "R003", f"row 1, column {m}",
                              f"required column {m} of a {fmt.kind} file is missing") for m in missing]
    return fmt, []


def _record_rejections(con: duckdb.DuckDBPyConnection, ctx, outcomes: list[Outcome]) -> None:
    """This run's reference rejections replace those of an earlier night (disclosure names hold no `/`), and
    so does the record of rejected files the next night reads."""
    rejected = [o for o in outcomes if o.status == "rejected"]
    rows = [(ctx.run_id, REJECTION_PREFIX + p.file, p.code, p.path, p.message, o.rejected_since, o.quarantined_in)
            for o in rejected for p in o.problems]
    con.execute("DELETE FROM raw.rejections WHERE starts_with(file, ?)", [REJECTION_PREFIX])
    if rows:
        con.executemany("INSERT INTO raw.rejections (run_id, file, code, path, message, rejected_since, "
                        "quarantined_in) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    kept = [(o.name, o.sha256, validator_fingerprint(), json.dumps([[p.code, p.path, p.message] for p in o.problems]),
             o.rejected_since, o.quarantined_in) for o in rejected if o.remember]
    con.execute("DELETE FROM raw.ref_rejected_files")
    if kept:
        con.executemany("INSERT INTO raw.ref_rejected_files VALUES (?, ?, ?, ?, ?, ?)", kept)


def _summary(folder: Path, outcomes: list[Outcome], in_use: list[tuple]) -> dict:
    count = {s: sum(o.status == s for o in outcomes) for s in ("loaded", "unchanged", "superseded", "rejected")}
    return {
        "folder": str(folder),
        "files": len(outcomes),
        **count,
        "outcomes": [{"file": o.name, "status": o.status, "source": o.source, "rows": o.rows, "sha256": o.sha256,
                      "problems": len(o.problems), "note": o.note, "seconds": o.seconds} for o in outcomes],
        "in_use": [{"source": s, "file": f, "file_sha256": sha, "rows": n, "first_loaded_on": d.isoformat()}
                   for s, f, sha, n, d in in_use],
    }
