"""Checks of a published release (files, hashes, signature) and of the decision log's hash chain."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from sealreg.decisions import check_chain
from sealreg.publish.release import (
    MANIFEST_FILE,
    PUBLIC_KEY_FILE,
    SIGNATURE_FILE,
    UNLISTED_FILES,
    list_files,
    sha256_file,
)
from sealreg.publish.signing import public_key_fingerprint, verify_signature


def _safe_relpath(rel: str) -> bool:
    p = PurePosixPath(rel)
    return bool(rel) and not p.is_absolute() and ".." not in p.parts and "\\" not in rel


def verify_release(release_dir: Path | str, trusted_public_key: bytes | None = None) -> list[str]:
    """Problems of the release folder; an empty list means it is intact.

    - manifest.json, manifest.sig and public_key.pem are present, and the signature in manifest.sig
      is a valid Ed25519 signature of the exact bytes of manifest.json by public_key.pem;
    - every file listed in the manifest exists with the listed size and sha256;
    - no file is present that the manifest does not list (other than the three above).

    The public key shipped inside the release only proves the release was not altered after it was
    signed by *that* key. Pass `trusted_public_key` (PEM, e.g. from the registry's keys or a
    published copy) to also require that the release was signed by the registry's own key; the
    manifest's `public_key_sha256` is the fingerprint to compare against out of band.
    """
    root = Path(release_dir).resolve()
    if not root.is_dir():
        return [f"{release_dir}: not a directory"]
    problems: list[str] = []

    manifest_path = root / MANIFEST_FILE
    sig_path = root / SIGNATURE_FILE
    key_path = root / PUBLIC_KEY_FILE
    for p in (manifest_path, sig_path, key_path):
        if not p.is_file():
            problems.append(f"{p.name}: missing")
    if not manifest_path.is_file():
        return problems
    body = manifest_path.read_bytes()

    if sig_path.is_file() and key_path.is_file():
        public_pem = key_path.read_bytes()
        if not verify_signature(public_pem, body, sig_path.read_text("ascii", errors="replace")):
            problems.append(
                f"{MANIFEST_FILE}: signature in {SIGNATURE_FILE} does not verify "
                "(manifest, signature or public key altered)"
            )
        if trusted_public_key is not None:
            try:
                same = public_key_fingerprint(public_pem) == public_key_fingerprint(trusted_public_key)
            except ValueError:
                same = False
            if not same:
                problems.append(f"{PUBLIC_KEY_FILE}: not the registry's trusted signing key")

    try:
        manifest: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        problems.append(f"{MANIFEST_FILE}: not valid JSON ({e})")
        return problems
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict):
        problems.append(f"{MANIFEST_FILE}: no 'files' table")
        return problems

    for rel in sorted(files):
        entry = files[rel]
        if not _safe_relpath(rel) or rel in UNLISTED_FILES:
            problems.append(f"{rel}: invalid path in manifest")
            continue
        path = root / rel
        if os.path.islink(path):
            problems.append(f"{rel}: is a symlink")
            continue
        if not path.is_file():
            problems.append(f"{rel}: missing")
            continue
        if not isinstance(entry, dict) or "sha256" not in entry or "size" not in entry:
            problems.append(f"{rel}: manifest entry lacks sha256/size")
            continue
        size = path.stat().st_size
        if size != entry["size"]:
            problems.append(f"{rel}: size {size} differs from manifest ({entry['size']}), file altered")
            continue
        if sha256_file(path) != entry["sha256"]:
            problems.append(f"{rel}: sha256 differs from manifest, file altered")

    for rel in list_files(root):
        if rel in UNLISTED_FILES or rel in files:
            continue
        problems.append(f"{rel}: not listed in the manifest (unexpected file)")
    return problems


def verify_decisions(log_path: Path | str, expected_head: dict[str, Any] | None = None) -> list[str]:
    """Problems of the decision log's hash chain (empty = intact); a missing log has none.

    With `expected_head` (a release manifest's `decision_log_head`: {seq, hash}), also check that
    the log still contains that record unchanged, which detects a log whose tail was cut off or
    that was rewritten from scratch since the release.
    """
    path = Path(log_path)
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
        if expected_head is None:
            return []
    except OSError as e:
        return [f"{name}: cannot read ({e})"]
    records, problems = check_chain(data)
    problems = [f"{name}: {p}" for p in problems]
    if expected_head:
        seq = expected_head.get("seq")
        if not isinstance(seq, int) or seq < 1 or seq > len(records):
            problems.append(
                f"{name}: decision seq {seq} recorded in the release is missing from the log "
                f"(log has {len(records)} valid record(s)): log truncated or replaced"
            )
        elif records[seq - 1]["hash"] != expected_head.get("hash"):
            problems.append(
                f"{name}: line {seq}: hash differs from the one recorded in the release: log rewritten"
            )
    return problems
