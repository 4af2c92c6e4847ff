"""Every table and column named in spec/registry-contract.md is in the published release."""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.helpers import REPO


def _contract_tables() -> dict[str, set[str]]:
    text = (REPO / "spec" / "registry-contract.md").read_text()
    section = text.split("## Published tables", 1)[1]
    tables = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            names = re.findall(r"`([a-z_]+)`", " ".join(cells))
            tables[names[0]] = set(names[1:])
    return tables


CONTRACT = _contract_tables()


def test_the_contract_names_eleven_tables():
    assert len(CONTRACT) == 11


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_published_table_has_every_contract_column(sample_home, table):
    con = duckdb.connect(str(sample_home / "current" / "registry.duckdb"), read_only=True)
    try:
        columns = {r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'main' and table_name = ?",
            [table]).fetchall()}
    finally:
        con.close()
    words = CONTRACT[table] - {"added", "removed", "changed"}  # values of `change`, not columns
    assert words <= columns, f"{table} lacks {sorted(words - columns)}"
