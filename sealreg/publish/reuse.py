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
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sealreg.publish.chain import LatestRelease
from sealreg.publish.signing import sign, verify_signature
from sealreg.publish.tree import file_stamp, sha256_fd, sha256_file

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


    def open_checked(self, rel: str) -> int | None:
        """A read-only descriptor of this release's file `rel` when it holds the bytes its manifest lists (its
        stamp is the one the switch verified, else its sha256 is read through the descriptor), or None. The
        check is made through the descriptor: what is read from it later is what was checked."""
        key = entry_key(self.files.get(rel, {}))
        if key is None:
            return None
        try:
            fd = os.open(f"{self.root}/{rel}", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, ValueError):
            return None
        try:
            st = os.fstat(fd)
            if stat.S_ISREG(st.st_mode) and st.st_size == key[1] and (
                    self.stamps.get(rel) == file_stamp(st) or sha256_fd(fd, st.st_size) == key[0]):
                fd, checked = -1, fd
                return checked
        except OSError:
            pass
        finally:
            if fd >= 0:
                os.close(fd)
        return None


def record_verified(release_dir: Path, stamps: dict[str, list[int]]) -> None:
    """Record the stamps of the files the switch has just verified, its manifest's among them (replacing
    the record of any other release); best effort: without a record the next release hashes what it links."""
    record = {"release_id": release_dir.name, "files": stamps}
    _replace_record(release_dir, VERIFIED_DIR, json.dumps(record, separators=(",", ":")).encode("utf-8"),
                    "the verified files")


def _replace_record(release_dir: Path, folder_name: str, data: bytes, what: str) -> None:
    """Write `<releases>/<folder_name>/<release_id>.json` atomically and remove the folder's other records;
    an error is logged (a record is a cache), never raised."""
    folder = release_dir.parent / folder_name
    target = folder / f"{release_dir.name}.json"
    tmp = folder / f".{release_dir.name}.json.tmp-{os.getpid()}"
    try:
        folder.mkdir(exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, target)
        for other in folder.iterdir():
            if other != target:
                other.unlink()
    except OSError as exc:
        log.warning("cannot record %s of %s: %s", what, release_dir.name, exc)
        tmp.unlink(missing_ok=True)


#: Largest record read from `<releases>/<folder>/` (at 10k providers the verified stamps take 4.3 MB, the
#: csv.gz pieces 0.33 MB): a larger file is not read, and the next release does without it.
RECORD_MAX_BYTES = 1 << 27


def _read_record(release_dir: Path, folder_name: str) -> bytes | None:
    """The bytes of `<releases>/<folder_name>/<release_id>.json`, or None when it cannot be read or holds more
    than `RECORD_MAX_BYTES` (a record is a cache: a missing one only costs work)."""
    try:
        with open(release_dir.parent / folder_name / f"{release_dir.name}.json", "rb") as f:
            data = f.read(RECORD_MAX_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= RECORD_MAX_BYTES else None


def _verified_stamps(release_dir: Path) -> dict[str, list[int]]:
    """The stamps recorded when the switch verified this release, if its manifest is still the one verified."""
    data = _read_record(release_dir, VERIFIED_DIR)
    try:
        record = json.loads(data) if data is not None else None
    except (ValueError, RecursionError):
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


def previous_release(latest: LatestRelease | None, public_pem: bytes | None = None) -> PreviousRelease | None:
    """The most recent published release (`chain.read_latest`: the one the next release's chain points at),
    or None.

    With `public_pem` (the registry's signing key), None also when that release's manifest does not carry
    that key's signature over the bytes `latest` was parsed from: files are linked on the strength of the
    manifest's digests, so a manifest edited together with a file would otherwise carry the edited file into
    the new, signed release."""
    if latest is None:
        return None
    if public_pem is not None:
        try:
            signed = verify_signature(public_pem, latest.data, (latest.root / SIGNATURE_FILE).read_bytes())
        except (OSError, ValueError):
            signed = False
        if not signed:
            log.warning("%s: its manifest does not verify under the signing key; nothing is reused from it",
                        latest.root.name)
            return None
    files = latest.manifest.get("files")
    if not isinstance(files, dict):
        return None
    return PreviousRelease(latest.root, {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, dict)},
                           stamps=_verified_stamps(latest.root))


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


#: `<releases>/.csv-pieces/<release_id>.json`: where the pieces of that release's csv.gz files lie
#: (`deflate.gzip_file`), signed with the release's key, so the next release copies the unchanged ones.
PIECES_DIR = ".csv-pieces"
#: What the signature covers before the record's bytes (no manifest starts so: it is a JSON object).
PIECES_DOMAIN = b"sealreg csv.gz pieces 1\n"


def record_pieces(release_dir: Path, level: int, tables: dict[str, list[list[Any]]], key: Any) -> None:
    """Record, signed with `key`, the pieces of the release's csv.gz files (replacing the record of any other
    release); best effort: without a record the next release deflates every piece."""
    body = json.dumps({"release_id": release_dir.name, "zlib": zlib.ZLIB_RUNTIME_VERSION, "level": level,
                       "tables": tables}, sort_keys=True, separators=(",", ":")).encode("utf-8")
    _replace_record(release_dir, PIECES_DIR, sign(PIECES_DOMAIN + body, key).encode("ascii") + b"\n" + body,
                    "the csv.gz pieces")


def recorded_pieces(previous: PreviousRelease, public_pem: bytes, level: int) -> dict[str, list[list[Any]]]:
    """table -> pieces of the previous release's csv.gz file, from its record when that carries the signing
    key's signature and was written by this zlib at this level; {} otherwise."""
    data = _read_record(previous.root, PIECES_DIR)
    if data is None:
        return {}
    sig, _, body = data.partition(b"\n")
    try:
        if not verify_signature(public_pem, PIECES_DOMAIN + body, sig):
            return {}
        record = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(record, dict) or (record.get("release_id"), record.get("zlib"), record.get("level")) != (
            previous.root.name, zlib.ZLIB_RUNTIME_VERSION, level) or not isinstance(record.get("tables"), dict):
        return {}
    return {t: p for t, p in record["tables"].items() if isinstance(t, str) and isinstance(p, list)}
