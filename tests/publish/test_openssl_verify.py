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
