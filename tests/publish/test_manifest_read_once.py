"""A manifest is read once where its signature is relied on: what is hashed, verified and parsed are the same bytes.

The publish step takes the chain link (the previous manifest's sha256), the signer and the files it may link
from the previous release's manifest; the verify of a release checks its signature and then its files against
its manifest. A manifest replaced on disk in between must not mix two manifests' contents.
"""

from __future__ import annotations

import hashlib
import json

from sealreg.publish import release as release_module
from sealreg.publish import verify as verify_module
from sealreg.publish.chain import read_latest
from sealreg.publish.release import build_release, manifest_bytes, sha256_file
from sealreg.publish.reuse import previous_release
from sealreg.publish.signing import load_or_create_key, public_key_pem, sign
from sealreg.publish.verify import verify_release


def _replace(release_dir, edit, key=None) -> bytes:
    """Replace the release's manifest by an edited one (signed with `key` if given); return the bytes it had."""
    before = (release_dir / "manifest.json").read_bytes()
    manifest = json.loads(before)
    edit(manifest)
    body = manifest_bytes(manifest)
    (release_dir / "manifest.json").write_bytes(body)
    if key is not None:
        (release_dir / "manifest.sig").write_text(sign(body, key) + "\n")
    return before


def test_the_chain_link_hashes_the_previous_manifest_the_publish_read(ctx, monkeypatch):
    first = build_release(ctx)
    key = load_or_create_key(ctx.paths.keys)
    read: list[bytes] = []
    real = release_module.signing_key_for_release

    def key_then_replace(keys_dir, signer):  # runs after the previous release was read, before the link is made
        read.append(_replace(first, lambda m: m["row_counts"].update(services=0), key))
        return real(keys_dir, signer)

    monkeypatch.setattr(release_module, "signing_key_for_release", key_then_replace)
    second = build_release(ctx)
    link = json.loads((second / "manifest.json").read_text())["previous_manifest_sha256"]
    assert link == hashlib.sha256(read[0]).hexdigest()
    assert link != hashlib.sha256((first / "manifest.json").read_bytes()).hexdigest()


def test_the_files_reused_are_those_of_the_manifest_whose_signature_was_checked(ctx):
    first = build_release(ctx)
    key = load_or_create_key(ctx.paths.keys)
    latest = read_latest(ctx.paths.releases)
    _replace(first, lambda m: m["files"].pop("csv/services.csv.gz"))  # after the read: not what is checked
    found = previous_release(latest, public_key_pem(key))
    assert found is not None and "csv/services.csv.gz" in found.files
    _replace(first, lambda m: m["files"].pop("csv/providers.csv.gz"), key)  # a new signature: the read bytes fail it
    assert previous_release(latest, public_key_pem(key)) is None
    # bytes that the signature does not cover are not trusted, whatever the file now holds
    forged = type(latest)(latest.root, latest.manifest, latest.data + b" ")
    assert previous_release(forged, public_key_pem(key)) is None


def test_verify_checks_the_files_against_the_manifest_whose_signature_it_checked(ctx, monkeypatch):
    rel = build_release(ctx)
    target = rel / "csv" / "services.csv.gz"
    target.write_bytes(b"altered\n")
    unsigned = json.loads((rel / "manifest.json").read_text())
    unsigned["files"]["csv/services.csv.gz"] = {"sha256": sha256_file(target), "size": target.stat().st_size}
    real = verify_module._signature_problems

    def check_then_replace(root, body, trust):  # the manifest is replaced once its signature was checked
        out = real(root, body, trust)
        (root / "manifest.json").write_bytes(manifest_bytes(unsigned))
        return out

    monkeypatch.setattr(verify_module, "_signature_problems", check_then_replace)
    codes = [(p.code, p.file) for p in verify_release(rel)]
    assert ("V005", "csv/services.csv.gz") in codes
