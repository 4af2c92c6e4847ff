"""Columnar load of the raw layer: accepted documents -> Arrow tables -> `raw.*` (replacing their content)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from expectations.scope import forget_unkept
from ingestion.checks import parse_date, parse_timestamp
from ingestion.rejected import RejectedFile
from ingestion.rulebook import criteria_rungs
from ingestion.spdx import LicenseIds, parse_license
from ingestion.validate import Accepted
from sealreg.errors import Problem

S, I32, F64, BOOL, DATE, TS, I64 = pa.string(), pa.int32(), pa.float64(), pa.bool_(), pa.date32(), pa.timestamp(
    "us"), pa.int64()
_CADA_FLAGS = ("statement_of_conformity", "subcontractor_register", "data_location_checkable")
_CADA_TAIL = ("support_in_union", "sbom", "no_third_country_ai_training")
_SAFEGUARDS = ("no_delivery_restraint", "no_data_access", "no_continuity_disruption", "no_forced_sanctions")

# Column names and Arrow types, in the order of ingestion/raw_schema.sql (a test checks they agree).
RAW_TABLES: dict[str, list[tuple[str, pa.DataType]]] = {
    "disclosures": [("disclosure_id", S), ("provider_id", S), ("submitted_at", TS), ("legal_name", S),
                    ("country", S), ("lei", S), ("website", S), ("file_name", S), ("file_sha256", S),
                    ("signing_key_fingerprint", S)],
    "ownership": [("disclosure_id", S), ("position", I32), ("holder_id", S), ("holder_name", S), ("country", S),
                  ("capital_pct", F64), ("voting_pct", F64), ("controls", BOOL)],
    "parents": [("disclosure_id", S), ("position", I32), ("entity_id", S), ("name", S), ("country", S),
                ("controlled_by", S), ("controlled_by_name", S), ("controlled_by_country", S)],
    "services": [("disclosure_id", S), ("provider_id", S), ("service_id", S), ("position", I32), ("name", S),
                 ("model", S), ("has_cada", BOOL)] + [(k, BOOL) for k in _CADA_FLAGS]
    + [("has_audit", BOOL), ("audit_auditor", S), ("audit_opinion", S), ("audit_date", DATE),
       ("audit_claimed_level", I32), ("cyber_certificate", S), ("personnel", S)]
    + [(k, BOOL) for k in _CADA_TAIL] + [(f"safeguard_{k}", BOOL) for k in _SAFEGUARDS]
    + [("source_code_access", BOOL), ("no_third_country_kill_switch", BOOL)],
    "service_regions": [("disclosure_id", S), ("service_id", S), ("position", I32), ("region", S)],
    "answers": [("disclosure_id", S), ("service_id", S), ("criterion_id", S), ("rung", I32)],
    "evidence": [("disclosure_id", S), ("service_id", S), ("criterion_id", S), ("url", S), ("note", S)],
    "certifications": [("disclosure_id", S), ("position", I32), ("scheme", S), ("certificate_id", S),
                       ("issuer", S), ("valid_from", DATE), ("valid_until", DATE)],
    "certification_services": [("disclosure_id", S), ("certificate_id", S), ("service_id", S)],
    "service_runs_on": [("disclosure_id", S), ("service_id", S), ("position", I32), ("dependency_service_id", S),
                        ("platform", S), ("operator_name", S), ("operator_country", S)],
    "open_source_licenses": [("disclosure_id", S), ("service_id", S), ("repository", S), ("license", S),
                             ("license_id", S), ("is_exception", BOOL)],
    "decisions": [("decision_id", S), ("seq", I32), ("service_id", S), ("action", S), ("reason", S),
                  ("decided_by", S), ("decided_at", TS), ("prev_hash", S), ("hash", S), ("legal_basis", S),
                  ("withdraws", S)],
    "rejections": [("run_id", S), ("file", S), ("code", S), ("path", S), ("message", S), ("provider_id", S),
                   ("provider_name", S), ("rejected_since", pa.date32()), ("quarantined_in", S)],
    "input_files": [("file_name", S), ("file_sha256", S), ("size_bytes", I64), ("status", S),
                    ("disclosure_id", S)],
}
RUN_TABLES = ("decisions", "rejections", "input_files")  # the rest hold parts of accepted disclosures
DISCLOSURE_TABLES = tuple(t for t in RAW_TABLES if t not in RUN_TABLES)
_CRITERIA = {cid: cid for cid in criteria_rungs()}  # one shared string object per criterion id


@dataclass(frozen=True, slots=True)
class InputFile:
    """One inbox file as seen by this run."""

    file_name: str
    file_sha256: str
    size_bytes: int
    status: str  # accepted | rejected
    disclosure_id: str | None


class _Columns:
    """Per-table column lists filled row by row in one pass, then turned into Arrow tables."""

    def __init__(self) -> None:
        self.cols = {t: tuple([] for _ in spec) for t, spec in RAW_TABLES.items()}

    def add(self, table: str, *values: object) -> None:
        for column, value in zip(self.cols[table], values, strict=True):
            column.append(value)

    def extend(self, table: str, *columns: Iterable[object]) -> None:
        """Append many rows given column-wise (equal lengths)."""
        for column, values in zip(self.cols[table], columns, strict=True):
            column.extend(values)

    def table(self, name: str) -> pa.Table:
        """The Arrow table of `name`; its Python lists are released (call once per table)."""
        spec = RAW_TABLES[name]
        columns, self.cols[name] = self.cols[name], tuple([] for _ in spec)
        arrays = []
        for i, (_, typ) in enumerate(spec):
            arrays.append(pa.array(columns[i], type=typ))
            columns[i].clear()
        return pa.Table.from_arrays(arrays, schema=pa.schema(spec))


def _add_document(c: _Columns, a: Accepted, sha256: str) -> None:
    doc, did = a.doc, a.disclosure_id
    p = doc["provider"]
    c.add("disclosures", did, p["provider_id"], a.submitted_at, p["legal_name"], p["country"], p.get("lei"),
          p.get("website"), a.file_name, sha256, None)  # the fingerprint is set by record_signatures
    for i, o in enumerate(doc["ownership"]):
        c.add("ownership", did, i, o["holder_id"], o["holder_name"], o["country"], float(o["capital_pct"]),
              float(o["voting_pct"]), o["controls"])
    for i, e in enumerate(doc["parents"]):
        c.add("parents", did, i, e["entity_id"], e["name"], e["country"], e["controlled_by"],
              e["controlled_by_name"], e["controlled_by_country"])
    for i, s in enumerate(doc["services"]):
        sid = s["service_id"]
        c.add("services", did, p["provider_id"], sid, i, s["name"], s["model"], *_cada_columns(s.get("cada")))
        for j, region in enumerate(s["regions"]):
            c.add("service_regions", did, sid, j, region)
        for j, item in enumerate(s.get("runs_on", ())):
            c.add("service_runs_on", did, sid, j, item.get("service_id"), item.get("platform"),
                  item.get("operator_name"), item.get("operator_country"))
        answers = s["answers"]
        c.extend("answers", [did] * len(answers), [sid] * len(answers), map(_CRITERIA.__getitem__, answers),
                 answers.values())
        evidence = s.get("evidence", {})
        c.extend("evidence", [did] * len(evidence), [sid] * len(evidence), map(_CRITERIA.__getitem__, evidence),
                 [e["url"] for e in evidence.values()], [e.get("note") for e in evidence.values()])
        if "open_source" in s:
            _add_licenses(c, did, sid, s["open_source"])
    for i, cert in enumerate(doc["certifications"]):
        c.add("certifications", did, i, cert["scheme"], cert["certificate_id"], cert["issuer"],
              parse_date(cert["valid_from"]), parse_date(cert["valid_until"]))
        for sid in cert["services"]:
            c.add("certification_services", did, cert["certificate_id"], sid)


def _add_licenses(c: _Columns, did: str, sid: str, open_source: dict) -> None:
    """One row per distinct licence id and exception id of the (validated) expression."""
    ids = parse_license(open_source["license"])
    assert isinstance(ids, LicenseIds)  # the validator rejected every other expression
    for key, is_exception in [(k, False) for k in ids.licenses] + [(k, True) for k in ids.exceptions]:
        c.add("open_source_licenses", did, sid, open_source["repository"], open_source["license"], key, is_exception)


def _cada_columns(cada: dict | None) -> tuple:
    """The services columns from has_cada on: all null without cada; audit columns null without audit."""
    if cada is None:
        return (False,) + (None,) * 3 + (False,) + (None,) * 15
    audit = cada.get("audit")
    audit_cols = (False, None, None, None, None) if audit is None else (
        True, audit["auditor"], audit["opinion"], parse_date(audit["date"]), audit["claimed_level"])
    sg = cada["safeguards"]
    return ((True,) + tuple(cada[k] for k in _CADA_FLAGS) + audit_cols
            + (cada["cyber_certificate"], cada["personnel"]) + tuple(cada[k] for k in _CADA_TAIL)
            + tuple(sg[k] for k in _SAFEGUARDS) + (cada["source_code_access"], cada["no_third_country_kill_switch"]))


def utc_naive(value: object) -> dt.datetime | None:
    """A timestamp (datetime or ISO string) as naive UTC; naive input is taken as UTC already."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_timestamp(value) or dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"not a timestamp: {value!r}")
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


class RawRows:
    """Rows of the disclosure tables, added one accepted document at a time (so parsed documents need not
    be kept); a document can still be left out when the tables are built (E013 conflicts)."""

    def __init__(self) -> None:
        self.columns = _Columns()
        self._starts: list[tuple[str, dict[str, int]]] = []  # per document: first row in each table

    def add(self, a: Accepted, sha256: str) -> None:
        self._starts.append((a.file_name, {t: len(self.columns.cols[t][0]) for t in DISCLOSURE_TABLES}))
        _add_document(self.columns, a, sha256)

    def keep_only(self, files: set[str]) -> None:
        """Drop the rows of every document whose file is not in `files` (linear, in one pass per table)."""
        if all(name in files for name, _ in self._starts):
            return
        cols = self.columns.cols
        for t in DISCLOSURE_TABLES:
            bounds = [start[t] for _, start in self._starts] + [len(cols[t][0])]
            spans = [(bounds[i], bounds[i + 1]) for i, (name, _) in enumerate(self._starts) if name in files]
            cols[t] = tuple([v for a, b in spans for v in col[a:b]] for col in cols[t])
        self._starts = []  # offsets no longer valid; the builder only serves build_tables from here


def build_tables(
    rows: RawRows, problems: Sequence[Problem], run_id: str, input_files: Sequence[InputFile],
    decisions: Sequence[dict] | None = None, rejected: Mapping[str, RejectedFile] | None = None,
) -> dict[str, pa.Table]:
    """All raw tables as Arrow (decisions only when given): the accepted documents' rows, the rejections,
    the input files and the decisions. `rejected` (file name -> record) gives each problem's sender, first
    rejection date and quarantine folder."""
    c = rows.columns
    for p in problems:
        r = (rejected or {}).get(p.file)
        c.add("rejections", run_id, p.file, p.code, p.path, p.message,
              *((r.sender.provider_id, r.sender.provider_name, r.rejected_since, r.quarantine_run) if r else
                (None, None, None, None)))
    for f in input_files:
        c.add("input_files", f.file_name, f.file_sha256, f.size_bytes, f.status, f.disclosure_id)
    for d in decisions or ():
        c.add("decisions", d.get("decision_id"), d.get("seq"), d.get("service_id"), d.get("action"),
              d.get("reason"), d.get("decided_by"), utc_naive(d.get("decided_at")), d.get("prev_hash"), d.get("hash"),
              d.get("legal_basis"), d.get("withdraws"))
    names = [t for t in RAW_TABLES if t != "decisions" or decisions is not None]
    return {name: c.table(name) for name in names}


def load_tables(
    con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table], keep: Collection[str] | None = None
) -> dict[str, int]:
    """Replace the content of each `raw.<name>` by its Arrow table, in one transaction; returns rows inserted.

    `keep` (incremental ingest): disclosure ids whose rows stay in the disclosure tables; only the other
    rows are deleted there before the insert (one set-based DELETE per table). None deletes everything.
    The raw gate's record of checked disclosures (`expectations.scope`) is kept only for `keep`.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        if keep is not None:
            con.register("_sealreg_keep", pa.table({"disclosure_id": pa.array(sorted(keep), type=S)}))
        forget_unkept(con, None if keep is None else "_sealreg_keep")
        for name, table in tables.items():
            if keep is not None and name in DISCLOSURE_TABLES:
                con.execute(f"DELETE FROM raw.{name} WHERE disclosure_id NOT IN "
                            "(SELECT disclosure_id FROM _sealreg_keep)")
            else:
                con.execute(f"DELETE FROM raw.{name}")
            if table.num_rows == 0:
                continue
            con.register("_sealreg_arrow", table)
            try:
                con.execute(f"INSERT INTO raw.{name} SELECT * FROM _sealreg_arrow")
            finally:
                con.unregister("_sealreg_arrow")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        if keep is not None:
            con.unregister("_sealreg_keep")
    return {name: table.num_rows for name, table in tables.items()}


def record_signatures(con: duckdb.DuckDBPyConnection, fingerprints: dict[str, str | None]) -> None:
    """Set `raw.disclosures.signing_key_fingerprint` of every loaded file (null: not signed) in one UPDATE, kept
    rows included (a signature can appear or change while the disclosure's bytes stay the same)."""
    table = pa.table({"file_name": pa.array(list(fingerprints), type=S),
                      "fingerprint": pa.array(list(fingerprints.values()), type=S)})
    con.register("_sealreg_signed", table)
    try:
        con.execute("UPDATE raw.disclosures SET signing_key_fingerprint = (SELECT s.fingerprint FROM _sealreg_signed s "
                    "WHERE s.file_name = raw.disclosures.file_name)")
    finally:
        con.unregister("_sealreg_signed")
