"""Ed25519 signing key of a registry home and detached signatures (base64) over exact bytes."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

log = logging.getLogger(__name__)

PRIVATE_KEY_FILE = "signing_key.pem"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load_or_create_key(keys_dir: Path | str) -> Ed25519PrivateKey:
    """The home's signing key: `<keys_dir>/signing_key.pem` (PKCS#8 PEM, mode 0600, dir 0700).

    Created on first use. The file is created with O_EXCL, so two processes starting at once cannot
    both write a key: the loser reads the winner's. Looser permissions found on an existing key or
    directory are tightened (and logged).
    """
    keys_dir = Path(keys_dir)
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(keys_dir.stat().st_mode) != 0o700:
        log.warning("tightening permissions of %s to 0700", keys_dir)
        os.chmod(keys_dir, 0o700)
    path = keys_dir / PRIVATE_KEY_FILE
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = keys_dir / f".{PRIVATE_KEY_FILE}.tmp-{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, pem)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic, fails if another process created the key meanwhile
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
        _fsync_dir(keys_dir)
    if stat.S_IMODE(path.stat().st_mode) != 0o600:
        log.warning("tightening permissions of %s to 0600", path)
        os.chmod(path, 0o600)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    """SubjectPublicKeyInfo PEM of the key's public half."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_fingerprint(public_pem: bytes) -> str:
    """sha256 (hex) of the raw 32-byte Ed25519 public key: what a verifier pins."""
    pub = serialization.load_pem_public_key(public_pem)
    if not isinstance(pub, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign(data: bytes, key: Ed25519PrivateKey) -> str:
    """Base64 Ed25519 signature over exactly `data`."""
    return base64.b64encode(key.sign(data)).decode("ascii")


def verify_signature(public_pem: bytes, data: bytes, sig: str | bytes) -> bool:
    """True when `sig` (base64) is a valid Ed25519 signature of `data` by `public_pem`; never raises."""
    try:
        pub = serialization.load_pem_public_key(public_pem)
        if not isinstance(pub, Ed25519PublicKey):
            return False
        raw_sig = base64.b64decode(sig.strip() if isinstance(sig, (str, bytes)) else sig, validate=True)
        pub.verify(raw_sig, data)
        return True
    except (InvalidSignature, ValueError, TypeError, binascii.Error):
        return False
