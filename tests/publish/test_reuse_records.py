"""The records a night reads beside the previous release (`.verified` stamps, `.csv-pieces`) are hostile input:
one reader caps their size, and a record too large, nested too deep or malformed is read as none."""

from __future__ import annotations

import json

from sealreg.publish import reuse
from sealreg.publish.chain import LatestRelease
from sealreg.publish.reuse import VERIFIED_DIR, previous_release, record_verified
from sealreg.publish.tree import file_stamp


def _release(tmp_path):
    release = tmp_path / "releases" / "2026-12-01-001"
    release.mkdir(parents=True)
    (release / "manifest.json").write_text('{"files": {"a.txt": {}}}')
    (release / "a.txt").write_text("a")
    stamps = {rel: file_stamp((release / rel).stat()) for rel in ("manifest.json", "a.txt")}
    return release, stamps


def _stamps(release):
    data = (release / "manifest.json").read_bytes()
    found = previous_release(LatestRelease(release, json.loads(data), data))
    return found.stamps


def test_the_verified_stamps_are_read_when_the_record_fits_the_cap(tmp_path):
    release, stamps = _release(tmp_path)
    record_verified(release, stamps)
    assert _stamps(release) == stamps


def test_a_verified_record_larger_than_the_cap_is_not_read(tmp_path, monkeypatch):
    release, stamps = _release(tmp_path)
    record_verified(release, stamps)
    record = tmp_path / "releases" / VERIFIED_DIR / f"{release.name}.json"
    monkeypatch.setattr(reuse, "RECORD_MAX_BYTES", record.stat().st_size)
    assert _stamps(release) == stamps  # exactly the cap is still read
    with open(record, "ab") as f:
        f.write(b" ")  # one byte over: still valid JSON, but not read
    assert _stamps(release) == {}
    monkeypatch.undo()
    with open(record, "r+b") as f:
        f.truncate(reuse.RECORD_MAX_BYTES * 8)  # a sparse gigabyte: refused after reading the cap and one byte
    assert _stamps(release) == {}


def test_a_verified_record_nested_too_deep_or_not_json_is_read_as_none(tmp_path):
    release, stamps = _release(tmp_path)
    record_verified(release, stamps)
    record = tmp_path / "releases" / VERIFIED_DIR / f"{release.name}.json"
    for text in (b"[" * 200_000 + b"]" * 200_000, b"\xff\xfe{", b"{", b"[]", b'{"release_id": 1}'):
        record.write_bytes(text)
        assert _stamps(release) == {}
