"""Ed25519 signing key of a registry home and detached signatures (base64) over exact bytes."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sealreg.durable import fsync_dir
from sealreg.errors import SealregError

log = logging.getLogger(__name__)

PRIVATE_KEY_FILE = "signing_key.pem"


class KeyFileError(SealregError, ValueError):
    """A key file is unreadable or is not an Ed25519 key."""


def write_private_key(keys_dir: Path, name: str, key: Ed25519PrivateKey) -> bool:
    """Write `key` as `<keys_dir>/<name>` (mode 0600) unless that file exists; True if written.

    The file appears atomically (link of a fsynced temporary), so two processes cannot both write it.
    """
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path = keys_dir / name
    tmp = keys_dir / f".{name}.tmp-{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # atomic, fails if another process created the key meanwhile
        written = True
    except FileExistsError:
        written = False
    finally:
        tmp.unlink()
    fsync_dir(keys_dir)
    return written


def ensure_keys_dir(keys_dir: Path | str) -> Path:
    """`keys_dir`, created with mode 0700 (looser permissions are tightened and logged)."""
    keys_dir = Path(keys_dir)
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(keys_dir.stat().st_mode) != 0o700:
        log.warning("tightening permissions of %s to 0700", keys_dir)
        os.chmod(keys_dir, 0o700)
    return keys_dir


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in `path` (PKCS#8 PEM); a looser mode than 0600 is tightened.

    Raises KeyFileError naming the file when it is unreadable or holds anything else.
    """
    try:
        data = path.read_bytes()
        if stat.S_IMODE(path.stat().st_mode) != 0o600:
            log.warning("tightening permissions of %s to 0600", path)
            os.chmod(path, 0o600)
        key = serialization.load_pem_private_key(data, password=None)
    except OSError as e:
        raise KeyFileError(f"{path}: cannot read the key ({e.strerror or e})") from None
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise KeyFileError(f"{path}: not a PEM private key ({e})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 private key")
    return key


def load_or_create_key(keys_dir: Path | str) -> Ed25519PrivateKey:
    """The signing key `<keys_dir>/signing_key.pem` (PKCS#8 PEM, mode 0600, dir 0700), created on first use.

    Two processes starting at once cannot both write a key: the loser reads the winner's. Whether a
    new key may be created at all (not while releases exist) is `sealreg.publish.keys`' decision.
    """
    keys_dir = ensure_keys_dir(keys_dir)
    path = keys_dir / PRIVATE_KEY_FILE
    if not path.exists():
        write_private_key(keys_dir, PRIVATE_KEY_FILE, Ed25519PrivateKey.generate())
    return load_private_key(path)


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    """SubjectPublicKeyInfo PEM of the key's public half."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_fingerprint(public_pem: bytes) -> str:
    """sha256 (hex) of the raw 32-byte Ed25519 public key: what a verifier pins.

    The same value as `openssl pkey -pubin -in public_key.pem -outform DER | tail -c 32 | openssl dgst -sha256`.
    Raises KeyFileError (a ValueError) for anything but an Ed25519 public key PEM.
    """
    try:
        pub = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise KeyFileError(f"not a PEM public key ({e})") from None
    if not isinstance(pub, Ed25519PublicKey):
        raise KeyFileError("not an Ed25519 public key")
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
