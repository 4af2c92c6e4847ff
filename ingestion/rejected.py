"""Rejected files as a regulator forwards them: who sent each one, and since when it has been rejected.

A file rejected again with the same name, the same bytes and the same problems (codes and paths) as at
the last ingest is *still rejected*: it keeps the date it was first rejected and the quarantine folder
that holds its copy, and is not quarantined again. The memory is `raw.rejected_files`, rewritten by
every ingest with the files rejected then (it reaches the next run through the baseline warehouse).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from sealreg.config import quarantine_run_id
from sealreg.errors import Problem

REJECTED_FILES_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("file_name", pa.string()),
    ("file_sha256", pa.string()),
    ("problems_key", pa.string()),  # sha256 of the (code, path) pairs: the reasons, not their wording
    ("rejected_since", pa.date32()),
    ("quarantined_in", pa.string()),  # folder under <home>/quarantine/ holding the copy and errors.json
]


@dataclass(frozen=True, slots=True)
class Sender:
    """The provider a file names, each field only if it passed its own checks (None: unknown)."""

    provider_id: str | None = None
    provider_name: str | None = None


NO_SENDER = Sender()


@dataclass(frozen=True, slots=True)
class RejectedFile:
    """One rejected file of this run: its problems, sender, first rejection date and quarantine folder."""

    file_name: str
    file_sha256: str | None
    problems: tuple[Problem, ...]
    sender: Sender
    rejected_since: dt.date
    quarantined_in: str
    still: bool  # rejected as it was at the last ingest: not quarantined again

    @property
    def problems_key(self) -> str:
        return problems_key(self.problems)

    @property
    def quarantine_run(self) -> str:
        """The run that quarantined the copy (what the published `rejections.quarantined_in` names)."""
        return quarantine_run_id(self.quarantined_in)


def problems_key(problems: Sequence[Problem]) -> str:
    """Digest of a file's reasons (codes and paths; messages may name the evaluation date)."""
    pairs = sorted({(p.code, p.path) for p in problems})
    return hashlib.sha256(json.dumps(pairs, ensure_ascii=True).encode("ascii")).hexdigest()


@dataclass(frozen=True, slots=True)
class Earlier:
    """What the last ingest recorded for a rejected (file name, sha256)."""

    problems_key: str
    rejected_since: dt.date
    quarantined_in: str


def read_earlier(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str | None], Earlier]:
    """(file name, sha256) -> the last ingest's record of that rejected file."""
    rows = con.execute("SELECT file_name, file_sha256, problems_key, rejected_since, quarantined_in "
                       "FROM raw.rejected_files").fetchall()
    return {(name, sha): Earlier(key, since, folder) for name, sha, key, since, folder in rows}


def judge(file_name: str, file_sha256: str | None, problems: Sequence[Problem], sender: Sender,
          earlier: Mapping[tuple[str, str | None], Earlier], as_of: dt.date, folder: str) -> RejectedFile:
    """This run's record of a rejected file: still rejected (the last ingest's date and folder) or new."""
    found = tuple(problems)
    before = earlier.get((file_name, file_sha256))
    if before is not None and before.problems_key == problems_key(found):
        return RejectedFile(file_name, file_sha256, found, sender, before.rejected_since, before.quarantined_in,
                            True)
    return RejectedFile(file_name, file_sha256, found, sender, as_of, folder, False)


def rejected_files_table(files: Sequence[RejectedFile]) -> pa.Table:
    """The new content of raw.rejected_files (sorted by file name)."""
    ordered = sorted(files, key=lambda f: f.file_name)
    values = [[f.file_name for f in ordered], [f.file_sha256 for f in ordered], [f.problems_key for f in ordered],
              [f.rejected_since for f in ordered], [f.quarantined_in for f in ordered]]
    return pa.table({name: pa.array(col, type=t) for (name, t), col in zip(REJECTED_FILES_COLUMNS, values,
                                                                           strict=True)})
