"""Checks of a published release: files, hashes, signature, signer, chain, and the decision records it rests on.

Every check returns problems as values (`sealreg.errors.Problem` with a `V0xx` code, the file
inside the release, a location and a message); an empty list means the release is intact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sealreg.decisions import check_chain, signature_problems
from sealreg.errors import Problem
from sealreg.publish.chain import link_problems, parse_manifest, read_manifest
from sealreg.publish.keys import check_rotations, rotation_public_keys, trusted_fingerprints
from sealreg.publish.release import (
    CHECKSUMS_FILE,
    DECISION_LOG_FILE,
    KEY_ROTATIONS_DIR,
    MANIFEST_FILE,
    PUBLIC_KEY_FILE,
    SIGNATURE_FILE,
    UNLISTED_FILES,
)
from sealreg.publish.reuse import file_stamp
from sealreg.publish.signing import KeyFileError, public_key_fingerprint, verify_signature
from sealreg.publish.tree import file_states, walk

#: Problem codes of `sealreg verify` (documented in docs/releases.md).
VERIFY_CODES: dict[str, str] = {
    "V001": "a file of the release is missing",
    "V002": "the manifest's signature does not verify",
    "V003": "the release is not signed by a trusted key",
    "V004": "the manifest is malformed",
    "V005": "a file differs from the manifest (altered)",
    "V006": "a file or directory that the manifest does not list",
    "V007": "an invalid path in the manifest",
    "V008": "the release chain is broken",
    "V009": "the decision records are damaged or do not match the release",
    "V010": "a key rotation statement is invalid",
    "V011": "a trust anchor (key or fingerprint) cannot be read",
}


def problem(code: str, file: str, message: str, path: str = "$") -> Problem:
    return Problem(file, code, path, message)


@dataclass
class Trust:
    """What a verifier trusts: pinned key fingerprints (empty: integrity only, the signer is not checked)."""

    fingerprints: set[str] = field(default_factory=set)

    @property
    def pinned(self) -> bool:
        return bool(self.fingerprints)


def _safe_relpath(rel: str) -> bool:
    """Relative, with no `..` part and no backslash (what PurePosixPath(rel) would say, without building one)."""
    return bool(rel) and not rel.startswith("/") and "\\" not in rel and ".." not in rel.split("/")


def _listed_dirs(files: dict[str, Any]) -> set[str]:
    """Every folder that holds a listed file (its parents, as PurePosixPath normalises them)."""
    out: set[str] = set()
    for rel in files:
        parts = rel.split("/")
        if "" in parts or "." in parts:  # not in normal form: let PurePosixPath normalise it
            out.update(str(p) for p in PurePosixPath(rel).parents if str(p) != ".")
            continue
        for end in range(len(parts) - 1, 0, -1):
            folder = "/".join(parts[:end])
            if folder in out:
                break
            out.add(folder)
    return out


def _signature_problems(root: Path, body: bytes, trust: Trust | None) -> list[Problem]:
    sig_path, key_path = root / SIGNATURE_FILE, root / PUBLIC_KEY_FILE
    if not sig_path.is_file() or not key_path.is_file():
        return []
    public_pem = key_path.read_bytes()
    out = []
    if not verify_signature(public_pem, body, sig_path.read_bytes()):
        out.append(problem("V002", MANIFEST_FILE, f"signature in {SIGNATURE_FILE} does not verify "
                                                  "(manifest, signature or public key altered)"))
    if trust is not None and trust.pinned:
        try:
            signer = public_key_fingerprint(public_pem)
        except ValueError:
            signer = ""
        rotations, bad = check_rotations(root / KEY_ROTATIONS_DIR)
        out += [problem("V010", f"{KEY_ROTATIONS_DIR}/{line.split(':', 1)[0]}", line.split(": ", 1)[-1])
                for line in bad]
        if signer not in trusted_fingerprints(trust.fingerprints, rotations):
            out.append(problem("V003", PUBLIC_KEY_FILE,
                               f"signed by key {signer or '(unreadable)'}, which is neither a pinned key nor "
                               "introduced by a rotation statement of one: not the registry's signing key"))
    return out


def _file_problems(root: Path, files: dict[str, Any], stamps: dict[str, list[int]] | None = None) -> list[Problem]:
    """Every listed file is there, a regular file, and has its size and sha256; `stamps` receives the
    stamp (`reuse.file_stamp`) of each file that matched and did not change while it was read.

    The files are opened and hashed on `tree.HASH_WORKERS` threads (`tree.file_states`); the checks,
    their order and the problems are those of a file-by-file loop."""
    def expected_size(entry: Any) -> int | None:
        if not isinstance(entry, dict) or not isinstance(entry.get("size"), int) or "sha256" not in entry:
            return None
        return entry["size"]

    names = sorted(files)
    valid = [rel for rel in names if _safe_relpath(rel) and rel not in UNLISTED_FILES]
    states = dict(zip(valid, file_states(root, [(rel, expected_size(files[rel])) for rel in valid]), strict=True))
    out: list[Problem] = []
    for rel in names:
        state, entry = states.get(rel), files[rel]
        if state is None:
            out.append(problem("V007", MANIFEST_FILE, f"invalid path {rel!r} in the manifest", "$.files"))
        elif state.kind == "symlink":
            out.append(problem("V006", rel, "is a symlink"))
        elif state.kind == "missing":
            out.append(problem("V001", rel, "missing"))
        elif state.kind == "unchecked":
            out.append(problem("V004", MANIFEST_FILE, f"entry of {rel} lacks sha256/size", "$.files"))
        elif state.kind == "size":
            out.append(problem("V005", rel, f"size {state.size} differs from manifest ({entry['size']}), file altered"))
        elif state.sha256 != entry["sha256"]:
            out.append(problem("V005", rel, "sha256 differs from manifest, file altered"))
        elif stamps is not None and state.stamp is not None:
            stamps[rel] = state.stamp
    present, folders = walk(root)
    for rel in present:
        if rel not in UNLISTED_FILES and rel not in files:
            out.append(problem("V006", rel, "not listed in the manifest (unexpected file)"))
    listed_dirs = _listed_dirs(files)
    for rel in folders:
        if rel not in listed_dirs:
            out.append(problem("V006", rel + "/", "directory not in the manifest (unexpected directory)"))
    return out


def _decision_problems(root: Path, manifest: dict[str, Any], files: dict[str, Any]) -> list[Problem]:
    """The release's copy of the decision log is an intact chain ending at the manifest's head."""
    head = manifest.get("decision_log_head")
    if DECISION_LOG_FILE not in files:
        if head and "sequence" in manifest:
            return [problem("V009", DECISION_LOG_FILE, "missing: the decisions this release rests on are not in it")]
        return []
    try:
        data = (root / DECISION_LOG_FILE).read_bytes()
    except OSError:
        return []  # reported as missing above
    records, bad = check_chain(data)
    out = [problem("V009", DECISION_LOG_FILE, msg.split(": ", 1)[-1], msg.split(":", 1)[0]) for msg in bad]
    if bad:
        return out
    last = records[-1] if records else None
    if (head or None) != (last and {"seq": last["seq"], "decision_id": last["decision_id"], "hash": last["hash"]}):
        out.append(problem("V009", DECISION_LOG_FILE, "its last record is not the manifest's decision_log_head"))
    keys = _release_public_keys(root)
    out += [problem("V009", DECISION_LOG_FILE, msg.split(": ", 1)[-1], msg.split(":", 1)[0])
            for msg in signature_problems(records, keys)]
    return out


def _release_public_keys(root: Path) -> dict[str, bytes]:
    """fingerprint -> PEM of the keys a release names: its signing key and those of its rotation statements."""
    keys = rotation_public_keys(root / KEY_ROTATIONS_DIR)
    try:
        pem = (root / PUBLIC_KEY_FILE).read_bytes()
        keys[public_key_fingerprint(pem)] = pem
    except (OSError, ValueError):
        pass
    return keys


def verify_release(release_dir: Path | str, trust: Trust | None = None,
                   stamps: dict[str, list[int]] | None = None) -> list[Problem]:
    """Problems of the release folder (empty list: intact).

    - manifest.json, manifest.sig and public_key.pem are present and the signature verifies;
    - with `trust` pinned, the signer is a pinned key or one a pinned key introduced by rotation;
    - every listed file exists with its size and sha256, and nothing unlisted is there (files,
      symlinks or empty directories);
    - the decision records in `trust/decision_log.jsonl` form an intact chain ending at the head;
    - each predecessor present beside the release has the manifest hash and sequence recorded.

    `stamps`, if given, receives the stamp (`reuse.file_stamp`) of the manifest and of each file
    that matched it (for `reuse.record_verified`; meaningful only when no problem is returned).
    """
    root = Path(release_dir).resolve()
    if not root.is_dir():
        return [problem("V001", str(release_dir), "not a directory")]
    problems = [problem("V001", p, "missing") for p in (MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE)
                if not (root / p).is_file()]
    if not (root / MANIFEST_FILE).is_file():
        return problems
    manifest_stamp = file_stamp((root / MANIFEST_FILE).stat())
    body = (root / MANIFEST_FILE).read_bytes()
    if stamps is not None and file_stamp((root / MANIFEST_FILE).stat()) == manifest_stamp:
        stamps[MANIFEST_FILE] = manifest_stamp
    problems += _signature_problems(root, body, trust)
    manifest = parse_manifest(body)  # the bytes whose signature was checked
    if manifest is None:
        return problems + [problem("V004", MANIFEST_FILE, "not a valid JSON object")]
    files = manifest.get("files")
    if not isinstance(files, dict):
        return problems + [problem("V004", MANIFEST_FILE, "no 'files' table", "$.files")]
    problems += _file_problems(root, files, stamps)
    if "sequence" in manifest and CHECKSUMS_FILE not in files:
        problems.append(problem("V001", CHECKSUMS_FILE, "missing from the manifest"))
    problems += _decision_problems(root, manifest, files)
    chain, _checked = link_problems(root, manifest)
    problems += [problem("V008", msg.split(":", 1)[0], msg.split(": ", 1)[-1]) for msg in chain]
    return problems


def verify_decisions(log_path: Path | str, expected_head: dict[str, Any] | None = None,
                     public_keys: dict[str, bytes] | None = None) -> list[Problem]:
    """Problems of a decision log's hash chain (empty = intact); a missing log has none.

    With `expected_head` (a release manifest's `decision_log_head`: {seq, hash}), also check that
    the log still holds that record unchanged: a log cut short or rewritten since the release fails.
    With `public_keys` (fingerprint -> PEM), also check every record's signature.
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
        return [problem("V009", name, f"cannot read ({e.strerror or e})")]
    records, bad = check_chain(data)
    if public_keys is not None:
        bad += signature_problems(records, public_keys)
    problems = [problem("V009", name, msg.split(": ", 1)[-1], msg.split(":", 1)[0]) for msg in bad]
    if expected_head:
        seq = expected_head.get("seq")
        if not isinstance(seq, int) or seq < 1 or seq > len(records):
            problems.append(problem("V009", name, f"decision seq {seq} recorded in the release is missing from "
                                    f"the log (log has {len(records)} valid record(s)): log truncated or replaced"))
        elif records[seq - 1]["hash"] != expected_head.get("hash"):
            problems.append(problem("V009", name, "hash differs from the one recorded in the release: log rewritten",
                                    f"line {seq}"))
    return problems


def trust_from(keys: list[bytes], fingerprints: list[str]) -> tuple[Trust, list[Problem]]:
    """A Trust from public key PEMs and hex fingerprints; malformed anchors are problems (V011)."""
    trust = Trust()
    problems: list[Problem] = []
    for i, pem in enumerate(keys):
        try:
            trust.fingerprints.add(public_key_fingerprint(pem))
        except KeyFileError as e:
            problems.append(problem("V011", f"--key #{i + 1}", str(e)))
    for fp in fingerprints:
        norm = fp.strip().lower().replace(":", "")
        if len(norm) != 64 or any(c not in "0123456789abcdef" for c in norm):
            problems.append(problem("V011", "--fingerprint", f"{fp!r} is not 64 hex digits"))
        else:
            trust.fingerprints.add(norm)
    return trust, problems


def release_manifest(release_dir: Path) -> dict[str, Any]:
    return read_manifest(Path(release_dir)) or {}
