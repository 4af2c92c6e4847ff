"""scripts/verify-release.sh: an outside party verifies a copied release with openssl and POSIX tools only."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sealreg.publish.keys import home_fingerprint, rotate
from sealreg.publish.release import build_release
from tests.helpers import REPO
from tests.publish.test_release_trust import _resign_with_other_key

SCRIPT = REPO / "scripts" / "verify-release.sh"
#: Everything the script may run: openssl and POSIX utilities, nothing from sealreg or Python.
TOOLS = ("sh", "openssl", "find", "sort", "sed", "grep", "cut", "tail", "head", "cmp", "mktemp", "rm", "tr")


@pytest.fixture
def openssl_only(tmp_path) -> dict[str, str]:
    """An environment whose PATH holds only TOOLS."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        os.symlink(shutil.which(tool), bin_dir / tool)
    return {"PATH": str(bin_dir), "LC_ALL": "C"}


def _verify(release: Path, fingerprint: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(env["PATH"]) / "sh"), str(SCRIPT), str(release), fingerprint],
                          capture_output=True, text=True, env=env, timeout=120)


def test_openssl_alone_accepts_a_genuine_copy_and_refuses_forgeries(ctx, tmp_path, openssl_only):
    rel = build_release(ctx)
    fingerprint = home_fingerprint(ctx.paths.keys)
    copy = tmp_path / "copy"
    shutil.copytree(rel, copy)
    ok = _verify(copy, fingerprint, openssl_only)
    assert ok.returncode == 0 and ok.stdout.startswith("OK"), ok.stdout + ok.stderr

    tampered = tmp_path / "tampered"
    shutil.copytree(rel, tampered)
    (tampered / "csv" / "providers.csv.gz").write_text("forged\n")
    proc = _verify(tampered, fingerprint, openssl_only)
    assert proc.returncode == 1 and "csv/providers.csv.gz: altered" in proc.stderr

    extra = tmp_path / "extra"
    shutil.copytree(rel, extra)
    (extra / "site-extra").mkdir()
    assert "empty directory" in _verify(extra, fingerprint, openssl_only).stderr

    resigned = tmp_path / "resigned"
    shutil.copytree(rel, resigned)
    _resign_with_other_key(resigned, tmp_path / "evil")
    proc = _verify(resigned, fingerprint, openssl_only)
    assert proc.returncode == 1 and "not the pinned key" in proc.stderr


def test_openssl_alone_follows_a_key_rotation_from_the_pinned_key(ctx, openssl_only):
    build_release(ctx)
    old = home_fingerprint(ctx.paths.keys)
    rotate(ctx.paths.keys)
    rel = build_release(ctx)
    ok = _verify(rel, old, openssl_only)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert home_fingerprint(ctx.paths.keys) in ok.stdout
    assert _verify(rel, "ab" * 32, openssl_only).returncode == 1


def test_openssl_alone_reads_the_compact_manifest_and_the_indented_one_of_older_releases(ctx, tmp_path,
                                                                                         openssl_only):
    """The SHA256SUMS entry is found in a compact manifest (one line) and in the indented layout that releases
    built before compact manifests carry; in both a SHA256SUMS other than the listed one is refused."""
    import json

    from sealreg.publish.signing import load_or_create_key, sign

    rel = build_release(ctx)
    fingerprint = home_fingerprint(ctx.paths.keys)
    body = (rel / "manifest.json").read_bytes()
    assert body.count(b"\n") == 1 and b'"SHA256SUMS":{"sha256":' in body
    indented = tmp_path / "indented"
    shutil.copytree(rel, indented)
    older = (json.dumps(json.loads(body), sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    (indented / "manifest.json").write_bytes(older)
    (indented / "manifest.sig").write_text(sign(older, load_or_create_key(ctx.paths.keys)) + "\n")
    for copy in (rel, indented):
        ok = _verify(copy, fingerprint, openssl_only)
        assert ok.returncode == 0 and ok.stdout.startswith("OK"), ok.stdout + ok.stderr
        with open(copy / "SHA256SUMS", "a") as f:  # the listing no longer the signed one
            f.write(f"{'0' * 64}  extra\n")
        proc = _verify(copy, fingerprint, openssl_only)
        assert proc.returncode == 1 and "SHA256SUMS is not the one listed" in proc.stderr, proc.stderr


def test_a_signed_text_that_spells_a_sha256sums_entry_does_not_fool_the_script(ctx, tmp_path, openssl_only):
    """The manifest records names a provider chose (input_files.file_name). One that spells the SHA256SUMS
    entry of a forged listing, with quotes, braces, a newline and the indented layout's spaces, is escaped by
    JSON, so neither the compact nor the indented search finds it: the forged listing is refused although the
    manifest is genuinely signed."""
    import hashlib
    import json

    from sealreg.publish.signing import load_or_create_key, sign

    rel = build_release(ctx)
    fingerprint = home_fingerprint(ctx.paths.keys)
    for layout in ({"separators": (",", ":")}, {"indent": 2}):
        copy = tmp_path / f"copy-{len(layout)}-{'indent' in layout}"
        shutil.copytree(rel, copy)
        with open(copy / "SHA256SUMS", "a") as f:  # the attacker's listing: one more file
            f.write(f"{'0' * 64}  extra\n")
        forged = hashlib.sha256((copy / "SHA256SUMS").read_bytes()).hexdigest()
        manifest = json.loads((copy / "manifest.json").read_bytes())
        spelled = [f'"SHA256SUMS":{{"sha256":"{forged}"', f'\n    "SHA256SUMS": {{\n      "sha256": "{forged}"']
        manifest["input_files"] += [{"file_name": name, "file_sha256": None, "size_bytes": 1, "status": "rejected",
                                     "disclosure_id": None} for name in spelled]
        body = (json.dumps(manifest, sort_keys=True, ensure_ascii=False, **layout) + "\n").encode()
        assert forged.encode() in body
        (copy / "manifest.json").write_bytes(body)
        (copy / "manifest.sig").write_text(sign(body, load_or_create_key(ctx.paths.keys)) + "\n")
        proc = _verify(copy, fingerprint, openssl_only)
        assert proc.returncode == 1 and "SHA256SUMS is not the one listed" in proc.stderr, proc.stdout + proc.stderr
