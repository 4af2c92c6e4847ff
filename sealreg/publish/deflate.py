"""gzip a file in fixed blocks on a few threads, with the same bytes however the work is split.

As pigz does: each block of `BLOCK_SIZE` input bytes is deflated on its own, primed with the 32 KiB
before it (so it still refers back as one stream would) and ended by a sync flush, and the pieces are
joined in order into one gzip member with the CRC-32 and length of the whole input. A block's bytes
depend only on the input and its position, so one thread or many give the same file, and any gzip
reader reads it as one stream. zlib releases the GIL while it compresses, so the threads use the cores;
at most `2 * threads` blocks are in memory at once.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

#: Input bytes deflated as one piece (pigz uses 128 KiB; larger blocks cost fewer flushes).
BLOCK_SIZE = 1 << 20
#: What deflate can refer back to: the block before's last bytes prime the next block.
WINDOW = 1 << 15
#: gzip header: magic, deflate, no flags, mtime 0, no extra flags, OS "unknown" (as `gzip.compress(mtime=0)`).
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def _deflate_block(fd: int, start: int, size: int, level: int) -> tuple[bytes, bytes]:
    """(the block's input bytes, their raw deflate primed with the window before them); the last block
    ends the stream, every other one ends on a byte boundary (sync flush)."""
    lead = min(start, WINDOW)
    chunk = os.pread(fd, lead + min(BLOCK_SIZE, size - start), start - lead)
    data = memoryview(chunk)[lead:]
    comp = zlib.compressobj(level, zlib.DEFLATED, -15, zdict=chunk[:lead]) if lead else \
        zlib.compressobj(level, zlib.DEFLATED, -15)
    last = start + BLOCK_SIZE >= size
    return data, comp.compress(data) + comp.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def gzip_file(src: Path, dst: Path, level: int, threads: int) -> None:
    """Write `dst`, the gzip of `src`'s bytes at zlib `level`, deflating up to `threads` blocks at once."""
    with open(src, "rb") as f, open(dst, "wb") as out:
        fd = f.fileno()
        size = os.fstat(fd).st_size
        out.write(_HEADER)
        crc = 0
        if size == 0:
            out.write(zlib.compressobj(level, zlib.DEFLATED, -15).flush(zlib.Z_FINISH))
        else:
            with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="gzip") as pool:
                pending: deque[Future] = deque()
                starts = iter(range(0, size, BLOCK_SIZE))
                for start in starts:
                    pending.append(pool.submit(_deflate_block, fd, start, size, level))
                    if len(pending) >= 2 * threads:
                        break
                while pending:
                    data, piece = pending.popleft().result()
                    crc = zlib.crc32(data, crc)
                    out.write(piece)
                    start = next(starts, None)
                    if start is not None:
                        pending.append(pool.submit(_deflate_block, fd, start, size, level))
        out.write(struct.pack("<II", crc, size & 0xFFFFFFFF))
