"""Release trust: pinned verification, self-contained copies, key continuity and rotation, the chain, backfills."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sealreg import steps
from sealreg.config import RunContext
from sealreg.decisions import GENESIS_HASH, canonical_json, record_hash
from sealreg.publish.chain import manifest_sha256
from sealreg.publish.keys import KeyChangeRefused, home_fingerprint
from sealreg.publish.release import build_release, manifest_bytes, sha256_file
from sealreg.publish.reuse import PIECES_DIR
from sealreg.publish.signing import PRIVATE_KEY_FILE, load_or_create_key, public_key_fingerprint, public_key_pem, sign
from sealreg.publish.switch import switch_current
from sealreg.publish.verify import trust_from, verify_release
from tests.helpers import sealreg_cli
from tests.publish.conftest import make_warehouse


def _codes(problems) -> list[tuple[str, str]]:
    return [(p.code, p.file) for p in problems]


def _resign_with_other_key(rel: Path, keys_dir: Path) -> None:
    """What a thorough forger does: alter a file, re-sign the decision records, rewrite manifest,
    signature and public key together, so that the folder is consistent in itself."""
    evil = load_or_create_key(keys_dir)
    evil_fp = public_key_fingerprint(public_key_pem(evil))
    (rel / "csv" / "services.csv.gz").write_text("forged\n")
    m = json.loads((rel / "manifest.json").read_text())
    log = rel / "trust" / "decision_log.jsonl"
    records, prev = [], GENESIS_HASH
    for line in log.read_text().splitlines():
        rec = {**json.loads(line), "key_sha256": evil_fp, "prev_hash": prev}
        rec["hash"] = record_hash(rec)
        rec["signature"] = sign(rec["hash"].encode(), evil)
        records.append(rec)
        prev = rec["hash"]
    log.write_bytes(b"".join(canonical_json(r) + b"\n" for r in records))
    if records:
        m["decision_log_head"]["hash"] = records[-1]["hash"]
    for rel_path in ("csv/services.csv.gz", "trust/decision_log.jsonl"):
        m["files"][rel_path] = {"sha256": sha256_file(rel / rel_path), "size": (rel / rel_path).stat().st_size}
    sums = "".join(f"{m['files'][f]['sha256']}  {f}\n" for f in sorted(m["files"]) if f != "SHA256SUMS")
    (rel / "SHA256SUMS").write_text(sums)
    m["files"]["SHA256SUMS"] = {"sha256": sha256_file(rel / "SHA256SUMS"), "size": len(sums)}
    body = manifest_bytes(m)
    (rel / "manifest.json").write_bytes(body)
    (rel / "manifest.sig").write_text(sign(body, evil) + "\n")
    (rel / "public_key.pem").write_bytes(public_key_pem(evil))


def test_verify_with_a_pinned_fingerprint_fails_closed_on_a_resigned_copy(ctx, tmp_path):
    rel = build_release(ctx)
    fingerprint = home_fingerprint(ctx.paths.keys)
    copy = tmp_path / "elsewhere" / rel.name
    shutil.copytree(rel, copy)
    ok = sealreg_cli("verify", str(copy), "--fingerprint", fingerprint)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    _resign_with_other_key(copy, tmp_path / "evil")
    assert verify_release(copy) == []  # self-consistent: only a pinned key tells it apart
    for anchor in (["--fingerprint", fingerprint], ["--key", str(rel / "public_key.pem")]):
        proc = sealreg_cli("verify", str(copy), *anchor)
        assert proc.returncode == 1, proc.stdout
        assert "public_key.pem: V003" in proc.stdout
    unpinned = sealreg_cli("verify", str(copy))
    assert unpinned.returncode == 2 and "no trusted key" in unpinned.stderr


def test_a_copied_release_with_decisions_verifies_without_the_home(ctx, tmp_path):
    rel = build_release(ctx)
    assert json.loads((rel / "manifest.json").read_text())["decision_log_head"]["seq"] == 1
    copy = tmp_path / "mirror" / rel.name
    shutil.copytree(rel, copy)
    proc = sealreg_cli("verify", str(copy), "--fingerprint", home_fingerprint(ctx.paths.keys))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the decision records travel in the release, covered by its signature
    log = copy / "trust" / "decision_log.jsonl"
    log.write_text(log.read_text().replace("audit withdrawn", "audit passed"))
    proc = sealreg_cli("verify", str(copy), "--fingerprint", home_fingerprint(ctx.paths.keys))
    assert proc.returncode == 1 and "trust/decision_log.jsonl: V005" in proc.stdout


def test_an_added_empty_directory_is_reported(ctx):
    rel = build_release(ctx)
    (rel / "csv" / "extra").mkdir()
    (rel / "hidden").mkdir()
    assert sorted(_codes(verify_release(rel))) == [("V006", "csv/extra/"), ("V006", "hidden/")]


def test_a_malformed_home_key_is_a_problem_not_a_crash(ctx):
    rel = build_release(ctx)
    (ctx.paths.keys / PRIVATE_KEY_FILE).write_text(
        "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"
    )
    proc = sealreg_cli("verify", str(rel), "--home", str(ctx.home))
    assert proc.returncode == 1
    assert "V011" in proc.stderr and "Traceback" not in proc.stderr
    bad = sealreg_cli("verify", str(rel), "--fingerprint", "xyz")
    assert bad.returncode == 2 and "64 hex digits" in bad.stderr


def test_the_fingerprint_is_in_the_manifest_the_home_readme_and_keys_fingerprint(ctx):
    out = steps.publish(ctx)
    manifest = json.loads((Path(out["release_dir"]) / "manifest.json").read_text())
    proc = sealreg_cli("keys", "fingerprint", "--home", str(ctx.home))
    assert proc.returncode == 0
    fingerprint = proc.stdout.strip()
    assert fingerprint == manifest["public_key_sha256"] and len(fingerprint) == 64
    assert f"--fingerprint {fingerprint}" in (ctx.home / "README.md").read_text()


def test_a_deleted_or_replaced_key_is_never_used_silently(ctx, tmp_path):
    first = build_release(ctx)
    shutil.rmtree(ctx.paths.keys)
    with pytest.raises(KeyChangeRefused, match="restore the key"):
        build_release(ctx)
    assert not ctx.paths.keys.exists() or not (ctx.paths.keys / PRIVATE_KEY_FILE).exists()
    load_or_create_key(ctx.paths.keys)  # an operator (or intruder) drops in another key
    with pytest.raises(KeyChangeRefused, match="sealreg keys rotate"):
        build_release(ctx)
    assert sorted(p.name for p in ctx.paths.releases.iterdir() if p.name != PIECES_DIR) == [first.name]


def test_keys_rotate_publishes_a_statement_signed_by_the_old_key(ctx, tmp_path):
    first = build_release(ctx)
    old = home_fingerprint(ctx.paths.keys)
    proc = sealreg_cli("keys", "rotate", "--home", str(ctx.home))
    assert proc.returncode == 0, proc.stderr
    new = home_fingerprint(ctx.paths.keys)
    assert new != old and (ctx.paths.keys / "retired" / f"{old}.pem").is_file()
    second = build_release(ctx)
    statement = json.loads((second / "trust" / "key-rotations" / "0001" / "statement.json").read_text())
    assert (statement["old_public_key_sha256"], statement["new_public_key_sha256"]) == (old, new)
    # a verifier who pinned the old key follows the statement; an unrelated key still fails
    assert verify_release(second, trust_from([], [old])[0]) == []
    assert verify_release(first, trust_from([], [old])[0]) == []
    assert _codes(verify_release(second, trust_from([], ["ab" * 32])[0])) == [("V003", "public_key.pem")]
    # a forged statement (signed by the new key only) vouches for nothing
    forged = second / "trust" / "key-rotations" / "0001" / "statement.sig.old"
    forged.write_text((second / "trust" / "key-rotations" / "0001" / "statement.sig.new").read_text())
    codes = {p.code for p in verify_release(second, trust_from([], [old])[0])}
    assert {"V003", "V010", "V005"} <= codes


def test_every_manifest_names_the_previous_one_and_verify_checks_the_chain(ctx):
    first = build_release(ctx)
    second = build_release(ctx)
    m1 = json.loads((first / "manifest.json").read_text())
    m2 = json.loads((second / "manifest.json").read_text())
    assert (m1["sequence"], m2["sequence"]) == (1, 2)
    assert m2["previous_release_id"] == first.name
    assert m2["previous_manifest_sha256"] == manifest_sha256(first)
    assert verify_release(second) == []
    # the first release is replaced by a re-signed one: the second release's chain no longer holds
    key = load_or_create_key(ctx.paths.keys)
    m1["row_counts"]["services"] = 0
    body = manifest_bytes(m1)
    (first / "manifest.json").write_bytes(body)
    (first / "manifest.sig").write_text(sign(body, key) + "\n")
    assert verify_release(first) == []
    assert _codes(verify_release(second)) == [("V008", f"{first.name}/manifest.json")]


def test_an_older_evaluation_date_is_published_as_a_backfill_and_not_made_current(ctx):
    steps.publish(ctx)
    newer = ctx.paths.current_release()
    older = RunContext.create(home=ctx.home, inbox=ctx.inbox, as_of="2026-02-01", run_id="2026-02-01-0123456789ab")
    make_warehouse(older.run_warehouse, json.loads(ctx.paths.decisions_log.read_text()))
    older.validation_dir.mkdir(parents=True)
    (older.validation_dir / "final.json").write_text("{}\n")
    out = steps.publish(older)
    assert out["backfill"] is True and out["current_as_of"] == "2026-03-01"
    assert ctx.paths.current_release() == newer
    backfill = json.loads((Path(out["release_dir"]) / "manifest.json").read_text())
    assert backfill["backfill"] is True and backfill["as_of"] == "2026-02-01" and backfill["sequence"] == 2
    assert verify_release(Path(out["release_dir"])) == []
    switch_current(ctx, newer)  # a same-date or later release still becomes current
