"""deflate.gzip_file: one gzip stream whose bytes do not depend on the number of threads."""

from __future__ import annotations

import gzip
import random
import subprocess
import zlib

import duckdb
import pytest

from sealreg.publish import deflate
from sealreg.publish.deflate import BLOCK_SIZE, gzip_file


def _text(n: int) -> bytes:
    """CSV-like bytes that compress unevenly (repeats far apart, random runs)."""
    rng = random.Random(n)
    rows = [f"svc-{rng.randrange(10**6):06d},SOV-{rng.randrange(7)},{rng.random():.6f}\n".encode()
            for _ in range(n // 24 + 1)]
    return b"".join(rows)[:n]


@pytest.mark.parametrize("size", [0, 1, 100, deflate.WINDOW + 1, BLOCK_SIZE, BLOCK_SIZE + 1, 3 * BLOCK_SIZE + 777])
def test_the_gzip_reads_back_as_the_input_with_the_same_bytes_on_one_thread_or_three(tmp_path, size):
    src = tmp_path / "in.csv"
    src.write_bytes(_text(size))
    one, three = tmp_path / "one.gz", tmp_path / "three.gz"
    gzip_file(src, one, 6, threads=1)
    gzip_file(src, three, 6, threads=3)
    assert one.read_bytes() == three.read_bytes()
    assert gzip.decompress(one.read_bytes()) == src.read_bytes()
    assert subprocess.run(["gzip", "-t", str(one)]).returncode == 0  # one member, CRC and length right
    stream = zlib.decompressobj(wbits=31)  # one gzip member holds all of it: nothing follows its end
    assert stream.decompress(one.read_bytes()) == src.read_bytes() and stream.eof and stream.unused_data == b""


def test_a_block_refers_back_into_the_block_before(tmp_path):
    """Random bytes repeated just after a block boundary cost next to nothing: the second block is primed
    with the window before it (unprimed, the repeat would take its full size again)."""
    noise = random.Random(7).randbytes(deflate.WINDOW // 2)
    src = tmp_path / "in.bin"
    src.write_bytes(b"\0" * (BLOCK_SIZE - len(noise)) + noise + noise)
    gzip_file(src, tmp_path / "out.gz", 6, threads=2)
    assert gzip.decompress((tmp_path / "out.gz").read_bytes()) == src.read_bytes()
    assert (tmp_path / "out.gz").stat().st_size < len(noise) * 1.2


def test_duckdb_reads_the_csv_it_wrote_once_gzipped(tmp_path):
    plain = tmp_path / "t.csv"
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT i, md5(i::VARCHAR) AS h FROM range(200000) t(i)) TO '{plain}' "
                    "(FORMAT csv, HEADER true)")
        gzip_file(plain, tmp_path / "t.csv.gz", 6, threads=2)
        assert con.execute(f"SELECT count(*), sum(i) FROM read_csv('{tmp_path}/t.csv.gz')").fetchone() == (
            200000, 199999 * 200000 // 2)
    finally:
        con.close()
