"""Set-based load and validation of one reference file in DuckDB: stage, check (R001/R003/R004), switch.

The staging table is committed before the checks (its rowids are then the file's record order: the header
is row 1, record k is row k + 2) and dropped afterwards; the switch to a new snapshot is one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from ingestion.problems import MAX_PROBLEMS_PER_FILE, show
from ingestion.reference_files import ReferenceFile
from ingestion.reference_formats import REGISTER, Format
from sealreg.errors import Problem

STAGE = "raw._ref_stage"
_REJECTS, _SCANS = "ref_csv_rejects", "ref_csv_scans"


@dataclass
class StagedFile:
    """A file read into STAGE: its format, source, digest, data rows and the R001 problems of the read."""

    name: str
    fmt: Format
    source: str
    sha256: str
    rows: int
    problems: list[Problem] = field(default_factory=list)


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _read_csv(ref: ReferenceFile) -> str:
    """read_csv over every column of the file as VARCHAR, named c0..cN (the header's names, which the file
    chooses, never reach SQL); malformed rows go to the rejects table instead of stopping the read."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(ref.columns))) + "}"
    return (f"read_csv({_lit(ref.read_path)}, columns = {columns}, header = true, auto_detect = false, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, encoding = 'utf-8', "
            f"store_rejects = true, rejects_table = '{_REJECTS}', rejects_scan = '{_SCANS}')")


def stage(con: duckdb.DuckDBPyConnection, ref: ReferenceFile, fmt: Format, source: str) -> StagedFile:
    """Create (and commit) STAGE with the format's raw columns (VARCHAR, in raw-table order) from one read of
    the file."""
    index = {name: i for i, name in enumerate(ref.columns)}
    select = [f"c{index[h]} AS {col}" for h, col in fmt.columns]
    if fmt.kind != REGISTER:
        select.append(f"{_lit(ref.sha256 or '')} AS source_file_sha256")
    for table in (_REJECTS, _SCANS):
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")
    con.execute(f"DROP TABLE IF EXISTS {STAGE}")
    con.execute(f"CREATE TABLE {STAGE} AS SELECT {', '.join(select)} FROM {_read_csv(ref)}")
    rows = con.execute(f"SELECT count(*) FROM {STAGE}").fetchone()[0]
    staged = StagedFile(ref.name, fmt, source, ref.sha256 or "", rows)
    rejects = con.execute(f"SELECT line, column_name, error_type, error_message, count(*) OVER () "
                          f"FROM temp.{_REJECTS} ORDER BY line, column_idx LIMIT {MAX_PROBLEMS_PER_FILE}").fetchall()
    for line, col, kind, message, _ in rejects:
        index = int(col[1:]) if col and col[1:].isdigit() else -1
        name = ref.columns[index] if 0 <= index < len(ref.columns) else None
        where = f"row {line}" + (f", column {name}" if name is not None else "")
        staged.problems.append(Problem(ref.name, "R001", where, f"not a well-formed UTF-8 CSV row ({kind.lower()}: "
                                                                  f"{message})"))
    if rejects:
        _note_more(staged.problems, rejects[0][4])
    elif rows == 0:
        staged.problems.append(Problem(ref.name, "R003", "row 2", "the file has a header but no records; an empty "
                                                                  "file never replaces a source's snapshot"))
    return staged


def drop_stage(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {STAGE}")


def _note_more(problems: list[Problem], total: int) -> None:
    """Say on the last reported problem how many more the file has."""
    if total > len(problems) and problems:
        last = problems[-1]
        problems[-1] = Problem(last.file, last.code, last.path,
                               f"{last.message} (and {total - len(problems)} more problems in this file)")


def _value_problems(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> tuple[list[tuple], int]:
    """R003: ((row, check index, value), ...) of the first failing rows, and the number of failing rows."""
    checks = staged.fmt.checks
    helpers = dict(h for c in checks for h in c.helpers)
    inner = ", ".join(["rowid AS _row", "*"] + [f"{sql} AS {name}" for name, sql in helpers.items()])
    flags = ", ".join(f"({c.bad}) AS _bad{i}" for i, c in enumerate(checks))
    values = ", ".join(c.column for c in checks)
    any_bad = " OR ".join(f"({c.bad})" for c in checks)
    rows = con.execute(f"SELECT _row, {values}, {flags}, count(*) OVER () FROM (SELECT {inner} FROM {STAGE}) "
                       f"WHERE {any_bad} ORDER BY _row LIMIT {MAX_PROBLEMS_PER_FILE}").fetchall()
    n = len(checks)
    found = [(r[0], i, r[1 + i]) for r in rows for i in range(n) if r[1 + n + i]]
    return found, (rows[0][-1] if rows else 0)


def _key_problems(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> list[Problem]:
    """R004: each key (and in-force rule) of the format over the staged rows, set-based."""
    problems: list[Problem] = []
    for key in staged.fmt.keys:
        cols = ", ".join(key.columns)
        present = " AND ".join(f"{c} IS NOT NULL" for c in key.columns)
        found = con.execute(
            f"SELECT {cols}, count(*), min(rowid), max(rowid) FROM {STAGE} WHERE ({key.where}) AND {present} "
            f"GROUP BY {cols} HAVING count(*) > 1 ORDER BY min(rowid) LIMIT {MAX_PROBLEMS_PER_FILE}").fetchall()
        header = staged.fmt.header_of(key.columns[0])
        for *values, n, first, last in found:
            shown = " / ".join(show(v) for v in values)
            problems.append(Problem(staged.name, "R004", f"row {last + 2}, column {header}",
                                    f"{key.what} {shown} appears {n} times in this file (first in row {first + 2})"))
    return problems


def find_problems(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> list[Problem]:
    """Every R003 and R004 rule over STAGE; the first MAX_PROBLEMS_PER_FILE problems by row."""
    fmt = staged.fmt
    found, failing_rows = _value_problems(con, staged)
    problems = [Problem(staged.name, "R003", f"row {row + 2}, column {fmt.header_of(fmt.checks[i].column)}",
                        f"{'empty' if value is None else show(value)}: must be {fmt.checks[i].rule}")
                for row, i, value in found]
    problems += _key_problems(con, staged)
    problems.sort(key=lambda p: (int(p.path.split(",")[0].split()[1]), p.path, p.code))
    total = len(problems) + max(0, failing_rows - len({row for row, _, _ in found}))
    problems = problems[:MAX_PROBLEMS_PER_FILE]
    _note_more(problems, total)
    return problems


def switch_snapshot(con: duckdb.DuckDBPyConnection, staged: StagedFile, as_of: dt.date) -> int:
    """Make the staged file its source's snapshot in use (raw table and raw.ref_sources); returns its rows."""
    fmt = staged.fmt
    if fmt.keep != "true":
        con.execute(f"DELETE FROM {STAGE} WHERE NOT ({fmt.keep})")
    if fmt.kind == REGISTER:
        con.execute("DELETE FROM raw.ref_certificates WHERE source = ?", [staged.source])
        con.execute(f"INSERT INTO raw.ref_certificates SELECT ?, scheme, certificate_id, holder_lei, holder_name, "
                    f"status, CAST(valid_from AS DATE), CAST(valid_until AS DATE), source_url, ? FROM {STAGE}",
                    [staged.source, staged.sha256])
        con.execute(f"DROP TABLE {STAGE}")
    else:
        con.execute(f"DROP TABLE raw.{fmt.table}")
        con.execute(f"ALTER TABLE {STAGE} RENAME TO {fmt.table}")
    con.execute("UPDATE raw.ref_sources SET in_use = false WHERE source = ?", [staged.source])
    known = con.execute("SELECT count(*) FROM raw.ref_sources WHERE source = ? AND file_sha256 = ?",
                        [staged.source, staged.sha256]).fetchone()[0]
    if known:
        con.execute("UPDATE raw.ref_sources SET in_use = true WHERE source = ? AND file_sha256 = ?",
                    [staged.source, staged.sha256])
    else:
        con.execute("INSERT INTO raw.ref_sources VALUES (?, ?, ?, ?, ?, ?, true)",
                    [staged.source, fmt.kind, staged.name, staged.sha256, staged.rows, as_of])
    return staged.rows
