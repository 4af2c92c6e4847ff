"""The one safe reader of inbox entries: regular files only, never followed, each read once.

Every entry is looked at with `lstat` and opened with `O_NOFOLLOW | O_NONBLOCK` relative to the
inbox's own descriptor, then checked again with `fstat` (same inode, a regular file), so a symbolic
link, a FIFO, a directory, a socket or a device is reported instead of read, and nothing blocks.
The bytes read are the bytes digested, validated and quarantined.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingestion.text import has_hidden_chars

NOT_A_FILE = "E017"  # the entry is not a regular file or its name is unusable; it is never read
_CHUNK = 1 << 20
OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_KINDS = ((stat.S_ISLNK, "a symbolic link (links are never followed)"), (stat.S_ISDIR, "a directory"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


@dataclass(frozen=True, slots=True)
class InboxFile:
    """One inbox entry as read: `data` is None when it is not a regular file or is over the limit; `refusal`
    says why an entry is not validated (not a regular file, or a regular file with an unusable name)."""

    name: str  # display name: the file name, backslashes doubled, undecodable bytes as \\xNN (injective)
    raw_name: bytes
    data: bytes | None
    sha256: str | None
    size: int
    mode: int  # permission bits of the file read (0 when nothing was read)
    refusal: str | None = None  # why the entry was not read (code NOT_A_FILE)

    @property
    def oversized(self) -> bool:
        return self.sha256 is not None and self.data is None


def display_name(raw: bytes) -> str:
    """The name as text, one-to-one: UTF-8 with `\\` doubled; bytes that are not UTF-8 become `\\xNN`."""
    return raw.replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


def name_problem(raw: bytes) -> str | None:
    """Why a file name is unusable (not UTF-8, hidden characters), or None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the file name is not valid UTF-8; rename the file"
    if has_hidden_chars(text):
        return "the file name contains control, zero-width or bidirectional characters; rename the file"
    return None


def _kind(mode: int) -> str | None:
    """What a non-regular entry is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def _read_fd(fd: int, limit: int) -> tuple[bytes | None, str, int]:
    """(content or None if over `limit`, sha256, size) of one open descriptor, read to its end once."""
    digest = hashlib.sha256()
    parts: list[bytes] = []
    size = 0
    while chunk := os.read(fd, _CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if size <= limit:
            parts.append(chunk)
        elif parts:
            parts.clear()
    return (b"".join(parts) if size <= limit else None), digest.hexdigest(), size


def open_regular(name: bytes | str | Path, dir_fd: int | None = None) -> tuple[int, os.stat_result] | str:
    """(descriptor, fstat) of a regular file, or why it is refused: `lstat`, then `open(O_NOFOLLOW | O_NONBLOCK)`,
    then `fstat` (same inode, still regular). Never follows a link, never blocks, never opens a device."""
    try:
        before = os.lstat(name, dir_fd=dir_fd)
    except OSError as exc:
        return f"the entry could not be examined ({exc.strerror or type(exc).__name__})"
    kind = _kind(before.st_mode)
    if kind:
        return f"the entry is {kind}, not a regular file; only regular files are read"
    try:
        fd = os.open(name, OPEN_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        return f"the file could not be opened ({exc.strerror or type(exc).__name__})"
    now = os.fstat(fd)
    if (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino) or _kind(now.st_mode):
        os.close(fd)
        return "the entry changed while it was opened; it was not read"
    return fd, now


def read_entry(dir_fd: int, raw: bytes, limit: int) -> InboxFile:
    """Read the entry `raw` of the folder open as `dir_fd`, or say why it is refused; never follows, never blocks."""
    name = display_name(raw)
    opened = open_regular(raw, dir_fd)
    if isinstance(opened, str):
        return InboxFile(name, raw, None, None, 0, 0, opened)
    fd, st = opened
    try:
        data, sha256, size = _read_fd(fd, limit)
    except OSError as exc:
        why = f"the file could not be read ({exc.strerror or type(exc).__name__})"
        return InboxFile(name, raw, None, None, 0, 0, why)
    finally:
        os.close(fd)
    # a regular file with an unusable name is read (its bytes are kept as evidence) but not validated
    return InboxFile(name, raw, data, sha256, size, stat.S_IMODE(st.st_mode), name_problem(raw))


def read_inbox(folder: Path, limit: int, suffix: str = ".json") -> Iterator[InboxFile]:
    """Every entry of `folder` whose name ends with `suffix` (any kind), in byte order of the names, read once."""
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        names = sorted(os.fsencode(n) for n in os.listdir(dir_fd))  # the bytes the file system holds
        for raw in (n for n in names if n.endswith(suffix.encode())):
            yield read_entry(dir_fd, raw, limit)
    finally:
        os.close(dir_fd)


def read_path(path: Path, limit: int) -> InboxFile:
    """One named file through the same checks (the last component is never followed)."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    try:
        dir_fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raw = os.fsencode(path.name)
        return InboxFile(display_name(raw), raw, None, None, 0, 0,
                         f"the folder could not be opened ({exc.strerror or type(exc).__name__})")
    try:
        return read_entry(dir_fd, os.fsencode(path.name), limit)
    finally:
        os.close(dir_fd)
