"""The benchmark generator: reproducible bytes, valid files pass the real validator, invalid ones are
rejected with the code they were built for, and `mutate` adds valid newer submissions."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

from bench.generate import AS_OF, CRITERIA, INVALID_CODES, generate, mutate
from ingestion.ingest import validate_paths
from ingestion.lei import checksum_ok


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


def _codes_by_file(folder: Path, as_of: dt.date) -> dict[str, set[str]]:
    problems = validate_paths(sorted(folder.glob("*.json")), as_of)
    out: dict[str, set[str]] = defaultdict(set)
    for p in problems:
        out[Path(p.file).name].add(p.code)
    return out


def test_same_seed_same_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, 40, seed=11)
    generate(b, 40, seed=11)
    generate(c, 40, seed=12)
    assert _files(a) == _files(b)
    assert _files(a) != _files(c)


def test_valid_batch_passes_the_validator(tmp_path):
    stats = generate(tmp_path, 30, seed=3, invalid_share=0.0)
    assert stats["invalid_files"] == 0
    assert validate_paths(sorted(tmp_path.glob("*.json")), AS_OF) == []
    docs = [json.loads(p.read_bytes()) for p in tmp_path.glob("*.json")]
    services = [s for d in docs for s in d["services"]]
    assert all(set(s["answers"]) == set(CRITERIA) for s in services)
    assert len({s["service_id"] for s in services}) == stats["services"]  # superseded copies repeat ids
    assert len({d["disclosure_id"] for d in docs}) == len(docs)
    assert {s["model"] for s in services} == {"IaaS", "PaaS", "SaaS"}


def test_variety(tmp_path):
    generate(tmp_path, 200, seed=5, invalid_share=0.0)
    docs = [json.loads(p.read_bytes()) for p in tmp_path.glob("*.json")]
    services = [s for d in docs for s in d["services"]]
    assert 2.6 <= len(services) / len(docs) <= 3.6
    assert max(len(d["parents"]) for d in docs) == 3  # chains of 4 levels above the provider
    controllers = {d["parents"][-1]["controlled_by_country"] for d in docs if d["parents"]}
    assert {"US", "CN", "CH", "GB"} <= controllers | {o["country"] for d in docs for o in d["ownership"]}
    assert any(not any(o["controls"] or o["voting_pct"] > 50 for o in d["ownership"]) for d in docs)  # dispersed
    assert any("cada" not in s for s in services) and any("audit" in s.get("cada", {}) for s in services)
    assert any("evidence" in s for s in services)
    assert any(c["valid_until"] < AS_OF.isoformat() for d in docs for c in d["certifications"])
    leis = [d["provider"]["lei"] for d in docs if "lei" in d["provider"]]
    assert leis and all(checksum_ok(x) for x in leis) and len(leis) < len(docs)


def test_invalid_share_gives_rejections_with_their_codes(tmp_path):
    stats = generate(tmp_path, 60, seed=9, invalid_share=0.25)
    assert stats["invalid_files"] == 15
    assert stats["invalid_codes"] == sorted(INVALID_CODES)
    codes = _codes_by_file(tmp_path, AS_OF)
    invalid = sorted(p.name for p in tmp_path.glob("zz-invalid-*.json"))
    assert len(invalid) == 15
    for name in invalid:
        expected = name.removesuffix(".json").rsplit("-", 1)[1]
        assert expected in codes[name], (name, codes.get(name))
    # no valid file is rejected, except the provider whose new service id the E013 file contests on a
    # first night: a contested new id goes to neither claimant (docs/security.md)
    others = {name: got for name, got in codes.items() if name not in invalid}
    assert len(others) <= 1 and all(got == {"E013"} for got in others.values()), others


def test_mutate_adds_valid_newer_submissions(tmp_path):
    generate(tmp_path, 100, seed=4, invalid_share=0.05)
    before = _files(tmp_path)
    new = mutate(tmp_path, 0.05, seed=1)
    assert len(new) == 5 and not set(new) & set(before)
    after = _files(tmp_path)
    assert set(after) == set(before) | set(new)
    codes = _codes_by_file(tmp_path, AS_OF + dt.timedelta(days=1))
    assert all(name.startswith("zz-invalid-") for name in codes)
    for name in new:
        doc = json.loads(after[name])
        assert doc["submitted_at"].startswith("2026-11-29")


def test_supply_chain_has_chains_to_depth_5_cycles_platforms_and_unregistered_ids(tmp_path):
    stats = generate(tmp_path, 600, seed=7, invalid_share=0.0)
    assert validate_paths(sorted(tmp_path.glob("*.json")), AS_OF) == []
    docs = [json.loads(p.read_bytes()) for p in sorted(tmp_path.glob("*.json"))]
    latest = {}
    for d in sorted(docs, key=lambda d: d["submitted_at"]):
        latest[d["provider"]["provider_id"]] = d
    services = {s["service_id"]: s for d in latest.values() for s in d["services"]}
    with_runs_on = [s for s in services.values() if s.get("runs_on")]
    assert 0.25 <= len(with_runs_on) / len(services) <= 0.5
    assert stats["runs_on_services"] == len(with_runs_on)
    items = [i for s in with_runs_on for i in s["runs_on"]]
    platforms = {i["operator_country"] for i in items if "platform" in i}
    assert {"US", "CN"} <= platforms and platforms & {"DE", "FR", "FI"}
    assert any(i.get("service_id", "").startswith("unregistered-") for i in items)
    edges = {sid: [i["service_id"] for i in s.get("runs_on", []) if "service_id" in i] for sid, s in services.items()}
    assert any(b in edges and a in edges[b] for a, deps in edges.items() for b in deps), "a cycle"

    def depth(sid: str, seen: frozenset = frozenset()) -> int:
        s = services.get(sid)
        if s is None or sid in seen or not s.get("runs_on"):
            return 0
        return 1 + max(depth(i.get("service_id", ""), seen | {sid}) if "service_id" in i else 0
                       for i in s["runs_on"])

    assert max(depth(sid) for sid in services) == 5
    assert all(d["schema_version"] == ("1.1" if any("runs_on" in s for s in d["services"]) else "1") for d in docs)
