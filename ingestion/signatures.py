"""Detached Ed25519 signatures of enrolled providers: `<file>.sig` beside `<file>` in the inbox.

The signature is over the exact bytes of the disclosure file, either the 64 raw bytes (`openssl pkeyutl
-sign -rawin`) or their base64 text. A new submission must verify with the provider's current key; a file
the last release already holds (same disclosure id, same bytes) may also verify with an earlier key that
was rotated out, never with a revoked one.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from ingestion.inbox import InboxFile, read_path
from ingestion.keyring import ProviderKeys
from sealreg.errors import Problem

MISSING_SIGNATURE = "E019"
BAD_SIGNATURE = "E020"
SIGNATURE_SUFFIX = ".sig"
MAX_SIGNATURE_BYTES = 1024


def _signature_bytes(data: bytes) -> bytes | None:
    """The 64 signature bytes of a `.sig` file (raw, or base64 text), or None if it holds neither."""
    if len(data) == 64:
        return data
    try:
        raw = base64.b64decode(data.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 64 else None


def _verifies(public_pem: bytes, signature: bytes, data: bytes) -> bool:
    try:
        serialization.load_pem_public_key(public_pem).verify(signature, data)
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def check_signature(folder: Path, entry: InboxFile, keys: ProviderKeys, known: bool) -> tuple[Problem | None, str]:
    """(problem or None, fingerprint of the key that verified) for an enrolled provider's file `entry`."""
    name = entry.name
    sig_path = folder / os.fsdecode(entry.raw_name + SIGNATURE_SUFFIX.encode())
    if not os.path.lexists(sig_path):
        return Problem(name, MISSING_SIGNATURE, "$", f"provider {keys.provider_id!r} is enrolled: its disclosures must "
                       f"carry a detached Ed25519 signature {name + SIGNATURE_SUFFIX!r} beside the file"), ""
    sig = read_path(sig_path, MAX_SIGNATURE_BYTES)
    if sig.refusal is not None or sig.data is None:
        why = sig.refusal or f"it is over {MAX_SIGNATURE_BYTES} bytes"
        return Problem(name, MISSING_SIGNATURE, "$", f"the signature {sig.name!r} could not be used: {why}"), ""
    signature = _signature_bytes(sig.data)
    if signature is None:
        return Problem(name, BAD_SIGNATURE, "$", f"{sig.name!r} is not an Ed25519 signature (64 bytes, raw or "
                       "base64)"), ""
    if not keys.valid:
        return Problem(name, BAD_SIGNATURE, "$", f"every key of provider {keys.provider_id!r} is revoked; "
                       "nothing of the provider is accepted until it enrols a new key"), ""
    candidates = keys.valid if known else {keys.current: keys.valid[keys.current]}
    for fingerprint, pem in candidates.items():
        if _verifies(pem, signature, entry.data):
            return None, fingerprint
    which = "a registered key" if known else f"the current key ({keys.current[:16]}...)"
    return Problem(name, BAD_SIGNATURE, "$", f"the signature {sig.name!r} does not verify with {which} of provider "
                   f"{keys.provider_id!r}"), ""
