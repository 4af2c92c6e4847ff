"""The analyst guide's queries in README.md run against a real release and return rows."""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.helpers import REPO

QUERIES = re.findall(r"```sql\n(.*?)```", (REPO / "README.md").read_text(), flags=re.S)


def test_readme_has_five_analyst_queries():
    assert len(QUERIES) == 5


@pytest.mark.parametrize("number", range(1, len(QUERIES) + 1))
def test_readme_query_runs_on_the_sample_release(sample_home, number):
    con = duckdb.connect(str(sample_home / "current" / "registry.duckdb"), read_only=True)
    try:
        rows = con.execute(QUERIES[number - 1]).fetchall()
    finally:
        con.close()
    if number != 3:  # the first release has no earlier one to change from
        assert rows, f"query {number} returned nothing on the samples"
