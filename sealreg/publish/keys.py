"""Continuity of the registry's signing key: no silent key change, rotation statements signed by the old key.

A home holds `keys/signing_key.pem` and, after each `sealreg keys rotate`, a folder
`keys/rotations/<NNNN>/` with the rotation statement (the exact signed bytes), its signatures by the
old and by the new key, and both public keys. Every release carries a copy of those folders
(`trust/key-rotations/`), so a verifier who pinned an earlier fingerprint can follow the statements
to the key in force, as EU trusted lists do with pivot lists.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sealreg.config import RegistryHome
from sealreg.durable import fsync_dir
from sealreg.errors import SealregError
from sealreg.publish.signing import (
    PRIVATE_KEY_FILE,
    KeyFileError,
    ensure_keys_dir,
    load_or_create_key,
    load_private_key,
    public_key_fingerprint,
    public_key_pem,
    sign,
    verify_signature,
    write_private_key,
)

ROTATIONS_DIR = "rotations"
RETIRED_DIR = "retired"
STATEMENT_FILE = "statement.json"
OLD_KEY_SIGNATURE = "statement.sig.old"
NEW_KEY_SIGNATURE = "statement.sig.new"
OLD_PUBLIC_KEY = "old_public_key.pem"
NEW_PUBLIC_KEY = "new_public_key.pem"
ROTATION_FILES = (STATEMENT_FILE, OLD_KEY_SIGNATURE, NEW_KEY_SIGNATURE, OLD_PUBLIC_KEY, NEW_PUBLIC_KEY)
STATEMENT_KIND = "sealreg signing key rotation"
_NEXT_KEY_FILE = ".next_signing_key.pem"


class KeyChangeRefused(SealregError, RuntimeError):
    """The signing key differs from the last release's and no rotation statement introduces it."""


@dataclass(frozen=True)
class Rotation:
    """One checked rotation statement: `old_fingerprint` vouches for `new_fingerprint`."""

    seq: int
    old_fingerprint: str
    new_fingerprint: str
    rotated_at: str


def home_fingerprint(keys_dir: Path) -> str:
    """Fingerprint of the home's signing key (raises KeyFileError if it is missing or malformed)."""
    path = Path(keys_dir) / PRIVATE_KEY_FILE
    if not path.exists():
        raise KeyFileError(f"{path}: no signing key (the first refresh creates it)")
    return public_key_fingerprint(public_key_pem(load_private_key(path)))


def home_trust(keys_dir: Path) -> set[str]:
    """The keys a home vouches for: its signing key and every key it rotated away from (KeyFileError if none)."""
    rotations, _problems = check_rotations(Path(keys_dir) / ROTATIONS_DIR)
    return {home_fingerprint(keys_dir)} | {r.old_fingerprint for r in rotations}


def home_public_keys(keys_dir: Path) -> dict[str, bytes]:
    """fingerprint -> public PEM of every key of a home: the signing key (if any) and the rotated ones."""
    keys = rotation_public_keys(Path(keys_dir) / ROTATIONS_DIR)
    path = Path(keys_dir) / PRIVATE_KEY_FILE
    if path.exists():
        pem = public_key_pem(load_private_key(path))
        keys[public_key_fingerprint(pem)] = pem
    return keys


def rotation_public_keys(root: Path) -> dict[str, bytes]:
    """fingerprint -> public PEM of the old and new keys of every valid rotation statement under `root`."""
    rotations, _problems = check_rotations(root)
    valid = {f"{r.seq:04d}" for r in rotations}
    keys: dict[str, bytes] = {}
    for folder in rotation_folders(root):
        if folder.name in valid:
            for name in (OLD_PUBLIC_KEY, NEW_PUBLIC_KEY):
                pem = (folder / name).read_bytes()
                keys[public_key_fingerprint(pem)] = pem
    return keys


def decision_signing_key(home: RegistryHome | Path) -> Ed25519PrivateKey:
    """The key decisions are signed with: the one the next release will be signed with (same rules)."""
    from sealreg.publish.chain import last_signer

    paths = RegistryHome.of(home)
    return signing_key_for_release(paths.keys, last_signer(paths.releases))


def rotation_folders(root: Path) -> list[Path]:
    """The statement folders under `root` (`<NNNN>/`), in order."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.isdigit() and not p.is_symlink())


def check_rotations(root: Path) -> tuple[list[Rotation], list[str]]:
    """The valid statements under `root`, and a problem line for each invalid one (file: reason).

    A statement is valid when its fields are complete, `seq` matches its folder, both public keys
    have the fingerprints it names, and both signatures verify over `statement.json`'s exact bytes.
    """
    rotations: list[Rotation] = []
    problems: list[str] = []
    for expected_seq, folder in enumerate(rotation_folders(root), start=1):
        name = folder.name
        try:
            files = {f: (folder / f).read_bytes() for f in ROTATION_FILES}
        except OSError as e:
            problems.append(f"{name}: incomplete rotation statement ({e.strerror or e})")
            continue
        try:
            st = json.loads(files[STATEMENT_FILE].decode("utf-8"))
            old_fp = public_key_fingerprint(files[OLD_PUBLIC_KEY])
            new_fp = public_key_fingerprint(files[NEW_PUBLIC_KEY])
        except (UnicodeDecodeError, ValueError) as e:
            problems.append(f"{name}: unreadable rotation statement ({e})")
            continue
        if not isinstance(st, dict) or st.get("statement") != STATEMENT_KIND:
            problems.append(f"{name}/{STATEMENT_FILE}: not a {STATEMENT_KIND!r} statement")
        elif st.get("seq") != expected_seq or int(name) != expected_seq:
            problems.append(f"{name}/{STATEMENT_FILE}: seq {st.get('seq')!r}, expected {expected_seq}")
        elif st.get("old_public_key_sha256") != old_fp or st.get("new_public_key_sha256") != new_fp:
            problems.append(f"{name}/{STATEMENT_FILE}: key fingerprints do not match the enclosed public keys")
        elif not verify_signature(files[OLD_PUBLIC_KEY], files[STATEMENT_FILE], files[OLD_KEY_SIGNATURE]):
            problems.append(f"{name}/{OLD_KEY_SIGNATURE}: not a signature of the statement by the old key")
        elif not verify_signature(files[NEW_PUBLIC_KEY], files[STATEMENT_FILE], files[NEW_KEY_SIGNATURE]):
            problems.append(f"{name}/{NEW_KEY_SIGNATURE}: not a signature of the statement by the new key")
        else:
            rotations.append(Rotation(expected_seq, old_fp, new_fp, str(st.get("rotated_at", ""))))
    return rotations, problems


def trusted_fingerprints(pinned: set[str] | frozenset[str], rotations: list[Rotation]) -> set[str]:
    """The pinned fingerprints plus every key a trusted key introduced by a rotation statement, in order."""
    trusted = set(pinned)
    for r in rotations:
        if r.old_fingerprint in trusted:
            trusted.add(r.new_fingerprint)
    return trusted


def signing_key_for_release(keys_dir: Path, last_signer: str | None) -> Ed25519PrivateKey:
    """The key to sign the next release with, refusing any key change the rotation statements do not vouch for.

    With no release yet (`last_signer` None) the key is created on first use. Afterwards a missing key
    is never replaced silently, and a key other than the last release's must be introduced by a
    valid statement from `sealreg keys rotate`.
    """
    keys_dir = Path(keys_dir)
    if last_signer is None:
        return load_or_create_key(keys_dir)
    path = keys_dir / PRIVATE_KEY_FILE
    if not path.exists():
        raise KeyChangeRefused(
            f"{path} is missing, but releases signed by key {last_signer} exist: restore the key from its "
            "backup. A new key is used only after `sealreg keys rotate`, which the old key signs."
        )
    key = load_private_key(path)
    fingerprint = public_key_fingerprint(public_key_pem(key))
    rotations, _problems = check_rotations(keys_dir / ROTATIONS_DIR)
    if fingerprint not in trusted_fingerprints({last_signer}, rotations):
        raise KeyChangeRefused(
            f"{path} holds key {fingerprint}, but the last release was signed by key {last_signer} and no "
            "rotation statement signed by that key introduces the new one: restore the old key, then run "
            "`sealreg keys rotate`."
        )
    return key


def rotate(keys_dir: Path, now: dt.datetime | None = None) -> Path:
    """Replace the signing key by a new one; return the folder of the statement the old key signed.

    The new key is written aside first, then the statement folder appears atomically, the old key
    moves to `keys/retired/<fingerprint>.pem`, and the new key takes its place (rename).
    """
    keys_dir = ensure_keys_dir(keys_dir)
    path = keys_dir / PRIVATE_KEY_FILE
    if not path.exists():
        raise KeyChangeRefused(f"{path}: no signing key to rotate (the first refresh creates one)")
    old = load_private_key(path)
    old_pem = public_key_pem(old)
    old_fp = public_key_fingerprint(old_pem)
    (keys_dir / _NEXT_KEY_FILE).unlink(missing_ok=True)
    new = Ed25519PrivateKey.generate()
    write_private_key(keys_dir, _NEXT_KEY_FILE, new)
    new_pem = public_key_pem(new)
    root = keys_dir / ROTATIONS_DIR
    root.mkdir(mode=0o700, exist_ok=True)
    seq = len(rotation_folders(root)) + 1
    when = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    statement = {
        "statement": STATEMENT_KIND,
        "seq": seq,
        "rotated_at": when,
        "old_public_key_sha256": old_fp,
        "new_public_key_sha256": public_key_fingerprint(new_pem),
    }
    body = (json.dumps(statement, sort_keys=True, indent=2) + "\n").encode("utf-8")
    folder = root / f"{seq:04d}"
    tmp = root / f".tmp-{seq:04d}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(mode=0o700)
    for name, data in (
        (STATEMENT_FILE, body),
        (OLD_KEY_SIGNATURE, (sign(body, old) + "\n").encode("ascii")),
        (NEW_KEY_SIGNATURE, (sign(body, new) + "\n").encode("ascii")),
        (OLD_PUBLIC_KEY, old_pem),
        (NEW_PUBLIC_KEY, new_pem),
    ):
        with open(tmp / name, "wb") as f:
            f.write(data)
            os.fsync(f.fileno())
    fsync_dir(tmp)
    os.rename(tmp, folder)
    fsync_dir(root)
    retired = keys_dir / RETIRED_DIR
    retired.mkdir(mode=0o700, exist_ok=True)
    try:
        os.link(path, retired / f"{old_fp}.pem")
    except FileExistsError:
        pass
    fsync_dir(retired)
    os.replace(keys_dir / _NEXT_KEY_FILE, path)
    fsync_dir(keys_dir)
    return folder
