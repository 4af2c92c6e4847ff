"""Quarantine of rejected files: a copy plus `<name>.errors.json`, never outside the quarantine folder.

Names are made safe one-to-one (`quarantine_name`), so two rejected files never share a copy or an
errors file. Files are written through a temporary file and `os.replace` (a link planted at the
target is replaced, never followed), readable by owner and group at most and never more than the
inbox file was.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from ingestion.rejected import NO_SENDER, Sender
from sealreg.errors import Problem

ERRORS_SUFFIX = ".errors.json"
MAX_MODE = 0o640
_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+=@,()[]~ ")


def quarantine_name(raw: bytes | str) -> str:
    """A file name for the copy, one-to-one: bytes outside a safe ASCII set (and `%`, a leading dot, the dot
    of a final `.errors.json`) as `%XX`, so a copy never looks like an errors file nor leaves the folder."""
    raw = os.fsencode(raw) if isinstance(raw, str) else raw
    out = [chr(b) if b in _SAFE else f"%{b:02X}" for b in raw] or ["%"]
    if out[0] == ".":
        out[0] = "%2E"
    name = "".join(out)
    if name.endswith(ERRORS_SUFFIX):
        name = name[: -len(ERRORS_SUFFIX)] + ".errors%2Ejson"
    return name


def write_private(folder: Path, name: str, data: bytes, mode: int) -> Path:
    """Write `data` to `folder/name` through a temporary file (a link planted there is replaced, never followed)."""
    target = folder / name
    if target.parent != folder or name in ("", ".", ".."):
        raise ValueError(f"refusing to write outside the quarantine folder: {name!r}")
    tmp = folder / f".{name[:80]}.tmp{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    os.replace(tmp, target)
    return target


def quarantine(folder: Path, file_name: bytes | str, problems: Sequence[Problem], data: bytes | None,
               mode: int = MAX_MODE, sender: Sender = NO_SENDER) -> Path:
    """Write the rejected file's bytes (if any were read) and its errors.json; returns the errors file.

    `file_name` is the inbox name (bytes as on disk, or text); `mode` the inbox file's permission bits;
    `sender` the provider the file names (each problem carries its id and name, null when unknown).
    Existing files of the same name are replaced.
    """
    folder.mkdir(parents=True, exist_ok=True)
    base = quarantine_name(file_name)
    mode &= MAX_MODE
    if data is not None:
        write_private(folder, base, data, mode)
    payload = [{**p.to_dict(), "provider_id": sender.provider_id, "provider_name": sender.provider_name}
               for p in problems]
    text = json.dumps(payload, indent=2, ensure_ascii=True) + "\n"
    return write_private(folder, base + ERRORS_SUFFIX, text.encode("ascii"), MAX_MODE)
