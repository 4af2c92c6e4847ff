"""A home whose history was written by an earlier release keeps refreshing: every column that
service_states gained since its first release is added to the existing table by the model's pre-hook."""

from __future__ import annotations

import re

import duckdb

from sealreg.config import RegistryHome
from tests.helpers import REPO

# service_states as the first published release wrote it
FIRST_RELEASE_COLUMNS = {
    "as_of", "service_id", "provider_id", "disclosure_id", "name", "model", "sovereignty_score", "seal",
    "seal_uncapped", "ual", "status", "status_reason", "weights_version", "evaluated_on", "regions", "flag_count",
    "disclosure_withdrawn",
}
MACRO = REPO / "dbt_project" / "macros" / "add_service_states_columns.sql"


def test_every_column_added_since_the_first_release_is_added_to_an_existing_history(sample_home):
    con = duckdb.connect(str(RegistryHome.at(sample_home).baseline_warehouse), read_only=True)
    try:
        columns = {r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_name = 'service_states'").fetchall()}
    finally:
        con.close()
    added = set(re.findall(r"add column if not exists (\w+)", MACRO.read_text()))
    assert FIRST_RELEASE_COLUMNS <= columns
    assert added == columns - FIRST_RELEASE_COLUMNS
