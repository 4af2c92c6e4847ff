"""site-inputs.json.gz: the page digests a release records, gzip'd with fixed bytes, and read back only whole."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from sealreg.publish.site import inputs

PAGES = {f"services/svc-{i:05d}.html": f"{i:064x}" for i in range(2000)} | {"providers/prov-a.html": "a" * 64}


def _release(tmp_path: Path, data: bytes) -> Path:
    (tmp_path / inputs.INPUTS_FILE).write_bytes(data)
    return tmp_path


def test_the_digests_are_gzip_with_the_same_bytes_for_the_same_pages_and_read_back(tmp_path):
    data = inputs.inputs_bytes(PAGES)
    assert data == inputs.inputs_bytes(dict(reversed(list(PAGES.items()))))  # sorted, no name, no time
    assert data[:2] == b"\x1f\x8b" and data[4:8] == b"\0\0\0\0"
    doc = json.loads(gzip.decompress(data))
    assert doc["version"] == inputs.INPUTS_VERSION and doc["pages"] == PAGES
    assert len(data) < len(gzip.decompress(data)) / 2
    assert inputs.read_inputs(_release(tmp_path, data)) == PAGES


@pytest.mark.parametrize("damage", ["trailing bytes", "cut short", "not gzip", "plain JSON of the older layout",
                                    "gzip of something else"])
def test_a_damaged_or_foreign_file_lends_no_digest_and_raises_nothing(tmp_path, damage):
    good = inputs.inputs_bytes(PAGES)
    data = {
        "trailing bytes": good + gzip.compress(b"{}", mtime=0),
        "cut short": good[:-9],
        "not gzip": b"\x1f\x8bnot really",
        "plain JSON of the older layout": gzip.decompress(good),
        "gzip of something else": gzip.compress(b"\xff\xfe[1, 2]", mtime=0),
    }[damage]
    assert inputs.read_inputs(_release(tmp_path, data)) == {}


def test_a_file_that_unpacks_beyond_the_limit_is_not_read(tmp_path, monkeypatch):
    data = inputs.inputs_bytes(PAGES)
    monkeypatch.setattr(inputs, "INPUTS_MAX_JSON_BYTES", len(gzip.decompress(data)) - 1)
    assert inputs.read_inputs(_release(tmp_path, data)) == {}
    monkeypatch.setattr(inputs, "INPUTS_MAX_JSON_BYTES", len(gzip.decompress(data)))
    assert inputs.read_inputs(_release(tmp_path, data)) == PAGES


def test_the_manifest_entry_still_decides_whether_the_file_counts(tmp_path):
    import hashlib

    data = inputs.inputs_bytes(PAGES)
    release = _release(tmp_path, data)
    listed = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert inputs.read_inputs(release, listed) == PAGES
    assert inputs.read_inputs(release, {**listed, "sha256": "0" * 64}) == {}
