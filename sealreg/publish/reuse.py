"""Reusing the previous release's files: a file whose bytes do not change is hard-linked, not rewritten.

Content-addressed: a new file is replaced by a hard link to any file of the previous release with
the same sha256 and size (as that release's manifest lists them). A hard link is a second name of the
same bytes, so each release stays complete on its own: deleting the older release removes one name,
never the data of the newer one. Site pages go one step further (`sealreg.publish.site.inputs`): a
page whose inputs did not change is linked without being rendered at all.

Before a file is linked its bytes are checked against the older manifest, so a file altered in the
older release is never carried over. That check reads nothing when the file still has the stamp
(device, inode, size, mtime, ctime) it had when the switch verified it (`record_verified`): any
write to a file moves its ctime, which no unprivileged process can set back. A stale or missing
record only means the file is hashed again; the switch still hashes every file of the new release.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sealreg.publish.signing import verify_signature
from sealreg.publish.tree import file_stamp, sha256_file

log = logging.getLogger(__name__)

#: `<releases>/.verified/<release_id>.json`: the stamps of the files of the last release the switch verified.
VERIFIED_DIR = ".verified"
MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.sig"


@dataclass
class PreviousRelease:
    """The last published release: its folder and the sha256/size of each file its manifest lists."""

    root: Path
    files: dict[str, dict[str, Any]]
    by_digest: dict[tuple[str, int], str] = field(default_factory=dict)
    #: rel -> stamp of the file when the switch verified it (`record_verified`)
    stamps: dict[str, list[int]] = field(default_factory=dict)
    #: files of this release whose bytes were checked during this build
    checked: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for rel, entry in sorted(self.files.items()):
            key = entry_key(entry)
            if key is not None:
                self.by_digest.setdefault(key, rel)

    def source(self, rel: str, entry: dict[str, Any]) -> Path | None:
        """The previous release's file holding these bytes (same path first, else any path), if it still holds
        them (its sha256 is checked: a file altered in place is never linked); None when there is none."""
        key = entry_key(entry)
        if key is None:
            return None
        if entry_key(self.files.get(rel, {})) == key:
            candidate = rel
        else:
            candidate = self.by_digest.get(key)
        if candidate is None:
            return None
        path = self.holding(candidate, key)
        return Path(path) if path is not None else None

    def holding(self, rel: str, key: tuple[str, int]) -> str | None:
        """The path of this release's file `rel` if it still holds the bytes `key` (sha256, size) names: a
        regular file of that size whose stamp is the one the switch verified, else whose sha256 is read and
        checked (once per build); None otherwise."""
        path = f"{self.root}/{rel}"
        try:
            st = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode) or st.st_size != key[1]:
            return None
        if rel not in self.checked and self.stamps.get(rel) != file_stamp(st):
            if sha256_file(path) != key[0]:
                return None
        self.checked.add(rel)
        return path


def record_verified(release_dir: Path, stamps: dict[str, list[int]]) -> None:
    """Record the stamps of the files the switch has just verified, its manifest's among them (replacing
    the record of any other release); best effort: without a record the next release hashes what it links."""
    folder = release_dir.parent / VERIFIED_DIR
    record = {"release_id": release_dir.name, "files": stamps}
    target = folder / f"{release_dir.name}.json"
    tmp = folder / f".{release_dir.name}.json.tmp-{os.getpid()}"
    try:
        folder.mkdir(exist_ok=True)
        tmp.write_text(json.dumps(record, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, target)
        for other in folder.iterdir():
            if other != target:
                other.unlink()
    except OSError as exc:
        log.warning("cannot record the verified files of %s: %s", release_dir.name, exc)
        tmp.unlink(missing_ok=True)


def _verified_stamps(release_dir: Path) -> dict[str, list[int]]:
    """The stamps recorded when the switch verified this release, if its manifest is still the one verified."""
    try:
        record = json.loads((release_dir.parent / VERIFIED_DIR / f"{release_dir.name}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict) or record.get("release_id") != release_dir.name:
        return {}
    if not isinstance(record.get("files"), dict):
        return {}
    try:
        manifest = file_stamp((release_dir / MANIFEST_FILE).stat())
    except OSError:
        return {}
    if record["files"].get(MANIFEST_FILE) != manifest:
        return {}
    return {rel: v for rel, v in record["files"].items() if isinstance(v, list)}


def entry_key(entry: dict[str, Any]) -> tuple[str, int] | None:
    """(sha256, size) of a manifest entry, or None if it does not hold both well-formed."""
    sha, size = entry.get("sha256"), entry.get("size")
    if isinstance(sha, str) and len(sha) == 64 and isinstance(size, int) and not isinstance(size, bool):
        return sha, size
    return None


def previous_release(latest: tuple[Path, dict[str, Any]] | None,
                     public_pem: bytes | None = None) -> PreviousRelease | None:
    """The most recent published release (`chain.latest_release`: the one the next release's chain points
    at), or None.

    With `public_pem` (the registry's signing key), None also when that release's manifest does not carry
    that key's signature over its bytes: files are linked on the strength of the manifest's digests, so a
    manifest edited together with a file would otherwise carry the edited file into the new, signed release."""
    if latest is None:
        return None
    root, manifest = latest
    if public_pem is not None:
        try:
            body, sig = (root / MANIFEST_FILE).read_bytes(), (root / SIGNATURE_FILE).read_bytes()
            manifest = json.loads(body) if verify_signature(public_pem, body, sig) else None
        except (OSError, ValueError):
            manifest = None
        if not isinstance(manifest, dict):
            log.warning("%s: its manifest does not verify under the signing key; nothing is reused from it", root.name)
            return None
    files = manifest.get("files")
    if not isinstance(files, dict):
        return None
    return PreviousRelease(root, {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, dict)},
                           stamps=_verified_stamps(root))


def link_file(source: Path | str, target: Path | str) -> bool:
    """Make `target` a hard link to `source` (atomically replacing what is there); False if linking fails."""
    try:  # the usual case, a name not taken yet (a new release's folder): one link(2), nothing to replace
        os.link(source, target, follow_symlinks=False)
        return True
    except FileExistsError:
        pass
    except OSError as exc:
        log.debug("cannot hard-link %s to %s: %s", source, target, exc)
        return False
    target = Path(target)
    tmp = target.with_name(f".{target.name}.link")
    try:
        if tmp.exists() or tmp.is_symlink():
            tmp.unlink()
        os.link(source, tmp, follow_symlinks=False)
        os.replace(tmp, target)
    except OSError as exc:
        log.debug("cannot hard-link %s to %s: %s", source, target, exc)
        try:
            tmp.unlink()
        except OSError:
            pass
        return False
    return True


def link_unchanged(root: Path, files: dict[str, dict[str, Any]], previous: PreviousRelease | None) -> int:
    """Replace each file of the release being built whose bytes the previous release holds by a hard link
    to that file. Returns the bytes linked (not written anew)."""
    if previous is None:
        return 0
    linked = 0
    base = os.fspath(root) + os.sep  # joined as strings: a pathlib join per file cost more than its stat
    for rel, entry in files.items():
        target = base + rel
        try:
            if os.stat(target).st_nlink > 1:  # already a link (a reused site page)
                linked += entry["size"]
                continue
        except OSError:
            continue
        source = previous.source(rel, entry)
        if source is not None and link_file(source, target):
            linked += entry["size"]
    return linked
