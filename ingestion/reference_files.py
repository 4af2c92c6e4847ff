"""One entry of the references folder, opened once and safely: a regular file, never through a symbolic
link, read by every later step (header, digest, DuckDB's read_csv, quarantine copy) through that one descriptor."""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import stat
from pathlib import Path

from ingestion.inbox import name_problem, open_regular
from ingestion.quarantine import MAX_MODE, quarantine, quarantine_name
from sealreg.errors import Problem

MAX_REFERENCE_BYTES = 8 * 1024**3  # the GLEIF Level 1 golden copy is about 0.5 GB
MAX_HEADER_BYTES = 1 << 20
MAX_COLUMNS = 4096
_CHUNK = 8 << 20
_PROC_FD = Path("/proc/self/fd")
#: sha256 by (device, inode, size, mtime, ctime): a file hashed for the run id is not hashed again by the ingest.
_DIGESTS: dict[tuple[int, int, int, int, int], str] = {}


def _identity(st: os.stat_result) -> tuple[int, int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


class ReferenceFile:
    """An open reference file: name, descriptor, the stat taken when it was opened, and its sha256 once hashed."""

    def __init__(self, name: str, fd: int, opened: os.stat_result):
        self.name = name
        self.fd = fd
        self.opened = opened
        self.sha256: str | None = None
        self.columns: list[str] = []

    @property
    def size(self) -> int:
        return self.opened.st_size

    @property
    def read_path(self) -> str:
        """A path that reads this very descriptor (Linux: /proc/self/fd/N), for DuckDB."""
        return str(_PROC_FD / str(self.fd))

    def header(self) -> tuple[list[str] | None, list[Problem]]:
        """The header row's column names (UTF-8, an optional BOM dropped), or R001."""
        data = os.pread(self.fd, MAX_HEADER_BYTES, 0)
        if not data.strip():
            return None, [Problem(self.name, "R001", "row 1", "the file is empty: a reference file starts with a "
                                                                "header row")]
        end = data.find(b"\n")
        if end < 0 and len(data) == MAX_HEADER_BYTES:
            return None, [Problem(self.name, "R001", "row 1", f"the header row is longer than {MAX_HEADER_BYTES} "
                                                                "bytes")]
        line = data if end < 0 else data[:end]
        try:
            text = codecs.decode(line, "utf-8-sig").rstrip("\r")
        except UnicodeDecodeError as exc:
            return None, [Problem(self.name, "R001", "row 1", f"the header row is not UTF-8 (byte {exc.start + 1})")]
        names = next(csv.reader([text]), [])
        if len(names) > MAX_COLUMNS:
            return None, [Problem(self.name, "R001", "row 1", f"the header has {len(names)} columns; the limit is "
                                                                f"{MAX_COLUMNS}")]
        seen: set[str] = set()
        twice = [n for n in names if n in seen or seen.add(n)]
        if twice:
            return None, [Problem(self.name, "R001", f"row 1, column {n}", f"the header names column {n} twice")
                          for n in dict.fromkeys(twice)]
        self.columns = names
        return names, []

    def hash(self) -> str:
        """sha256 of the content (read through the descriptor, in chunks; once per process and file version)."""
        known = _DIGESTS.get(_identity(self.opened))
        if known is None:
            digest = hashlib.sha256()
            offset = 0
            while chunk := os.pread(self.fd, _CHUNK, offset):
                digest.update(chunk)
                offset += len(chunk)
            known = _DIGESTS[_identity(self.opened)] = digest.hexdigest()
        self.sha256 = known
        return known

    def changed_since_opened(self) -> list[Problem]:
        """R001 if the file was written to while it was read (size or modification time moved)."""
        now = os.fstat(self.fd)
        if (now.st_size, now.st_mtime_ns) != (self.opened.st_size, self.opened.st_mtime_ns):
            return [Problem(self.name, "R001", "row 1", "the file changed while it was read; it is read again at "
                                                        "the next refresh")]
        return []

    def copy_to(self, target: Path, mode: int) -> None:
        """Write this file's content to `target` (replaced atomically), read through the descriptor."""
        tmp = target.with_name(f".{target.name[:80]}.tmp{os.getpid()}")
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
        try:
            os.fchmod(out, mode)
            offset = 0
            while chunk := os.pread(self.fd, _CHUNK, offset):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view):]
                offset += len(chunk)
        finally:
            os.close(out)
        os.replace(tmp, target)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def open_reference(path: Path) -> tuple[ReferenceFile | None, list[Problem]]:
    """Open one entry of the references folder with the inbox's discipline (ingestion/inbox.py): a regular
    file of at most MAX_REFERENCE_BYTES with a usable name, never a link, folder, device or pipe, never
    blocking (R001 otherwise)."""
    name = path.name

    def refused(reason: str) -> tuple[None, list[Problem]]:
        return None, [Problem(name, "R001", "row 1", reason)]

    if bad_name := name_problem(os.fsencode(name)):
        return refused(bad_name)
    result = open_regular(path)
    if isinstance(result, str):
        return refused(result)
    fd, opened = result
    if opened.st_size > MAX_REFERENCE_BYTES:
        os.close(fd)
        return refused(f"the file is {opened.st_size} bytes; the limit is {MAX_REFERENCE_BYTES}")
    return ReferenceFile(name, fd, opened), []


def quarantine_reference(folder: Path, name: str, problems: list[Problem], ref: ReferenceFile | None) -> None:
    """The errors file of ingestion/quarantine.py, and a copy of the file itself when it could be opened."""
    quarantine(folder, name, problems, None)
    if ref is not None and ref.fd >= 0:
        ref.copy_to(folder / quarantine_name(name), stat.S_IMODE(ref.opened.st_mode) & MAX_MODE)


def folder_digests(folder: Path) -> list[tuple[str, str]]:
    """(name, sha256) of every entry of a references folder, in name order, for the run id; an entry that
    cannot be opened as a regular file counts by its name alone."""
    from ingestion.references import reference_entries

    out = []
    for path in reference_entries(folder):
        ref, _ = open_reference(path)
        if ref is None:
            out.append((path.name, "-"))
            continue
        try:
            out.append((path.name, ref.hash()))
        finally:
            ref.close()
    return out
