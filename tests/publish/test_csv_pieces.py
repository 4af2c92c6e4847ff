"""A night's csv.gz copies the deflated pieces of the previous release's file that did not change: the same
bytes as an export deflated whole, and only from a record the signing key vouches for and a file that still
holds what the previous manifest lists."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sealreg.publish import deflate, reuse
from sealreg.publish.release import CSV_GZIP_LEVEL, build_release
from sealreg.publish.reuse import PIECES_DIR, PreviousRelease, record_pieces, recorded_pieces
from sealreg.publish.signing import public_key_pem
from sealreg.publish.switch import switch_current
from tests.publish.test_export_jobs import _big_tables

TABLES = ("criterion_results", "cada_gates", "objective_results")


@pytest.fixture
def copied(monkeypatch) -> list[str]:
    """The keys of the pieces copied from a previous file."""
    keys: list[str] = []
    real = deflate.PreviousPieces.read

    def read(self, key):
        data = real(self, key)
        if data is not None:
            keys.append(key)
        return data

    monkeypatch.setattr(deflate.PreviousPieces, "read", read)
    return keys


def _change_one_service(warehouse) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("UPDATE criterion_results SET points = points + 1 WHERE service_id = 'svc-200000'")
    finally:
        con.close()


def _deflated_whole(ctx):
    """A release of the same warehouse whose csv.gz files are deflated whole (no record to copy from)."""
    shutil.rmtree(ctx.paths.releases / PIECES_DIR)
    return build_release(ctx)


def test_a_night_copies_the_unchanged_pieces_and_writes_the_bytes_of_a_whole_deflate(ctx, copied):
    _big_tables(ctx.run_warehouse)
    first = build_release(ctx)
    switch_current(ctx, first)  # its files' stamps recorded: read from without being hashed again
    assert not copied
    _change_one_service(ctx.run_warehouse)
    second = build_release(ctx)
    assert len(copied) > 100
    whole = _deflated_whole(ctx)
    for table in TABLES:
        assert (second / f"csv/{table}.csv.gz").read_bytes() == (whole / f"csv/{table}.csv.gz").read_bytes()
    name = "csv/criterion_results.csv.gz"
    assert (second / name).read_bytes() != (first / name).read_bytes()
    con = duckdb.connect()
    try:
        assert con.execute(f"SELECT sum(points) FROM read_csv('{second}/csv/criterion_results.csv.gz') "
                           "WHERE service_id = 'svc-200000'").fetchone()[0] == pytest.approx(
            con.execute(f"SELECT sum(points) + count(*) FROM read_csv('{first}/csv/criterion_results.csv.gz') "
                        "WHERE service_id = 'svc-200000'").fetchone()[0])
    finally:
        con.close()


def test_a_previous_csv_gz_altered_in_place_is_not_copied_from(ctx, copied):
    _big_tables(ctx.run_warehouse)
    first = build_release(ctx)
    target = first / "csv" / "criterion_results.csv.gz"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 1  # inside a piece the record lists
    with open(target, "r+b") as f:
        f.write(bytes(data))
    second = build_release(ctx)
    copied_elsewhere = len(copied)
    whole = _deflated_whole(ctx)
    name = "csv/criterion_results.csv.gz"
    assert (second / name).read_bytes() == (whole / name).read_bytes()
    assert copied_elsewhere > 0  # the other tables' files were intact and copied from


def test_a_piece_record_is_read_only_under_the_signing_key_and_the_same_zlib_and_level(tmp_path, monkeypatch):
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    release = tmp_path / "releases" / "2026-12-01-001"
    release.mkdir(parents=True)
    previous = PreviousRelease(release, {})
    tables = {"criterion_results": [["a" * 64, 10, 99]]}
    record_pieces(release, CSV_GZIP_LEVEL, tables, key)
    assert recorded_pieces(previous, public_key_pem(key), CSV_GZIP_LEVEL) == tables
    assert recorded_pieces(previous, public_key_pem(key), CSV_GZIP_LEVEL + 1) == {}
    monkeypatch.setattr(reuse, "RECORD_MAX_BYTES", 100)  # a record larger than that is not read
    assert recorded_pieces(previous, public_key_pem(key), CSV_GZIP_LEVEL) == {}
    monkeypatch.undo()
    assert recorded_pieces(previous, public_key_pem(other), CSV_GZIP_LEVEL) == {}
    record = tmp_path / "releases" / PIECES_DIR / f"{release.name}.json"
    record.write_bytes(record.read_bytes().replace(b'"a', b'"b', 1))  # edited after signing
    assert recorded_pieces(previous, public_key_pem(key), CSV_GZIP_LEVEL) == {}
    record_pieces(release, CSV_GZIP_LEVEL, tables, other)  # signed by a key that is not the registry's
    assert recorded_pieces(previous, public_key_pem(key), CSV_GZIP_LEVEL) == {}
