"""Reading a release folder quickly: one scan of its tree, and its files hashed on a few threads.

A release holds some 41 k files at 10k providers (most of them pages of a few KiB), so the cost of
checking them is mostly per-file overhead: each file is opened once (no separate stat, islink and
is_file calls), read with a buffer sized to it and hashed; hashlib and the reads release the GIL,
so `HASH_WORKERS` threads overlap the I/O and the hashing of one file with the bookkeeping of the next.
"""

from __future__ import annotations

import hashlib
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

#: Threads hashing the files of a release (the machine has at least two cores).
HASH_WORKERS = 2
#: Files handed to a thread at once (few enough that the threads stay evenly loaded).
HASH_BATCH = 256
#: Largest single read while hashing.
READ_CHUNK = 1 << 20
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def walk(root: Path) -> tuple[list[str], list[str]]:
    """(files, directories) under root as POSIX relative paths, both sorted.

    As `os.walk` sees them: "files" are the entries that are not directories (symlinks to files,
    broken symlinks and special files included) plus the symlinks to directories, which are not
    descended into; "directories" are the real directories.
    """
    files: list[str] = []
    dirs: list[str] = []
    pending = [("", os.fspath(root))]
    while pending:
        prefix, path = pending.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:  # as os.walk: a folder that cannot be listed is skipped
            continue
        for entry in entries:
            rel = prefix + entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir and not entry.is_symlink():
                dirs.append(rel)
                pending.append((rel + "/", entry.path))
            else:
                files.append(rel)
    files.sort()
    dirs.sort()
    return files, dirs


@dataclass(frozen=True)
class FileState:
    """What one listed file turned out to be. `kind`: "symlink", "missing" (absent or not a regular file),
    "size" (`size` differs from the expected one), "unchecked" (no expected size: nothing read) or "read"
    (`sha256` of its bytes; `stamp` of the file, set when nothing changed it while it was read)."""

    kind: str
    size: int = -1
    sha256: str = ""
    stamp: list[int] | None = None


def file_stamp(st: os.stat_result) -> list[int]:
    """What changes whenever a file's bytes do: device, inode, size, mtime and ctime (ns)."""
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def sha256_file(path: Path | str) -> str:
    """sha256 of the file's bytes (symlinks followed)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        return sha256_fd(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)


def sha256_fd(fd: int, size: int) -> str:
    """sha256 of the bytes of an open file of `size` bytes, read from where the descriptor stands."""
    h = hashlib.sha256()
    want = min(size + 1, READ_CHUNK)  # one read for a small file, then the end-of-file read
    while chunk := os.read(fd, want):
        h.update(chunk)
        want = READ_CHUNK
    return h.hexdigest()


def _unopened_kind(path: str) -> str | None:
    """Why a listed path could not be opened: "symlink", "missing" (absent, or a socket, device or loop of
    links), or None for a regular file that exists (a real error, e.g. no permission to read it)."""
    try:
        st = os.lstat(path)
    except OSError:
        return "missing"
    if stat.S_ISLNK(st.st_mode):
        return "symlink"
    return None if stat.S_ISREG(st.st_mode) else "missing"


def file_state(path: str, expected_size: int | None) -> FileState:
    """Open `path` once (a symlink is not followed, a FIFO does not block) and, when it is a regular file
    of `expected_size` bytes, hash it."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except ValueError:  # a NUL byte in the name: no such file
        return FileState("missing")
    except OSError:
        kind = _unopened_kind(path)
        if kind is None:
            raise
        return FileState(kind)
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            return FileState("missing")
        if expected_size is None:
            return FileState("unchecked", before.st_size)
        if before.st_size != expected_size:
            return FileState("size", before.st_size)
        digest = sha256_fd(fd, before.st_size)
        stamp = file_stamp(before)
        return FileState("read", before.st_size, digest, stamp if file_stamp(os.fstat(fd)) == stamp else None)
    finally:
        os.close(fd)


def file_states(root: Path, wanted: list[tuple[str, int | None]]) -> list[FileState]:
    """`file_state` of each (relative path, expected size) under root, in the order given."""
    base = os.fspath(root) + os.sep

    def batch(items: list[tuple[str, int | None]]) -> list[FileState]:
        return [file_state(base + rel, size) for rel, size in items]

    batches = [wanted[i:i + HASH_BATCH] for i in range(0, len(wanted), HASH_BATCH)]
    if len(batches) <= 1:
        return [state for b in batches for state in batch(b)]
    with ThreadPoolExecutor(max_workers=HASH_WORKERS, thread_name_prefix="hash") as pool:
        return [state for states in pool.map(batch, batches) for state in states]
