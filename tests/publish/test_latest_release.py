"""chain.latest_release: the last of published_releases, parsing one manifest instead of every one."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from sealreg.publish import chain
from sealreg.publish.chain import latest_release, next_link, published_releases, read_latest


def _release(releases: Path, name: str, text: str | bytes) -> Path:
    folder = releases / name
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_bytes(text.encode() if isinstance(text, str) else text)
    return folder


def _compact(doc: dict) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n"


#: Manifest texts for a release of sequence n: the usual ones and what a hand, a bug or an attacker might leave.
VARIANTS = {
    "compact": lambda n: _compact({"sequence": n, "files": {"a": {"sha256": "0" * 64, "size": 1}}}),
    "indented": lambda n: json.dumps({"sequence": n, "release_id": "x"}, sort_keys=True, indent=2) + "\n",
    "no sequence": lambda n: _compact({"release_id": "old"}),
    "nested only": lambda n: _compact({"extra": {"sequence": n + 50}}),
    "nested and top": lambda n: _compact({"extra": {"sequence": 1}, "sequence": n}),
    "top and nested": lambda n: _compact({"sequence": n, "zz": {"sequence": 1}}),
    "escaped key": lambda n: '{"extra": {"sequence": 1}, "\\u0073equence": ' + str(n) + "}",
    "duplicate key": lambda n: '{"sequence": ' + str(n + 60) + ', "sequence": ' + str(n) + "}",
    "odd spacing": lambda n: '{"extra": {"sequence":1}, "sequence" :\n ' + str(n) + "}",
    "string value": lambda n: _compact({"note": '"sequence": 999,', "sequence": n}),
    "bool": lambda n: _compact({"sequence": True}),
    "negative": lambda n: _compact({"sequence": -n}),
    "float": lambda n: '{"sequence": ' + str(n) + ".5}",
    "leading zero": lambda n: '{"sequence": 0' + str(n + 70) + "}",
    "not JSON": lambda n: '{"sequence": ' + str(n + 80) + ", oops",
    "not an object": lambda n: '[{"sequence": ' + str(n + 90) + "}]",
    "not UTF-8": lambda n: b'{"sequence": ' + str(n + 95).encode() + b', "x": "\xff"}',
}


@pytest.mark.parametrize("seed", range(60))
def test_the_latest_release_is_the_last_of_the_published_ones_whatever_the_manifests_hold(tmp_path, seed):
    rng = random.Random(seed)
    releases = tmp_path / "releases"
    releases.mkdir()
    names = list(VARIANTS)
    for i in range(rng.randint(1, 12)):
        variant = rng.choice(names)
        _release(releases, f"2026-11-{rng.randint(1, 28):02d}-{i:03d}", VARIANTS[variant](rng.randint(1, 40)))
    (releases / ".tmp-2026-12-01-001").mkdir()
    (releases / ".tmp-2026-12-01-001" / "manifest.json").write_text(_compact({"sequence": 10**6}))
    expected = published_releases(releases)
    got = latest_release(releases)
    assert got == (expected[-1] if expected else None)


@pytest.mark.parametrize("variant", ["escaped key", "top and nested", "odd spacing", "indented"])
def test_a_manifest_whose_text_names_a_lower_sequence_is_still_found_last(tmp_path, variant):
    releases = tmp_path / "releases"
    _release(releases, "2026-11-01-001", VARIANTS["compact"](5))
    last = _release(releases, "2026-11-02-001", VARIANTS[variant](9))
    found = latest_release(releases)
    assert found is not None and found[0] == last and found[1]["sequence"] == 9
    assert next_link(releases, read_latest(releases)) == {"sequence": 10, "previous_release_id": last.name,
                                   "previous_manifest_sha256": chain.manifest_sha256(last)}


def test_a_broken_manifest_that_names_a_higher_sequence_is_not_a_release(tmp_path):
    releases = tmp_path / "releases"
    last = _release(releases, "2026-11-01-001", VARIANTS["compact"](5))
    for name in ("not JSON", "not an object", "not UTF-8", "leading zero"):
        _release(releases, f"2026-11-02-{len(name):03d}", VARIANTS[name](1))
    assert latest_release(releases) == (last, json.loads(VARIANTS["compact"](5)))


def test_only_the_last_manifest_is_parsed(tmp_path, monkeypatch):
    releases = tmp_path / "releases"
    for n in range(1, 31):
        _release(releases, f"2026-10-{n:02d}-001", VARIANTS["compact"](n))
    parsed: list[bytes] = []
    real = chain.parse_manifest
    monkeypatch.setattr(chain, "parse_manifest", lambda data: parsed.append(data) or real(data))
    link = next_link(releases, read_latest(releases))
    assert link["sequence"] == 31 and link["previous_release_id"] == "2026-10-30-001"
    assert parsed == [VARIANTS["compact"](30).encode()]


def test_manifests_without_sequences_are_counted_for_the_next_one(tmp_path):
    releases = tmp_path / "releases"
    for n in range(1, 4):
        _release(releases, f"2026-10-{n:02d}-001", VARIANTS["no sequence"](n))
    _release(releases, "2026-10-04-001", VARIANTS["compact"](2))
    assert next_link(releases, read_latest(releases))["sequence"] == 5  # four releases, the last one numbered 2
