"""The file checks of `sealreg verify` (`verify._file_problems`): every kind of damage, in manifest order,
whatever the threads hashing the files (`publish.tree`) did first."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sealreg.publish import tree
from sealreg.publish.verify import _file_problems


def _entry(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _lines(problems) -> list[str]:
    return [p.line() for p in problems]


def test_every_kind_of_damage_is_reported_once_in_manifest_order(tmp_path):
    root = tmp_path / "release"
    (root / "a" / "b").mkdir(parents=True)
    (root / "folder-listed-as-file").mkdir()
    (root / "empty").mkdir()
    (root / "real-dir").mkdir()
    (root / "real-dir" / "x").write_bytes(b"x")
    files = {}
    for rel, data in (("ok.txt", b"fine" * 1000), ("a/b/deep.txt", b"deep"), ("size.txt", b"12345"),
                      ("sha.txt", b"abcde")):
        (root / rel).write_bytes(data)
        files[rel] = _entry(data)
    files["size.txt"] = _entry(b"1234")  # the manifest expects other bytes of another size
    files["sha.txt"] = _entry(b"ABCDE")  # ... of the same size
    os.symlink("ok.txt", root / "link.txt")
    files["link.txt"] = files["ok.txt"]
    files["gone.txt"] = _entry(b"gone")
    files["folder-listed-as-file"] = _entry(b"")
    os.mkfifo(root / "fifo")  # opening it for reading must not wait for a writer
    files["fifo"] = _entry(b"")
    (root / "malformed.txt").write_bytes(b"m")
    files["malformed.txt"] = {"size": "1", "sha256": "?"}
    files["../escape"] = _entry(b"")
    files["manifest.json"] = _entry(b"")
    files["real-dir/x"] = _entry(b"x")
    (root / "unlisted.txt").write_bytes(b"?")
    os.symlink("real-dir", root / "dir-link")

    stamps: dict[str, list[int]] = {}
    problems = _lines(_file_problems(root, files, stamps))
    assert problems == [
        "manifest.json: V007 $.files: invalid path '../escape' in the manifest",
        "fifo: V001 $: missing",
        "folder-listed-as-file: V001 $: missing",
        "gone.txt: V001 $: missing",
        "link.txt: V006 $: is a symlink",
        "manifest.json: V004 $.files: entry of malformed.txt lacks sha256/size",
        "manifest.json: V007 $.files: invalid path 'manifest.json' in the manifest",
        "sha.txt: V005 $: sha256 differs from manifest, file altered",
        "size.txt: V005 $: size 5 differs from manifest (4), file altered",
        "dir-link: V006 $: not listed in the manifest (unexpected file)",
        "unlisted.txt: V006 $: not listed in the manifest (unexpected file)",
        "empty/: V006 $: directory not in the manifest (unexpected directory)",
        "folder-listed-as-file/: V006 $: directory not in the manifest (unexpected directory)",
    ]
    # stamps only for the files that matched, and each is the file's stamp now
    assert sorted(stamps) == ["a/b/deep.txt", "ok.txt", "real-dir/x"]
    assert stamps["ok.txt"] == tree.file_stamp((root / "ok.txt").lstat())


def test_many_files_hashed_on_threads_keep_the_order_and_find_the_one_altered(tmp_path, monkeypatch):
    monkeypatch.setattr(tree, "HASH_BATCH", 7)
    root = tmp_path / "release"
    (root / "site").mkdir(parents=True)
    files = {}
    for i in range(500):
        data = f"page {i}\n".encode() * (i % 40 + 1)
        (root / "site" / f"p{i:03d}.html").write_bytes(data)
        files[f"site/p{i:03d}.html"] = _entry(data)
    for i in (17, 250, 499):
        path = root / "site" / f"p{i:03d}.html"
        data = bytearray(path.read_bytes())
        data[0] ^= 1
        path.write_bytes(bytes(data))
    stamps: dict[str, list[int]] = {}
    assert _lines(_file_problems(root, files, stamps)) == [
        f"site/p{i:03d}.html: V005 $: sha256 differs from manifest, file altered" for i in (17, 250, 499)]
    assert len(stamps) == 497


def test_walk_lists_files_and_folders_as_os_walk_sees_them(tmp_path):
    root = tmp_path / "r"
    (root / "b" / "c").mkdir(parents=True)
    (root / "b" / "c" / "f").write_text("f")
    (root / "a").write_text("a")
    os.symlink("b", root / "to-b")
    os.symlink("nowhere", root / "broken")
    files, dirs = tree.walk(root)
    assert files == ["a", "b/c/f", "broken", "to-b"] and dirs == ["b", "b/c"]
    expected = sorted(Path(d, n).relative_to(root).as_posix() for d, _, names in os.walk(root) for n in names)
    assert [f for f in files if f != "to-b"] == expected
