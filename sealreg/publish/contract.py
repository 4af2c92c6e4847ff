"""The version of the registry contract a release follows, and where its text and changelog live.

The contract (spec/registry-contract.md) names the tables, columns, keys and commands that users
may rely on. Its version goes up on a breaking change (a rename, a drop, a changed type or key);
docs/CHANGELOG-contract.md says what changed and from which release.
"""

from __future__ import annotations

import json
from pathlib import Path

from sealreg.config import PROJECT_ROOT

#: 1: the first registry; 2: reference checks (§6), supply chain (§7) and open source (§8) added.
CONTRACT_VERSION = 2
CONTRACT_TEXT = PROJECT_ROOT / "spec" / "registry-contract.md"
CONTRACT_CHANGELOG = PROJECT_ROOT / "docs" / "CHANGELOG-contract.md"
#: Where a release carries them.
CONTRACT_DIR = "contract"
RELEASE_CONTRACT_TEXT = f"{CONTRACT_DIR}/registry-contract.md"
RELEASE_CONTRACT_CHANGELOG = f"{CONTRACT_DIR}/CHANGELOG.md"
RELEASE_CONTRACT_COLUMNS = f"{CONTRACT_DIR}/columns.json"

#: The published columns and types of each contract version, one JSON file per version (written by
#: `python -m sealreg.publish.contract`): the record a later change is checked against.
SNAPSHOT_DIR = PROJECT_ROOT / "spec" / "contract"
DBT_MODELS = PROJECT_ROOT / "dbt_project" / "models"


def snapshot_path(version: int = CONTRACT_VERSION) -> Path:
    """Where the column snapshot of contract `version` is kept."""
    return SNAPSHOT_DIR / f"v{version}.json"


def dbt_models(models_dir: Path = DBT_MODELS) -> dict[str, dict]:
    """{model name: its YAML entry} of every model documented under `models_dir`."""
    import yaml

    models = {}
    for path in sorted(models_dir.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            models[model["name"]] = model
    return models


def contract_columns(tables, models_dir: Path = DBT_MODELS) -> dict[str, dict[str, str]]:
    """{table: {column: data_type}} of the enforced dbt contracts of `tables`, columns in table order."""
    models = dbt_models(models_dir)
    return {t: {c["name"]: c["data_type"] for c in models[t]["columns"]} for t in sorted(tables)}


def breaking_changes(old: dict, new: dict) -> list[str]:
    """What `new` drops, renames or retypes of `old` (tables or columns); additions are not breaking."""
    problems = []
    for table, columns in old.items():
        if table not in new:
            problems.append(f"table {table} is no longer published")
            continue
        now = new[table]
        for name, data_type in columns.items():
            if name not in now:
                problems.append(f"{table}.{name} is no longer published")
            elif now[name] != data_type:
                problems.append(f"{table}.{name} changed type from {data_type} to {now[name]}")
    return problems


def write_snapshot(tables) -> Path:
    """Record the current contract columns as this version's snapshot; refuse a breaking change."""
    path = snapshot_path()
    current = contract_columns(tables)
    if path.exists():
        problems = breaking_changes(json.loads(path.read_text()), current)
        if problems:
            raise ValueError(f"a breaking change within contract version {CONTRACT_VERSION}: "
                             + "; ".join(problems) + ". Raise CONTRACT_VERSION, keep the old shape as a dbt "
                             "model version and say it in docs/CHANGELOG-contract.md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=1) + "\n")
    return path


if __name__ == "__main__":
    from sealreg.publish.release import PUBLISHED_TABLES

    print(write_snapshot(PUBLISHED_TABLES))
