"""`<home>/README.md`: the registry's signing-key fingerprint and how an outside party verifies a release."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sealreg.publish.keys import ROTATIONS_DIR, check_rotations, home_fingerprint

if TYPE_CHECKING:
    from sealreg.config import RunContext


def home_readme_text(fingerprint: str, previous: list[tuple[str, str]]) -> str:
    """The README body: fingerprint in force, earlier keys (fingerprint, rotated at), verification steps."""
    lines = [
        "# Registry home",
        "",
        "Releases of this registry are signed with one Ed25519 key. Its fingerprint (sha256 of the raw",
        "32-byte public key) is:",
        "",
        f"    {fingerprint}",
        "",
        "Verify a copy of a release with it, with sealreg:",
        "",
        f"    sealreg verify RELEASE_DIR --fingerprint {fingerprint}",
        "",
        "or with openssl alone (see `scripts/verify-release.sh` in the sealreg sources):",
        "",
        f"    sh verify-release.sh RELEASE_DIR {fingerprint}",
        "",
        "Any other key fails. A new key is introduced only by a rotation statement signed by the old",
        "key, carried in every later release under `trust/key-rotations/`.",
    ]
    if previous:
        lines += ["", "Earlier keys (each rotated to the next by a signed statement):", ""]
        lines += [f"- `{fp}` (rotated {when})" for fp, when in previous]
    return "\n".join(lines) + "\n"


def write_home_readme(ctx: "RunContext") -> Path:
    """(Re)write `<home>/README.md` for the key in force, atomically."""
    keys_dir = ctx.paths.keys
    rotations, _problems = check_rotations(keys_dir / ROTATIONS_DIR)
    text = home_readme_text(home_fingerprint(keys_dir), [(r.old_fingerprint, r.rotated_at) for r in rotations])
    path = ctx.paths.readme
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
