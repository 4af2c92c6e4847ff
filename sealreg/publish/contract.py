"""The version of the registry contract a release follows, and where its text and changelog live.

The contract (spec/registry-contract.md) names the tables, columns, keys and commands that users
may rely on. Its version goes up on a breaking change (a rename, a drop, a changed type or key);
docs/CHANGELOG-contract.md says what changed and from which release.
"""

from __future__ import annotations

from sealreg.config import PROJECT_ROOT

#: 1: the first registry; 2: reference checks (§6), supply chain (§7) and open source (§8) added.
CONTRACT_VERSION = 2
CONTRACT_TEXT = PROJECT_ROOT / "spec" / "registry-contract.md"
CONTRACT_CHANGELOG = PROJECT_ROOT / "docs" / "CHANGELOG-contract.md"
#: Where a release carries them.
CONTRACT_DIR = "contract"
RELEASE_CONTRACT_TEXT = f"{CONTRACT_DIR}/registry-contract.md"
RELEASE_CONTRACT_CHANGELOG = f"{CONTRACT_DIR}/CHANGELOG.md"
