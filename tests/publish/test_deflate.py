"""deflate.gzip_file: one gzip stream whose bytes depend neither on the number of threads nor on the pieces
copied from an earlier file."""

from __future__ import annotations

import gzip
import os
import random
import subprocess
import zlib

import duckdb
import pytest

from sealreg.publish import deflate
from sealreg.publish.deflate import PIECE_MAX, PIECE_MIN, PreviousPieces, gzip_file, piece_bounds


def _text(n: int) -> bytes:
    """CSV-like bytes that compress unevenly (repeats far apart, random runs)."""
    rng = random.Random(n)
    rows = [f"svc-{rng.randrange(10**6):06d},SOV-{rng.randrange(7)},{rng.random():.6f}\n".encode()
            for _ in range(n // 24 + 1)]
    return b"".join(rows)[:n]


@pytest.mark.parametrize("size", [0, 1, 100, deflate.WINDOW + 1, PIECE_MIN, PIECE_MAX, PIECE_MAX + 1,
                                  3 * PIECE_MAX + 777])
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
    """Random bytes repeated just after a piece boundary cost next to nothing: the second piece is primed
    with the window before it (unprimed, the repeat would take its full size again). Without a line end
    the first piece ends after PIECE_MAX bytes."""
    noise = random.Random(7).randbytes(deflate.WINDOW // 2)
    src = tmp_path / "in.bin"
    src.write_bytes(b"\0" * (PIECE_MAX - len(noise)) + noise + noise)
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


def _edited(data: bytes, at: int) -> bytes:
    """`data` with the line holding byte `at` replaced by a longer one (what follows moves)."""
    start, end = data.rindex(b"\n", 0, at) + 1, data.index(b"\n", at)
    return data[:start] + b"svc-edited,SOV-9,0.123456789" + data[end:]


def test_cuts_depend_on_the_bytes_around_them_so_an_edit_moves_only_its_own(tmp_path):
    before = _text(6 * PIECE_MAX)
    after = _edited(before, 3 * PIECE_MAX)
    old, new = piece_bounds(before), piece_bounds(after)
    moved = len(after) - len(before)
    assert all(PIECE_MIN <= e - s <= PIECE_MAX for s, e in old[:-1])
    assert [b for b in new if b[1] <= 3 * PIECE_MAX - PIECE_MAX] == [b for b in old if b[1] <= 2 * PIECE_MAX]
    shifted = {(s - moved, e - moved) for s, e in new if s > 3 * PIECE_MAX + PIECE_MAX}
    assert shifted and shifted <= set(old)


def test_pieces_copied_from_the_previous_file_give_the_bytes_of_a_fresh_gzip(tmp_path):
    before, after = tmp_path / "before.csv", tmp_path / "after.csv"
    before.write_bytes(_text(6 * PIECE_MAX))
    after.write_bytes(_edited(before.read_bytes(), 3 * PIECE_MAX))
    pieces = gzip_file(before, tmp_path / "before.gz", 6, threads=2)
    fresh = gzip_file(after, tmp_path / "fresh.gz", 6, threads=2)
    source = PreviousPieces(os.open(tmp_path / "before.gz", os.O_RDONLY), pieces)
    copied: list[str] = []
    read = source.read

    def counted(key: str) -> bytes | None:
        data = read(key)
        if data is not None:
            copied.append(key)
        return data

    source.read = counted
    try:
        again = gzip_file(after, tmp_path / "copied.gz", 6, threads=2, previous=source)
    finally:
        source.close()
    assert (tmp_path / "copied.gz").read_bytes() == (tmp_path / "fresh.gz").read_bytes()
    assert again == fresh
    assert len(copied) >= len(fresh) - 3  # the edited piece, the one after it, the last one
    assert gzip.decompress((tmp_path / "copied.gz").read_bytes()) == after.read_bytes()


def test_a_piece_record_pointing_past_the_file_costs_a_deflate_not_a_wrong_byte(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(_text(3 * PIECE_MAX))
    pieces = gzip_file(src, tmp_path / "first.gz", 6, threads=2)
    size = (tmp_path / "first.gz").stat().st_size
    source = PreviousPieces(os.open(tmp_path / "first.gz", os.O_RDONLY),
                            [[k, size - 1, n, d] for k, _, n, d in pieces] + [["x", -1, 2], "y"])
    try:
        gzip_file(src, tmp_path / "again.gz", 6, threads=2, previous=source)
    finally:
        source.close()
    assert (tmp_path / "again.gz").read_bytes() == (tmp_path / "first.gz").read_bytes()


def test_a_first_piece_is_never_copied_as_a_later_piece_with_the_same_window_and_bytes(tmp_path):
    """The first piece deflates its bytes without a window; a later piece deflates the bytes after its 32 KiB
    window. Here the first piece of `one` is, byte for byte, the window and bytes of the second piece of `two`
    (the same text after a newline-free prefix, cut at the same line end): copying it would put the window's
    bytes in twice (gzip: CRC check failed)."""
    rng = random.Random(18)

    def lines(n: int) -> bytes:
        text = b"".join(f"svc-{rng.randrange(10**6):06d},{rng.random():.6f}\n".encode() for _ in range(n // 20 + 1))
        return text[:n - 1] + b"\n"

    window = b"y" * (deflate.WINDOW - 1) + b"\n"  # one line: no cut inside it
    gap = b"z" * (deflate.WINDOW + 4096) + b"\n"  # no line end where only `one`'s first piece may cut
    one = window + lines(PIECE_MIN - deflate.WINDOW) + gap + lines(3 * PIECE_MIN)
    two = b"x" * (PIECE_MIN - deflate.WINDOW + 5) + one
    shift = len(two) - len(one)
    first = piece_bounds(one)[0]
    assert (shift + deflate.WINDOW, shift + first[1]) in piece_bounds(two)  # the layout the test is about
    (tmp_path / "one.csv").write_bytes(one)
    (tmp_path / "two.csv").write_bytes(two)
    pieces = gzip_file(tmp_path / "one.csv", tmp_path / "one.gz", 6, threads=2)
    source = PreviousPieces(os.open(tmp_path / "one.gz", os.O_RDONLY), pieces)
    try:
        gzip_file(tmp_path / "two.csv", tmp_path / "copied.gz", 6, threads=2, previous=source)
    finally:
        source.close()
    gzip_file(tmp_path / "two.csv", tmp_path / "fresh.gz", 6, threads=2)
    assert (tmp_path / "copied.gz").read_bytes() == (tmp_path / "fresh.gz").read_bytes()
    assert gzip.decompress((tmp_path / "copied.gz").read_bytes()) == two


def test_a_previous_file_whose_bytes_changed_under_its_record_is_not_copied_from(tmp_path):
    """The record's offsets still fit and the file's stamp may be the one the switch verified (a bit flipped on
    the disk): each copied piece is checked against the digest of its deflate."""
    src = tmp_path / "in.csv"
    src.write_bytes(_text(4 * PIECE_MAX))
    pieces = gzip_file(src, tmp_path / "first.gz", 6, threads=2)
    fresh = (tmp_path / "first.gz").read_bytes()
    changed = bytearray(fresh)
    changed[pieces[1][1] + pieces[1][2] // 2] ^= 4  # inside the second piece
    (tmp_path / "changed.gz").write_bytes(bytes(changed))
    source = PreviousPieces(os.open(tmp_path / "changed.gz", os.O_RDONLY), pieces)
    try:
        assert source.read(pieces[1][0]) is None and source.read(pieces[2][0]) is not None
        gzip_file(src, tmp_path / "again.gz", 6, threads=2, previous=source)
    finally:
        source.close()
    assert (tmp_path / "again.gz").read_bytes() == fresh
