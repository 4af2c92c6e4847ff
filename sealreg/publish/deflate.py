"""gzip a file in pieces cut by its content, on a few threads, with the same bytes however the work is split.

As pigz does: each piece is deflated on its own, primed with the 32 KiB before it (so it still refers back
as one stream would) and ended by a sync flush, and the pieces are joined in order into one gzip member with
the CRC-32 and length of the whole input. A piece ends at the first line end at least `PIECE_MIN` bytes in
whose next `CUT_PROBE` bytes have a CRC-32 with the `CUT_MASK` bits clear (else after `PIECE_MAX` bytes), so
the cuts depend only on the bytes around them: rows changed in one place move the cuts of that place only.
A piece's deflated bytes depend only on its window and its bytes, so one thread or many give the same file,
and any gzip reader reads it as one stream. zlib releases the GIL while it compresses, so the threads use the
cores; at most `2 * threads` pieces are in memory at once.

A piece whose window length, window and bytes (their sha256) an earlier file of the same code and zlib holds
(`PreviousPieces`) is copied from that file instead of deflated again: the same bytes, for a read.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import struct
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

#: Fewest input bytes in a piece (its cut is looked for after them) and most (cut there if none was found).
PIECE_MIN = 1 << 17
PIECE_MAX = 1 << 20
#: A line end is a cut when the CRC-32 of the `CUT_PROBE` bytes after it has these bits clear (1 in 64).
CUT_MASK = 0x3F
CUT_PROBE = 32
#: What deflate can refer back to: the bytes before a piece prime it.
WINDOW = 1 << 15
#: gzip header: magic, deflate, no flags, mtime 0, no extra flags, OS "unknown" (as `gzip.compress(mtime=0)`).
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"

#: One piece of a written file: [sha256 hex of its window's length, window and bytes, offset in the file, length,
#: sha256 hex of its deflated bytes].
Piece = list


def piece_bounds(data: bytes | mmap.mmap) -> list[tuple[int, int]]:
    """(start, end) of each piece of `data`, in order, covering all of it."""
    n, out, start = len(data), [], 0
    find, crc = data.find, zlib.crc32
    while start < n:
        end = min(n, start + PIECE_MAX)
        cut, pos = end, start + PIECE_MIN
        while pos < end:
            q = find(b"\n", pos, end)
            if q < 0:
                break
            q += 1
            if crc(data[q:q + CUT_PROBE]) & CUT_MASK == 0:
                cut = q
                break
            pos = q
        out.append((start, cut))
        start = cut
    return out


class PreviousPieces:
    """The pieces of an earlier gzip file written by `gzip_file` (its `Piece` list), read from that file (an
    open descriptor, closed by `close`). The list is trusted as it is: it must come from a signed record; the
    bytes read are checked against its digests (a file whose stamp is unchanged may still hold other bytes)."""

    def __init__(self, fd: int, pieces: list[Piece]) -> None:
        self.fd = fd
        self.where = {p[0]: (p[1], p[2], p[3]) for p in pieces
                      if isinstance(p, list) and len(p) == 4 and isinstance(p[0], str) and isinstance(p[3], str)
                      and all(type(v) is int and v >= 0 for v in p[1:3])}

    def read(self, key: str) -> tuple[bytes, str] | None:
        """(the deflated bytes of the piece with this key, their sha256), or None when the file has none (or
        cannot give them: unreadable, cut short, other bytes)."""
        at = self.where.get(key)
        if at is None:
            return None
        try:
            data = os.pread(self.fd, at[1], at[0])
        except OSError:
            return None
        return (data, at[2]) if len(data) == at[1] and hashlib.sha256(data).hexdigest() == at[2] else None

    def close(self) -> None:
        os.close(self.fd)


def _piece(data: mmap.mmap, start: int, end: int, level: int, previous: PreviousPieces | None
           ) -> tuple[bytes, bytes, str, str]:
    """(the piece's input bytes, their raw deflate primed with the window before them, the key of window and
    bytes, the sha256 of the deflate); the last piece ends the stream (and has no key: it is never reused),
    every other one ends on a byte boundary (sync flush)."""
    lead = min(start, WINDOW)
    chunk = data[start - lead:end]
    piece = memoryview(chunk)[lead:]
    if end == len(data):
        key = ""
    else:
        # the window's length first: the first piece (no window) and a later one (a window) of the same chunk
        # deflate to different bytes
        key = hashlib.sha256(lead.to_bytes(4, "big") + chunk).hexdigest()
        reused = previous.read(key) if previous is not None else None
        if reused is not None:
            return piece, reused[0], key, reused[1]
    comp = zlib.compressobj(level, zlib.DEFLATED, -15, zdict=chunk[:lead]) if lead else \
        zlib.compressobj(level, zlib.DEFLATED, -15)
    deflated = comp.compress(piece) + comp.flush(zlib.Z_SYNC_FLUSH if key else zlib.Z_FINISH)
    return piece, deflated, key, hashlib.sha256(deflated).hexdigest() if key else ""


def gzip_file(src: Path, dst: Path, level: int, threads: int, previous: PreviousPieces | None = None) -> list[Piece]:
    """Write `dst`, the gzip of `src`'s bytes at zlib `level`, deflating up to `threads` pieces at once, copying
    the pieces `previous` holds; return the `Piece` of each piece but the last."""
    pieces: list[Piece] = []
    with open(src, "rb") as f, open(dst, "wb") as out:
        size = os.fstat(f.fileno()).st_size
        out.write(_HEADER)
        offset, crc = len(_HEADER), 0
        if size == 0:
            out.write(zlib.compressobj(level, zlib.DEFLATED, -15).flush(zlib.Z_FINISH))
        else:
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data, \
                    ThreadPoolExecutor(max_workers=threads, thread_name_prefix="gzip") as pool:
                work: Callable[[tuple[int, int]], Future] = \
                    lambda b: pool.submit(_piece, data, b[0], b[1], level, previous)  # noqa: E731
                bounds = iter(piece_bounds(data))
                pending: deque[Future] = deque(work(b) for _, b in zip(range(2 * threads), bounds, strict=False))
                while pending:
                    piece, deflated, key, digest = pending.popleft().result()
                    crc = zlib.crc32(piece, crc)
                    piece.release()
                    out.write(deflated)
                    if key:
                        pieces.append([key, offset, len(deflated), digest])
                    offset += len(deflated)
                    following = next(bounds, None)
                    if following is not None:
                        pending.append(work(following))
        out.write(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return pieces
