"""The provider key register: `<home>/providers/keys.jsonl`, append-only and hash-chained like the decision log.

One JSON object per line::

    {"action": "enroll", "entry_id": "key-000001", "fingerprint": "<64 hex>", "prev_hash": "<64 hex>",
     "hash": "<64 hex>", "provider_id": "...", "public_key": "<PEM>", "recorded_at": "...Z",
     "recorded_by": "...", "seq": 1}

`action` is `enroll` (the provider's first key), `rotate` (a new key becomes the one new submissions must be
signed with; earlier keys still verify the files already accepted) or `revoke` (every key of the provider is
withdrawn: nothing of the provider is accepted until it enrols a new key). `hash` and `prev_hash` are computed
as in the decision log (`sealreg.decisions.record_hash`); a broken chain stops the run.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ingestion.rulebook import PROVIDER_ID
from ingestion.text import text_problem
from sealreg.config import RegistryHome
from sealreg.decisions import GENESIS_HASH, canonical_json, format_decided_at, json_lines, record_hash
from sealreg.errors import SealregError

ACTIONS = ("enroll", "rotate", "revoke")
FIELDS = ("entry_id", "seq", "provider_id", "action", "public_key", "fingerprint", "recorded_at", "recorded_by",
          "prev_hash", "hash")


class RegisterError(SealregError, ValueError):
    """The key register is damaged (its chain does not verify) or an entry was refused (nothing written)."""


@dataclass
class ProviderKeys:
    """The keys of one enrolled provider: `current` signs new submissions; `valid` (not revoked) verify files
    already accepted."""

    provider_id: str
    current: str | None = None  # fingerprint; None after a revocation
    valid: dict[str, bytes] = field(default_factory=dict)  # fingerprint -> public key PEM

    def key(self, fingerprint: str | None) -> bytes | None:
        return self.valid.get(fingerprint) if fingerprint else None


def register_path(home: "RegistryHome | Path | str") -> Path:
    """The key register of a home (a RegistryHome, a run context or the home's path)."""
    return RegistryHome.of(home).provider_keys


def load_public_key(pem: bytes) -> tuple[bytes, str]:
    """(normalised SubjectPublicKeyInfo PEM, fingerprint = sha256 hex of the raw 32 bytes) of an Ed25519 key."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise RegisterError(f"not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise RegisterError("not an Ed25519 public key")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    norm = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return norm, hashlib.sha256(raw).hexdigest()


def check_register(data: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse and check the register's bytes: (records up to the first break, problems naming the line)."""
    records: list[dict[str, Any]] = []
    prev = GENESIS_HASH
    lines, problems = json_lines(data)
    for lineno, rec in lines:
        where = f"line {lineno}"
        if not isinstance(rec, dict) or set(rec) != set(FIELDS):
            problems.append(f"{where}: expected fields {sorted(FIELDS)}")
            break
        seq = len(records) + 1
        if rec["seq"] != seq or rec["entry_id"] != f"key-{seq:06d}" or rec["prev_hash"] != prev:
            problems.append(f"{where}: seq, entry_id or prev_hash does not continue the chain")
            break
        if rec["hash"] != record_hash(rec):
            problems.append(f"{where}: hash does not match the record's content (record altered)")
            break
        if rec["action"] not in ACTIONS or not isinstance(rec["provider_id"], str):
            problems.append(f"{where}: unknown action {rec['action']!r}")
            break
        records.append(rec)
        prev = rec["hash"]
    return records, problems


def provider_keys(records: list[dict[str, Any]]) -> dict[str, ProviderKeys]:
    """provider_id -> its keys, replaying the register in order."""
    out: dict[str, ProviderKeys] = {}
    for rec in records:
        keys = out.setdefault(rec["provider_id"], ProviderKeys(rec["provider_id"]))
        if rec["action"] == "revoke":
            keys.current, keys.valid = None, {}
        else:
            keys.valid[rec["fingerprint"]] = rec["public_key"].encode("ascii")
            keys.current = rec["fingerprint"]
    return out


def read_register(home: Path | str) -> dict[str, ProviderKeys]:
    """The enrolled providers of a home (empty without a register); RegisterError if the chain is broken."""
    path = register_path(home)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    records, problems = check_register(data)
    if problems:
        raise RegisterError(f"{path}: " + "; ".join(problems))
    return provider_keys(records)


def append_entry(home: Path | str, provider_id: str, recorded_by: str, public_key_pem: bytes | None = None,
                 recorded_at: dt.datetime | None = None) -> dict[str, Any]:
    """Enrol or rotate (`public_key_pem` given) or revoke (None) a provider's keys; returns the record written.

    Raises RegisterError (nothing written) for a bad provider id, name or key, a key already registered, a
    revocation of a provider that has no valid key, or a damaged register."""
    if not isinstance(provider_id, str) or not PROVIDER_ID.fullmatch(provider_id):
        raise RegisterError(f"{provider_id!r} is not a provider id (lower case letters, digits, '-')")
    by = (recorded_by or "").strip()
    if not by or (why := text_problem(by)):
        raise RegisterError(f"--by {why or 'is required'}")
    public, fingerprint = load_public_key(public_key_pem) if public_key_pem is not None else (None, None)
    path = register_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        records, problems = check_register(os.pread(fd, size, 0) if size else b"")
        if problems:
            raise RegisterError(f"the key register is damaged, fix it first: {path}: " + "; ".join(problems))
        keys = provider_keys(records).get(provider_id)
        if public is None:
            if keys is None or not keys.valid:
                raise RegisterError(f"provider {provider_id!r} has no valid key to revoke")
            action = "revoke"
        elif any(r.get("fingerprint") == fingerprint for r in records):
            raise RegisterError(f"key {fingerprint} is already in the register; a key is registered once")
        else:
            action = "enroll" if keys is None else "rotate"
        seq = len(records) + 1
        record: dict[str, Any] = {
            "entry_id": f"key-{seq:06d}", "seq": seq, "provider_id": provider_id, "action": action,
            "public_key": public.decode("ascii") if public else None, "fingerprint": fingerprint,
            "recorded_at": format_decided_at(recorded_at or dt.datetime.now(dt.UTC)), "recorded_by": by,
            "prev_hash": records[-1]["hash"] if records else GENESIS_HASH,
        }
        record["hash"] = record_hash(record)
        line = canonical_json(record) + b"\n"
        if os.write(fd, line) != len(line):  # pragma: no cover - regular files do not short-write
            os.ftruncate(fd, size)
            raise OSError(f"short write to {path}")
        os.fsync(fd)
    finally:
        os.close(fd)
    return record
