"""The release chain: each manifest carries a sequence number and the sha256 of the previous release's manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

MANIFEST_FILE = "manifest.json"


def read_manifest(release_dir: Path) -> dict[str, Any] | None:
    """The parsed manifest of a release folder, or None when it is missing or not a JSON object."""
    try:
        data = json.loads((release_dir / MANIFEST_FILE).read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def manifest_sha256(release_dir: Path) -> str:
    return hashlib.sha256((release_dir / MANIFEST_FILE).read_bytes()).hexdigest()


def sequence_of(manifest: dict[str, Any]) -> int:
    """The manifest's sequence number (0 for a manifest written before sequences existed)."""
    seq = manifest.get("sequence")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) and seq > 0 else 0


def published_releases(releases_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Finished releases (not `.tmp-*`) with a readable manifest, oldest first (sequence, then id)."""
    if not releases_dir.is_dir():
        return []
    found = []
    for child in releases_dir.iterdir():
        if child.name.startswith(".") or child.is_symlink() or not child.is_dir():
            continue
        manifest = read_manifest(child)
        if manifest is not None:
            found.append((child, manifest))
    return sorted(found, key=lambda item: (sequence_of(item[1]), item[0].name))


def next_link(releases_dir: Path) -> dict[str, Any]:
    """The chain fields of the next release: `sequence`, `previous_release_id`, `previous_manifest_sha256`."""
    releases = published_releases(releases_dir)
    if not releases:
        return {"sequence": 1, "previous_release_id": None, "previous_manifest_sha256": None}
    last_dir, last = releases[-1]
    return {
        "sequence": max(sequence_of(last), len(releases)) + 1,
        "previous_release_id": last_dir.name,
        "previous_manifest_sha256": manifest_sha256(last_dir),
    }


def last_signer(releases_dir: Path) -> str | None:
    """Key fingerprint of the most recent release, or None when nothing was published yet."""
    releases = published_releases(releases_dir)
    if not releases:
        return None
    fingerprint = releases[-1][1].get("public_key_sha256")
    return fingerprint if isinstance(fingerprint, str) else ""


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
        if manifest_sha256(prev_dir) != current.get("previous_manifest_sha256"):
            problems.append(f"{prev_id}/{MANIFEST_FILE}: sha256 differs from the one recorded by {current_dir.name} "
                            "(previous release replaced)")
            return problems, checked
        prev = read_manifest(prev_dir) or {}
        if sequence_of(prev) and sequence_of(prev) != sequence_of(current) - 1:
            problems.append(f"{prev_id}: sequence {sequence_of(prev)}, expected {sequence_of(current) - 1}")
            return problems, checked
        current_dir, current = prev_dir, prev
