"""chain.manifest_fields: the few keys the chain walk reads, exactly as a full parse gives them."""

from __future__ import annotations

import json

import pytest

from sealreg.publish.chain import manifest_fields
from tests.publish.test_latest_release import VARIANTS

NAMES = ("previous_release_id", "previous_manifest_sha256", "sequence")

#: Texts msgspec and `json` could read differently, besides the manifest variants of the latest-release tests.
EDGES = {
    "NaN elsewhere": b'{"x": NaN, "sequence": 3, "previous_release_id": "a"}',
    "huge float": b'{"sequence": 1e400}',
    "lone surrogate": b'{"previous_release_id": "\\ud800", "sequence": 2}',
    "surrogate pair": b'{"previous_release_id": "\\ud83d\\ude00", "sequence": 2}',
    "big int": b'{"sequence": 123456789012345678901234567890}',
    "null link": b'{"previous_release_id": null, "previous_manifest_sha256": null, "sequence": 1}',
    "nested link only": b'{"files": {"previous_release_id": "forged"}, "sequence": 4}',
    "duplicate link": b'{"previous_release_id": "a", "previous_release_id": "b"}',
    "invalid UTF-8 in a skipped value": b'{"files": {"\xff": 1}, "sequence": 2}',
    "trailing text": b'{"sequence": 2} {}',
    "byte order mark": b'\xef\xbb\xbf{"sequence": 2}',
    "empty": b"",
    "whitespace around": b' \n{"sequence": 2}\t\r\n',
}


def _full_parse(data: bytes):
    """What `read_manifest` then `.get` give: the reference."""
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return {n: parsed[n] for n in NAMES if n in parsed} if isinstance(parsed, dict) else None


@pytest.mark.parametrize("text", [v(7) for v in VARIANTS.values()] + list(EDGES.values()))
def test_the_fields_are_those_of_a_full_parse(text):
    data = text.encode() if isinstance(text, str) else text
    assert manifest_fields(data, NAMES) == _full_parse(data)


def test_a_real_manifest_shape_gives_its_link(tmp_path):
    doc = {"files": {f"site/p{i}.html": {"sha256": "0" * 64, "size": i} for i in range(2000)},
           "previous_manifest_sha256": "ab" * 32, "previous_release_id": "2026-11-30-001", "sequence": 4}
    data = (json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n").encode()
    assert manifest_fields(data, NAMES) == {"previous_manifest_sha256": "ab" * 32,
                                            "previous_release_id": "2026-11-30-001", "sequence": 4}


#: A manifest nested past the parsers' recursion limits (json and msgspec raise RecursionError on it).
DEEP = b'{"files": ' + b"[" * 100_000 + b"]" * 100_000 + b', "sequence": 2}'


def test_a_manifest_nested_past_the_recursion_limit_reads_as_no_manifest(tmp_path):
    """A folder beside the releases whose manifest is hostile nesting is skipped like any unreadable one,
    not a RecursionError that stops every publish and verify of the home."""
    from sealreg.publish.chain import latest_release, read_manifest, read_manifest_fields

    good, deep = tmp_path / "2026-12-01-001", tmp_path / "2026-12-02-001"
    good.mkdir()
    deep.mkdir()
    (good / "manifest.json").write_text('{"sequence": 1, "files": {}}', encoding="utf-8")
    (deep / "manifest.json").write_bytes(DEEP.replace(b'"sequence"', b'"seq\\u0075ence"'))
    assert manifest_fields(DEEP, NAMES) is None
    assert read_manifest(deep) is None and read_manifest_fields(deep, NAMES) is None
    assert latest_release(tmp_path) == (good, {"sequence": 1, "files": {}})
