"""The published interface changes only by the rule of docs/CHANGELOG-contract.md.

spec/contract/v<N>.json records every published column and type of contract version N. Within a
version, columns may be added (the snapshot is then rewritten) but never dropped, renamed or retyped.
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from sealreg.publish import contract
from sealreg.publish.release import PUBLISHED_TABLES


def test_the_snapshot_of_this_contract_version_records_every_published_column():
    recorded = json.loads(contract.snapshot_path().read_text())
    assert recorded == contract.contract_columns(PUBLISHED_TABLES), \
        "the dbt contracts changed: run `python -m sealreg.publish.contract` (it refuses a breaking change)"


def test_no_published_column_was_dropped_renamed_or_retyped_within_this_version():
    recorded = json.loads(contract.snapshot_path().read_text())
    assert contract.breaking_changes(recorded, contract.contract_columns(PUBLISHED_TABLES)) == []


def _edited_models(tmp_path, table: str, edit) -> object:
    models = tmp_path / "models"
    shutil.copytree(contract.DBT_MODELS, models)
    for path in models.rglob("*.yml"):
        doc = yaml.safe_load(path.read_text()) or {}
        for model in doc.get("models") or []:
            if model["name"] == table:
                edit(model["columns"])
                path.write_text(yaml.safe_dump(doc, sort_keys=False))
                return models
    raise AssertionError(table)


def test_a_retyped_or_renamed_column_is_a_breaking_change(tmp_path):
    def retype(columns):
        next(c for c in columns if c["name"] == "sovereignty_score")["data_type"] = "varchar"

    def rename(columns):
        next(c for c in columns if c["name"] == "flag"
             )["name"] = "flag_code"

    recorded = json.loads(contract.snapshot_path().read_text())
    retyped = contract.contract_columns(PUBLISHED_TABLES, _edited_models(tmp_path / "a", "services", retype))
    renamed = contract.contract_columns(PUBLISHED_TABLES, _edited_models(tmp_path / "b", "washing_flags", rename))
    assert contract.breaking_changes(recorded, retyped) == [
        "services.sovereignty_score changed type from double to varchar"]
    assert contract.breaking_changes(recorded, renamed) == ["washing_flags.flag is no longer published"]


def test_an_added_column_is_not_a_breaking_change(tmp_path):
    def add(columns):
        columns.append({"name": "new_fact", "data_type": "varchar", "description": "x"})

    recorded = json.loads(contract.snapshot_path().read_text())
    added = contract.contract_columns(PUBLISHED_TABLES, _edited_models(tmp_path, "services", add))
    assert contract.breaking_changes(recorded, added) == []
    assert "new_fact" in added["services"]


def test_writing_the_snapshot_refuses_a_breaking_change(tmp_path, monkeypatch):
    snapshot = tmp_path / "v2.json"
    recorded = json.loads(contract.snapshot_path().read_text())
    recorded["services"]["sovereignty_score"] = "integer"
    snapshot.write_text(json.dumps(recorded))
    monkeypatch.setattr(contract, "snapshot_path", lambda version=contract.CONTRACT_VERSION: snapshot)
    with pytest.raises(ValueError, match="services.sovereignty_score changed type from integer to double"):
        contract.write_snapshot(PUBLISHED_TABLES)
    assert json.loads(snapshot.read_text())["services"]["sovereignty_score"] == "integer"
