"""Per-file validation outcomes kept between runs (`raw.file_cache`), for the incremental ingest.

An entry is keyed by the sha256 of the file's bytes. Single-file validation depends only on the bytes,
on the code of this package (the `validator` fingerprint) and on the evaluation date, and on the date
only through comparisons "date > as_of" (submitted_at, cada audit dates; `Checker.after`). The entry
records `horizon`, the latest date so compared, and the `as_of` it holds for. It is reused for the
evaluation date B when B == as_of, or when horizon <= as_of and horizon <= B (no date rule fired at
either date, so the outcome — problems and messages included — is the same). A reused entry is
restamped with B, so the cache holds exactly what a full ingest on the same night would write.

The cache lives in the warehouse, so it reaches the next run through the baseline copy, in the same
transaction as the raw rows it describes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion.problems import INTERNAL_ERROR
from ingestion.rejected import Sender
from ingestion.rulebook import CRITERIA_CSV
from ingestion.spdx import SPDX_PACKAGES
from ingestion.validate import Accepted, Outcome
from sealreg.errors import Problem

CACHE_COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("file_sha256", pa.string(), "VARCHAR"),
    ("validator", pa.string(), "VARCHAR"),
    ("as_of", pa.date32(), "DATE"),
    ("horizon", pa.date32(), "DATE"),
    ("status", pa.string(), "VARCHAR"),  # valid | invalid (single-file rules; E013 is decided every run)
    ("problems_json", pa.string(), "VARCHAR"),  # [[code, path, message], ...] without the file name
    ("disclosure_id", pa.string(), "VARCHAR"),
    ("provider_id", pa.string(), "VARCHAR"),
    ("submitted_at", pa.timestamp("us"), "TIMESTAMP"),
    ("service_ids", pa.list_(pa.string()), "VARCHAR[]"),
    ("provider_name", pa.string(), "VARCHAR"),  # provider_id and provider_name: invalid files too, when known
]
CACHE_DDL = "CREATE TABLE raw.file_cache (" + ", ".join(f"{n} {t}" for n, _, t in CACHE_COLUMNS) + ")"


@lru_cache(maxsize=1)
def validator_fingerprint() -> str:
    """sha256 over the code and reference data that decide a file's outcome and its raw rows: every
    ingestion/*.py and *.sql, the criteria seed, the versions of the SPDX libraries (the licence check) and
    of DuckDB (it reads and checks reference files and loads the raw rows). Another version never reuses
    this one's cache or remembered rejections."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*here.glob("*.py"), *here.glob("*.sql"), CRITERIA_CSV]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for package in (*SPDX_PACKAGES, "duckdb"):
        digest.update(f"{package}=={version(package)}".encode() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    """The single-file outcome of one content (sha256), with what E013 needs for valid files."""

    sha256: str
    as_of: dt.date
    horizon: dt.date | None
    problems: tuple[tuple[str, str, str], ...]  # empty: valid
    disclosure_id: str | None = None
    provider_id: str | None = None
    submitted_at: dt.datetime | None = None
    service_ids: tuple[str, ...] = ()
    provider_name: str | None = None

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def internal_error(self) -> bool:
        return any(code == INTERNAL_ERROR for code, _, _ in self.problems)

    def reusable(self, as_of: dt.date) -> bool:
        if as_of == self.as_of:
            return True
        return self.horizon is None or (self.horizon <= self.as_of and self.horizon <= as_of)

    def at(self, as_of: dt.date) -> Entry:
        """This entry restamped for `as_of` (only after `reusable(as_of)`)."""
        return self if as_of == self.as_of else replace(self, as_of=as_of)

    @property
    def sender(self) -> Sender:
        return Sender(self.provider_id, self.provider_name)

    def problems_of(self, file_name: str) -> list[Problem]:
        return [Problem(file_name, code, path, message) for code, path, message in self.problems]

    def candidate(self, file_name: str) -> Accepted:
        """The slim Accepted that `resolve_conflicts` (E013) reads."""
        doc = {"disclosure_id": self.disclosure_id, "provider": {"provider_id": self.provider_id},
               "services": [{"service_id": sid} for sid in self.service_ids]}
        return Accepted(file_name, doc, self.submitted_at)

    @classmethod
    def of(cls, sha256: str, as_of: dt.date, outcome: Outcome, submitted_at: dt.datetime | None) -> Entry:
        sender = outcome.sender
        if outcome.doc is None:
            return cls(sha256, as_of, outcome.horizon, tuple((p.code, p.path, p.message) for p in outcome.problems),
                       provider_id=sender.provider_id, provider_name=sender.provider_name)
        doc = outcome.doc
        return cls(sha256, as_of, outcome.horizon, (), doc["disclosure_id"], doc["provider"]["provider_id"],
                   submitted_at, tuple(s["service_id"] for s in doc["services"]), sender.provider_name)


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create raw.file_cache, or recreate it if an older layout is found (its content is then useless)."""
    found = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'raw' "
                        "AND table_name = 'file_cache' ORDER BY ordinal_position").fetchall()
    if found == [(n, t) for n, _, t in CACHE_COLUMNS]:
        return
    con.execute("DROP TABLE IF EXISTS raw.file_cache")
    con.execute(CACHE_DDL)


def read_cache(con: duckdb.DuckDBPyConnection) -> dict[str, Entry]:
    """sha256 -> entry, only entries written by this validator version."""
    rows = con.execute("SELECT file_sha256, as_of, horizon, problems_json, disclosure_id, provider_id, submitted_at, "
                       "service_ids, provider_name FROM raw.file_cache WHERE validator = ?",
                       [validator_fingerprint()]).fetchall()
    out = {}
    for sha, as_of, horizon, problems, did, pid, submitted, sids, pname in rows:
        out[sha] = Entry(sha, as_of, horizon, tuple(tuple(p) for p in json.loads(problems)), did, pid, submitted,
                         tuple(sids or ()), pname)
    return out


def read_loaded(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """file_name -> (sha256, disclosure_id) of the files whose rows the warehouse holds and may keep: accepted
    by the last ingest, loaded with that name and content, by this validator version."""
    rows = con.execute(
        "SELECT i.file_name, i.file_sha256, i.disclosure_id FROM raw.input_files i "
        "JOIN raw.disclosures d ON d.disclosure_id = i.disclosure_id AND d.file_name = i.file_name "
        "AND d.file_sha256 = i.file_sha256 "
        "WHERE i.status = 'accepted' AND i.file_sha256 IN "
        "(SELECT file_sha256 FROM raw.file_cache WHERE validator = ?)", [validator_fingerprint()]).fetchall()
    return {name: (sha, did) for name, sha, did in rows}


def cache_table(entries: dict[str, Entry]) -> pa.Table:
    """The new content of raw.file_cache (sorted by sha256)."""
    validator = validator_fingerprint()
    cols: list[list] = [[] for _ in CACHE_COLUMNS]
    for sha in sorted(entries):
        e = entries[sha]
        values = (sha, validator, e.as_of, e.horizon, "valid" if e.valid else "invalid",
                  json.dumps([list(p) for p in e.problems], ensure_ascii=True), e.disclosure_id, e.provider_id,
                  e.submitted_at, list(e.service_ids) if e.valid else None, e.provider_name)
        for col, value in zip(cols, values, strict=True):
            col.append(value)
    schema = pa.schema([(n, t) for n, t, _ in CACHE_COLUMNS])
    return pa.Table.from_arrays([pa.array(c, type=t) for c, (_, t, _) in zip(cols, CACHE_COLUMNS, strict=True)],
                                schema=schema)
