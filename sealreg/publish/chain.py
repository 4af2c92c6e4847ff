"""The release chain: each manifest carries a sequence number and the sha256 of the previous release's manifest."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

MANIFEST_FILE = "manifest.json"
#: A `"sequence"` key with a plain whole number as its value.
_SEQUENCE_VALUE = re.compile(rb'"sequence"\s*:\s*([0-9]+)[,}\s]')


def parse_manifest(data: bytes) -> dict[str, Any] | None:
    """A manifest's text parsed, or None when it is not UTF-8 JSON of an object (also when it nests deeper than
    the parser's recursion limit)."""
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def read_manifest(release_dir: Path) -> dict[str, Any] | None:
    """The parsed manifest of a release folder, or None when it is missing or not a JSON object."""
    try:
        data = (release_dir / MANIFEST_FILE).read_bytes()
    except OSError:
        return None
    return parse_manifest(data)


@functools.cache
def _fields_decoder(names: tuple[str, ...]) -> msgspec.json.Decoder:
    """A JSON decoder of an object that keeps the top-level keys `names` and skips every other value."""
    return msgspec.json.Decoder(msgspec.defstruct("ManifestFields", [(n, Any, msgspec.UNSET) for n in names]))


def manifest_fields(data: bytes, names: tuple[str, ...]) -> dict[str, Any] | None:
    """`{k: v}` of the keys `names` that the manifest text `data` holds at its top level, exactly as
    `read_manifest` would give them (None where it gives None), without building the rest.

    A manifest is megabytes of file digests; skipping them is some 10x cheaper than parsing them. The text
    must be UTF-8 (checked first, as `read_manifest` decodes it); a text msgspec refuses but `json` may
    accept (NaN, a lone surrogate escape, a top level that is not an object) is parsed by `json`.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        found = _fields_decoder(names).decode(data)
    except RecursionError:
        return None
    except (msgspec.DecodeError, msgspec.ValidationError):
        try:
            parsed = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            return None
        return {n: parsed[n] for n in names if n in parsed} if isinstance(parsed, dict) else None
    return {n: v for n in names if (v := getattr(found, n)) is not msgspec.UNSET}


def read_manifest_fields(release_dir: Path, names: tuple[str, ...]) -> dict[str, Any] | None:
    """`manifest_fields` of a release folder's manifest, or None when it is missing or not a JSON object."""
    try:
        data = (release_dir / MANIFEST_FILE).read_bytes()
    except OSError:
        return None
    return manifest_fields(data, names)


def manifest_sha256(release_dir: Path) -> str:
    return hashlib.sha256((release_dir / MANIFEST_FILE).read_bytes()).hexdigest()


def sequence_of(manifest: dict[str, Any]) -> int:
    """The manifest's sequence number (0 for a manifest written before sequences existed)."""
    seq = manifest.get("sequence")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) and seq > 0 else 0


def _release_dirs(releases_dir: Path) -> list[Path]:
    if not releases_dir.is_dir():
        return []
    return [child for child in releases_dir.iterdir()
            if not child.name.startswith(".") and not child.is_symlink() and child.is_dir()]


def published_releases(releases_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Finished releases (not `.tmp-*`) with a readable manifest, oldest first (sequence, then id)."""
    found = []
    for child in _release_dirs(releases_dir):
        manifest = read_manifest(child)
        if manifest is not None:
            found.append((child, manifest))
    return sorted(found, key=lambda item: (sequence_of(item[1]), item[0].name))


def _sequence_hint(text: bytes) -> int | None:
    """The value of the one `"sequence"` key of a manifest's text when it is a plain whole number, else None.

    In valid JSON a `"` inside a string is escaped, so the text `"sequence"` is a string of its own. With
    it there once and no `\\u` escape (which could spell the key otherwise), it is the only key of that
    name at any depth: the top-level sequence if there is one; without one that sequence is 0, below any hint.
    """
    if text.count(b'"sequence"') != 1 or b"\\u" in text:
        return None
    found = _SEQUENCE_VALUE.match(text, text.index(b'"sequence"'))
    return int(found[1]) if found else None


@dataclass(frozen=True)
class LatestRelease:
    """The last published release as read once: its folder, its manifest's bytes and the manifest parsed from
    those bytes (what the chain link hashes, the signature covers and the reused files come from)."""

    root: Path
    manifest: dict[str, Any]
    data: bytes


def read_latest(releases_dir: Path) -> LatestRelease | None:
    """The last of `published_releases`, its manifest read once, or None when there is none.

    Parses one manifest instead of every one (each is megabytes, and a home keeps months of them): the
    others are ordered by `_sequence_hint`, which is never below the sequence of a manifest that parses;
    so the last by it is the last release once its manifest parses and holds that sequence. When it does
    not, every manifest is parsed.
    """
    best: tuple[int, str, Path, bytes, dict[str, Any] | None] | None = None
    for child in _release_dirs(releases_dir):
        try:
            data = (child / MANIFEST_FILE).read_bytes()
        except OSError:
            continue
        hint, manifest = _sequence_hint(data), None
        if hint is None:
            manifest = parse_manifest(data)
            if manifest is None:
                continue
            hint = sequence_of(manifest)
        if best is None or (hint, child.name) > best[:2]:
            best = (hint, child.name, child, data, manifest)
    if best is None:
        return None
    sequence, _name, last_dir, data, last = best
    if last is None:
        last = parse_manifest(data)
    if last is not None and sequence_of(last) == sequence:
        return LatestRelease(last_dir, last, data)
    return _last_parsed(releases_dir)


def _last_parsed(releases_dir: Path) -> LatestRelease | None:
    """The last of `published_releases` (every manifest parsed), keeping only the last one's bytes."""
    best: LatestRelease | None = None
    for child in _release_dirs(releases_dir):
        try:
            data = (child / MANIFEST_FILE).read_bytes()
        except OSError:
            continue
        manifest = parse_manifest(data)
        if manifest is not None and (best is None or (sequence_of(manifest), child.name) >
                                     (sequence_of(best.manifest), best.root.name)):
            best = LatestRelease(child, manifest, data)
    return best


def latest_release(releases_dir: Path) -> tuple[Path, dict[str, Any]] | None:
    """The last of `published_releases` (folder, manifest), or None when there is none (`read_latest`)."""
    found = read_latest(releases_dir)
    return (found.root, found.manifest) if found is not None else None


def next_link(releases_dir: Path, latest: LatestRelease | None) -> dict[str, Any]:
    """The chain fields of the release after `latest` (`read_latest(releases_dir)`): `sequence`,
    `previous_release_id`, `previous_manifest_sha256` (of the bytes `latest` was parsed from)."""
    if latest is None:
        return {"sequence": 1, "previous_release_id": None, "previous_manifest_sha256": None}
    sequence = sequence_of(latest.manifest)
    if len(_release_dirs(releases_dir)) > sequence:  # releases whose manifests predate sequence numbers
        sequence = max(sequence, len(published_releases(releases_dir)))
    return {
        "sequence": sequence + 1,
        "previous_release_id": latest.root.name,
        "previous_manifest_sha256": hashlib.sha256(latest.data).hexdigest(),
    }


def last_signer(releases_dir: Path) -> str | None:
    """Key fingerprint of the most recent release, or None when nothing was published yet."""
    found = read_latest(releases_dir)
    return signer_of(found.manifest if found is not None else None)


def signer_of(manifest: dict[str, Any] | None) -> str | None:
    """Key fingerprint a release's manifest names, None for no release (None), "" when it names none."""
    if manifest is None:
        return None
    fingerprint = manifest.get("public_key_sha256")
    return fingerprint if isinstance(fingerprint, str) else ""


#: What the walk back along the chain reads of each predecessor's manifest.
_LINK_FIELDS = ("previous_release_id", "previous_manifest_sha256", "sequence")


def link_problems(release_dir: Path, manifest: dict[str, Any]) -> tuple[list[str], int]:
    """Walk back from a release through the predecessors present beside it.

    Returns (problems, number of links checked). A predecessor that is not present (a copied release,
    or one pruned) ends the walk without a problem; a present one must have the recorded manifest
    hash and the sequence number just below.
    """
    problems: list[str] = []
    checked = 0
    seen: set[str] = set()
    current_dir, current = release_dir, manifest
    while True:
        prev_id = current.get("previous_release_id")
        if prev_id is None:
            if sequence_of(current) > 1:
                problems.append(f"{current_dir.name}: sequence {sequence_of(current)} but no previous release named")
            return problems, checked
        if not isinstance(prev_id, str) or "/" in prev_id or prev_id.startswith(".") or prev_id in seen:
            problems.append(f"{current_dir.name}: invalid previous_release_id {prev_id!r}")
            return problems, checked
        seen.add(prev_id)
        prev_dir = release_dir.parent / prev_id
        if not (prev_dir / MANIFEST_FILE).is_file():
            return problems, checked
        checked += 1
        data = (prev_dir / MANIFEST_FILE).read_bytes()  # one read: the bytes hashed are the bytes read
        if hashlib.sha256(data).hexdigest() != current.get("previous_manifest_sha256"):
            problems.append(f"{prev_id}/{MANIFEST_FILE}: sha256 differs from the one recorded by {current_dir.name} "
                            "(previous release replaced)")
            return problems, checked
        prev = manifest_fields(data, _LINK_FIELDS) or {}
        if sequence_of(prev) and sequence_of(prev) != sequence_of(current) - 1:
            problems.append(f"{prev_id}: sequence {sequence_of(prev)}, expected {sequence_of(current) - 1}")
            return problems, checked
        current_dir, current = prev_dir, prev
