"""`sealreg verify` on a manifest or a folder made hostile: every oddity is a problem, never a crash."""

from __future__ import annotations

import json
import os
import socket

from sealreg.publish.release import build_release, manifest_bytes
from sealreg.publish.verify import verify_release

ENTRY = {"sha256": "0" * 64, "size": 1}
#: Listed names no release holds: a NUL byte, a name and a path longer than the system allows (both raised
#: OSError from verify at 18b5848), a folder,
#: a FIFO, a Unix socket.
HOSTILE = ["a\x00b", "x" * 300, "csv/" + "y" * 4100, "folder", "fifo", "sock"]


def _list(rel, names) -> None:
    """List `names` in the release's manifest (its signature no longer verifies)."""
    m = json.loads((rel / "manifest.json").read_text())
    m["files"].update({n: dict(ENTRY) for n in names})
    body = manifest_bytes(m)
    (rel / "manifest.json").write_bytes(body)


def test_hostile_listed_names_and_special_files_are_problems_not_crashes(ctx):
    rel = build_release(ctx)
    (rel / "folder").mkdir()
    os.mkfifo(rel / "fifo")
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(rel / "sock"))
    try:
        _list(rel, HOSTILE)
        problems = verify_release(rel)
    finally:
        s.close()
    got = sorted((p.code, p.file) for p in problems)
    # the manifest was edited (V002); each listed name is not a regular file of the release (V001); the
    # folder holds nothing listed (V006)
    assert got == sorted([("V002", "manifest.json"), ("V006", "folder/"), *(("V001", n) for n in HOSTILE)])
