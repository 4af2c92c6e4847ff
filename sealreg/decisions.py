"""The regulator decision log: `<home>/decisions/log.jsonl`, append-only and hash-chained.

One JSON object per line (UTF-8, `\\n`-terminated)::

    {"action": "suspend", "decided_at": "2026-03-01T09:30:00Z", "decided_by": "...",
     "decision_id": "dec-000001", "hash": "<64 hex>", "prev_hash": "<64 hex>",
     "reason": "...", "seq": 1, "service_id": "..."}

`hash` = sha256 (hex) of the canonical JSON of the record without `hash` (keys sorted, separators
`,` and `:`, non-ASCII kept as UTF-8); `prev_hash` = the previous record's `hash`, or 64 zeros for
the first. Changing, inserting, reordering or removing any line (other than the last ones) breaks
the chain; cutting off the tail is detected against a release's manifest (`decision_log_head`).

Appends take an exclusive `fcntl.flock` on the log, re-read and check the chain, and write the
whole line with one `write(2)` on an `O_APPEND` descriptor followed by `fsync`, so concurrent
`sealreg decide` calls are serialised and never interleave.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingestion.text import text_problem
from sealreg.config import RegistryHome
from sealreg.durable import fsync_dir
from sealreg.errors import SealregError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from sealreg.config import RunContext

ACTIONS = ("suspend", "revoke", "reinstate", "transfer", "withdraw")
TRANSFER = "transfer"  # gives a service id to another provider (field `to_provider`, only in these records)
TO_PROVIDER = "to_provider"
_PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
#: What a suspend or revoke in force makes of the service's status.
STATUS_OF = {"suspend": "suspended", "revoke": "revoked"}
GENESIS_HASH = "0" * 64
FIELDS = (
    "decision_id",
    "seq",
    "service_id",
    "action",
    "reason",
    "decided_by",
    "decided_at",
    "prev_hash",
    "key_sha256",
    "hash",
    "signature",
)
#: Columns of `raw.decisions` (the signature fields stay in the log and in the release's copy of it).
ROW_FIELDS = tuple(f for f in FIELDS if f not in ("key_sha256", "signature"))
#: Written only when given, so records without them hash as before: the legal basis of the decision,
#: and for a `withdraw` the decision id it withdraws (an erroneous decision; the log stays append-only).
OPTIONAL_FIELDS = ("legal_basis", "withdraws")
#: `--by` names an official's role or staff id (e.g. `registry-officer-2`, `ANSSI`), never a personal name.
DECIDED_BY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")
#: Environment switch that lets `--by` hold a personal name (published as given).
PERSONAL_NAMES_ENV = "SEALREG_PUBLISH_PERSONAL_NAMES"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_DECIDED_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class DecisionRefused(SealregError, ValueError):
    """The decision was not recorded (nothing was written)."""


class DecisionLogError(SealregError, ValueError):
    """The decision log is damaged: its hash chain does not verify."""


# --- paths -----------------------------------------------------------------------------------
def log_path(ctx_or_home: "RunContext | RegistryHome | Path | str") -> Path:
    return RegistryHome.of(ctx_or_home).decisions_log


# --- the chain -------------------------------------------------------------------------------
def canonical_json(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record_hash(record: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of the record without its `hash` and `signature` fields."""
    hashed = {k: v for k, v in record.items() if k not in ("hash", "signature")}
    return hashlib.sha256(canonical_json(hashed)).hexdigest()


def signature_problems(records: list[dict[str, Any]], public_keys: dict[str, bytes]) -> list[str]:
    """One line per record whose `signature` is not an Ed25519 signature of its `hash` by the key
    `key_sha256` names, among `public_keys` (fingerprint -> public PEM)."""
    from sealreg.publish.signing import verify_signature

    problems = []
    for rec in records:
        pem = public_keys.get(rec["key_sha256"]) if isinstance(rec["key_sha256"], str) else None
        if pem is None:
            problems.append(f"line {rec['seq']}: signed by key {rec['key_sha256']!r}, not a key of this registry")
        elif not isinstance(rec["signature"], str) or not verify_signature(pem, rec["hash"].encode("ascii"),
                                                                          rec["signature"]):
            problems.append(f"line {rec['seq']}: signature does not verify (record forged or re-hashed)")
    return problems


def head_problem(records: list[dict[str, Any]], head: dict[str, Any] | None, release: str) -> str | None:
    """Why the log does not extend `head` (a release's `decision_log_head`), or None when it does."""
    if not head:
        return None
    seq = head.get("seq")
    if not isinstance(seq, int) or seq < 1 or seq > len(records):
        return (f"release {release} rests on decision {seq}, which the log (with {len(records)} record(s)) "
                "no longer holds: log truncated or replaced")
    if records[seq - 1]["hash"] != head.get("hash"):
        return f"line {seq}: not the decision release {release} rests on: log rewritten"
    return None


def format_decided_at(value: dt.datetime) -> str:
    """UTC ISO 8601 to the second with a `Z` (naive datetimes are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_lines(data: bytes) -> tuple[list[tuple[int, Any]], list[str]]:
    """(line number, parsed value) of an append-only log's complete lines, up to the first that is not JSON, and
    the problems found (an incomplete last line, a line that is not JSON)."""
    problems: list[str] = []
    if data and not data.endswith(b"\n"):
        last_line = data.count(b"\n") + 1
        problems.append(f"line {last_line}: incomplete last line (no newline)")
        data = data[: data.rfind(b"\n") + 1]
    lines: list[tuple[int, Any]] = []
    for lineno, raw in enumerate(data.splitlines(), start=1):
        try:
            lines.append((lineno, json.loads(raw.decode("utf-8"))))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            problems.append(f"line {lineno}: not valid JSON ({e})")
            break
    return lines, problems


def check_chain(data: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse and check the log's bytes; return (records parsed up to the first break, problems).

    Problems name the 1-based line number. Checking stops at the first broken link: every later
    record depends on it.
    """
    records: list[dict[str, Any]] = []
    prev_hash = GENESIS_HASH
    lines, problems = json_lines(data)
    for lineno, rec in lines:
        where = f"line {lineno}"
        extra = {TO_PROVIDER} if isinstance(rec, dict) and rec.get("action") == TRANSFER else set()
        needed = set(FIELDS) | extra
        if not isinstance(rec, dict) or not needed <= set(rec) <= needed | set(OPTIONAL_FIELDS):
            got = sorted(rec) if isinstance(rec, dict) else type(rec).__name__
            problems.append(f"{where}: expected fields {sorted(FIELDS)} (and optionally "
                            f"{', '.join(OPTIONAL_FIELDS)}), got {got}")
            break
        expected_seq = len(records) + 1
        if rec["seq"] != expected_seq or isinstance(rec["seq"], bool):
            problems.append(f"{where}: seq is {rec['seq']!r}, expected {expected_seq}")
            break
        if rec["decision_id"] != f"dec-{expected_seq:06d}":
            problems.append(f"{where}: decision_id is {rec['decision_id']!r}, expected dec-{expected_seq:06d}")
            break
        if rec["prev_hash"] != prev_hash:
            problems.append(f"{where}: prev_hash does not match the hash of the previous record")
            break
        if not isinstance(rec["hash"], str) or not _HEX64.match(rec["hash"]) or rec["hash"] != record_hash(rec):
            problems.append(f"{where}: hash does not match the record's content (record altered)")
            break
        if rec["action"] not in ACTIONS:
            problems.append(f"{where}: unknown action {rec['action']!r}")
            break
        if (rec["action"] == "withdraw") != ("withdraws" in rec):
            problems.append(f"{where}: a withdraw (and only a withdraw) names the decision it withdraws")
            break
        if not isinstance(rec["decided_at"], str) or not _DECIDED_AT.match(rec["decided_at"]):
            problems.append(f"{where}: decided_at {rec['decided_at']!r} is not UTC ISO (YYYY-MM-DDTHH:MM:SSZ)")
            break
        records.append(rec)
        prev_hash = rec["hash"]
    return records, problems


def _read_locked(path: Path) -> bytes:
    """The log's bytes, read under a shared lock (so no half-written append is seen)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return b""
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        try:
            with os.fdopen(os.dup(fd), "rb") as f:
                return f.read()
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# --- public API ------------------------------------------------------------------------------
def effective_decision(records: list[dict[str, Any]], service_id: str) -> dict[str, Any] | None:
    """The decision of the log that sets the service's status: its latest (decided_at, seq) suspend,
    revoke or reinstate that no withdraw names, or None. The log's own consistency check for
    `append_decision`; what is published is decided by dbt (`int_decisions__flagged`)."""
    withdrawn = {r["withdraws"] for r in records if r["action"] == "withdraw"}
    own = [r for r in records if r["service_id"] == service_id and r["action"] in ("suspend", "revoke", "reinstate")
           and r["decision_id"] not in withdrawn]
    return max(own, key=lambda r: (r["decided_at"], r["seq"]), default=None)


def status_after(
    ctx_or_home: "RunContext | RegistryHome | Path | str", record: dict[str, Any]
) -> tuple[str | None, str | None]:
    """(status, decision id) the decisions set for the record's service once `record` is in the log
    (None, None: no decision in force, the disclosure's own status applies)."""
    records, _ = check_chain(_read_locked(log_path(ctx_or_home)))
    decision = effective_decision([*records, record], record["service_id"])
    status = STATUS_OF.get(decision["action"]) if decision else None
    return status, decision["decision_id"] if status else None


def _refuse_no_op(records: list[dict[str, Any]], record: dict[str, Any]) -> None:
    """DecisionRefused when the decision would change nothing (or withdraws something it cannot)."""
    sid, action = record["service_id"], record["action"]
    if action == TRANSFER:  # gives the id to another provider; checked by _check_arguments
        return
    if action == "withdraw":
        target = next((r for r in records if r["decision_id"] == record["withdraws"]), None)
        if target is None or target["service_id"] != sid:
            raise DecisionRefused(f"{record['withdraws']!r} is not a decision about {sid}")
        if target["action"] == "withdraw":
            raise DecisionRefused(f"{target['decision_id']} is itself a withdrawal; it cannot be withdrawn")
        done = next((r for r in records if r.get("withdraws") == target["decision_id"]), None)
        if done:
            raise DecisionRefused(f"{target['decision_id']} was already withdrawn by {done['decision_id']}")
        return
    before = effective_decision(records, sid)
    now = STATUS_OF.get(before["action"]) if before else None
    named = f"{now} by {before['decision_id']}" if now else "not suspended or revoked"
    if before is not None and record["decided_at"] < before["decided_at"]:
        raise DecisionRefused(f"{sid}: decided_at {record['decided_at']} is before {before['decision_id']} "
                              f"({before['decided_at']}); the decision would not take effect")
    if action == "reinstate" and now is None:
        raise DecisionRefused(f"{sid} is {named}: there is nothing to reinstate")
    if now == STATUS_OF.get(action):
        raise DecisionRefused(f"{sid} is already {named}: a second {action} would change nothing "
                              "(to correct the first, withdraw it)")
    if now == "revoked" and action == "suspend":
        raise DecisionRefused(f"{sid} is {named}: a suspension would lift the revocation "
                              f"(reinstate it, or withdraw {before['decision_id']} if it was an error)")


def _check_arguments(service_id, action, reason, decided_by, known_service_ids, legal_basis, withdraws,
                     to_provider) -> None:
    if not isinstance(service_id, str) or not service_id.strip():
        raise DecisionRefused("service id is empty")
    if (action == TRANSFER) != (to_provider is not None):
        raise DecisionRefused("a transfer, and only a transfer, names the provider the service goes to (--to)")
    if action == TRANSFER and not (_PROVIDER_ID.match(service_id) and _PROVIDER_ID.match(to_provider)):
        raise DecisionRefused("a transfer needs a service id and a provider id (lower case letters, digits, '-')")
    if service_id not in known_service_ids and action != TRANSFER:  # a transfer may settle a new, contested id
        raise DecisionRefused(f"unknown service {service_id!r}: not in the current release")
    if action not in ACTIONS:
        raise DecisionRefused(f"action must be one of {', '.join(ACTIONS)}, got {action!r}")
    if not isinstance(reason, str) or not reason.strip():
        raise DecisionRefused("a reason is required")
    if not isinstance(decided_by, str) or not decided_by.strip():
        raise DecisionRefused("the deciding official's role or id (--by) is required")
    if legal_basis is not None and (not isinstance(legal_basis, str) or not legal_basis.strip()):
        raise DecisionRefused("--legal-basis is empty")
    for label, text, multiline in (("the reason", reason, True), ("--by", decided_by, False),
                                   ("--legal-basis", legal_basis or "", False)):
        if why := text_problem(text.strip(), multiline):
            raise DecisionRefused(f"{label} {why}")
    if not DECIDED_BY.match(decided_by.strip()) and os.environ.get(PERSONAL_NAMES_ENV) != "1":
        raise DecisionRefused(f"--by {decided_by.strip()!r}: give the official's role or staff id (letters, digits, "
                              f". _ : / -, no spaces, e.g. registry-officer-2); personal names are not published "
                              f"unless {PERSONAL_NAMES_ENV}=1")
    if (action == "withdraw") != bool(withdraws):
        raise DecisionRefused("a withdraw names the decision it withdraws (--withdraws DECISION_ID), "
                              "and only a withdraw does")


def _new_record(records, service_id, action, reason, decided_by, when, legal_basis, withdraws, to_provider,
                key: "Ed25519PrivateKey | None" = None) -> dict[str, Any]:
    """The next record of the log, signed with `key` (unsigned for a dry run); refused when a no-op."""
    from sealreg.publish.signing import public_key_fingerprint, public_key_pem, sign

    seq = len(records) + 1
    record: dict[str, Any] = {
        "decision_id": f"dec-{seq:06d}",
        "seq": seq,
        "service_id": service_id,
        "action": action,
        "reason": reason.strip(),
        "decided_by": decided_by.strip(),
        "decided_at": when,
        "prev_hash": records[-1]["hash"] if records else GENESIS_HASH,
    }
    if legal_basis is not None:
        record["legal_basis"] = legal_basis.strip()
    if withdraws:
        record["withdraws"] = withdraws
    if action == TRANSFER:
        record[TO_PROVIDER] = to_provider
    _refuse_no_op(records, record)
    if key is not None:
        record["key_sha256"] = public_key_fingerprint(public_key_pem(key))
    record["hash"] = record_hash(record)
    if key is not None:
        record["signature"] = sign(record["hash"].encode("ascii"), key)
    return record


def append_decision(
    ctx_or_home: "RunContext | RegistryHome | Path | str",
    service_id: str,
    action: str,
    reason: str,
    decided_by: str,
    known_service_ids: set[str],
    decided_at: dt.datetime | None = None,
    to_provider: str | None = None,
    *,
    legal_basis: str | None = None,
    withdraws: str | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Append one decision to the home's log and return the record written (with `dry_run`, the
    record that would be written; nothing is written).

    Raises DecisionRefused (nothing written) for an unknown service, an unknown action, an empty
    reason, a `decided_by` that is not a role or id, a decision that would change nothing (a second
    suspension, a reinstatement of a service in good standing, ...), a withdraw that names no
    withdrawable decision of the service, or a damaged existing log (a broken chain is never extended).
    """
    _check_arguments(service_id, action, reason, decided_by, known_service_ids, legal_basis, withdraws, to_provider)
    when = format_decided_at(decided_at or dt.datetime.now(dt.timezone.utc))

    path = log_path(ctx_or_home)
    if dry_run:
        records, problems = check_chain(_read_locked(path))
        if problems:
            raise DecisionRefused(f"the decision log is damaged, fix it first: {path}: " + "; ".join(problems))
        return _new_record(records, service_id, action, reason, decided_by, when, legal_basis, withdraws,
                           to_provider)
    from sealreg.publish.keys import KeyChangeRefused, decision_signing_key
    from sealreg.publish.signing import KeyFileError

    try:
        key = decision_signing_key(RegistryHome.of(ctx_or_home))
    except (KeyChangeRefused, KeyFileError) as exc:
        raise DecisionRefused(f"cannot sign the decision: {exc}") from None
    created_dir = not path.parent.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            size = os.fstat(fd).st_size
            existing = os.pread(fd, size, 0) if size else b""
            records, problems = check_chain(existing)
            if problems:  # a damaged chain is never extended
                raise DecisionRefused(f"the decision log is damaged, fix it first: {path}: " + "; ".join(problems))
            record = _new_record(records, service_id, action, reason, decided_by, when, legal_basis,
                                 withdraws, to_provider, key)
            line = canonical_json(record) + b"\n"
            written = os.write(fd, line)
            if written != len(line):  # pragma: no cover - regular files do not short-write
                os.ftruncate(fd, size)
                raise OSError(f"short write to {path}")
            os.fsync(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    if size == 0:  # new file: make its directory entry durable too
        fsync_dir(path.parent)
        if created_dir:
            fsync_dir(path.parent.parent)
    return record


def read_decisions(ctx_or_home: "RunContext | RegistryHome | Path | str") -> list[dict[str, Any]]:
    """Every decision of the log, chain-checked, as rows shaped like `raw.decisions`.

    `decided_at` is a naive UTC `datetime` (DuckDB `TIMESTAMP`). No log yet → []. Raises
    DecisionLogError naming the line when the chain is broken, a record is not signed by a key of
    the registry, or the log does not extend the head recorded in the last release.
    """
    from sealreg.publish.chain import latest_release
    from sealreg.publish.keys import home_public_keys

    home = RegistryHome.of(ctx_or_home)
    path = home.decisions_log
    records, problems = check_chain(_read_locked(path))
    if not problems and records:
        problems = signature_problems(records, home_public_keys(home.keys))
    latest = latest_release(home.releases)
    if not problems and latest:
        last_dir, last = latest
        why = head_problem(records, last.get("decision_log_head"), last_dir.name)
        problems = [why] if why else []
    if problems:
        raise DecisionLogError(f"{path}: " + "; ".join(problems))
    rows = []
    for rec in records:
        extra = (TO_PROVIDER,) if rec["action"] == TRANSFER else ()
        row = {k: rec.get(k) for k in ROW_FIELDS + OPTIONAL_FIELDS + extra}
        row["decided_at"] = dt.datetime.strptime(rec["decided_at"], "%Y-%m-%dT%H:%M:%SZ")
        rows.append(row)
    return rows


def known_service_ids_from_current(ctx_or_home: "RunContext | RegistryHome | Path | str") -> set[str]:
    """Service ids of the current release: its `services` table plus its `service_history`.

    Opens `current/registry.duckdb` read-only; no current release → empty set.
    """
    import duckdb

    db = RegistryHome.of(ctx_or_home).current_database
    if not db.is_file():
        return set()
    con = duckdb.connect(str(db.resolve()), read_only=True)
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()}
        ids: set[str] = set()
        for t in ("services", "service_history"):
            if t in tables:
                ids.update(r[0] for r in con.execute(f'SELECT DISTINCT service_id FROM main."{t}"').fetchall()
                           if r[0] is not None)
        return ids
    finally:
        con.close()
