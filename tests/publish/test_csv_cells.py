"""The CSV exports' formula neutralisation in SQL gives the cell `neutralise_cell` gives."""

from __future__ import annotations

import duckdb

from ingestion.text import FORMULA_START, neutralise_cell, neutralise_sql

CELLS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=\u0301accent", "", None, "a=1", " =1", "\n=1", "'=1",
         "\U0001F600=", "\u00e9t\u00e9", "x", "=", "--", "\u200b=1", "\uff1d1"]


def test_every_cell_is_neutralised_as_in_python():
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(CELLS)))
        got = [r[0] for r in con.execute(f"SELECT {neutralise_sql('v')} FROM t ORDER BY i").fetchall()]
    finally:
        con.close()
    assert got == [neutralise_cell(v) for v in CELLS]
    assert sum(1 for v in CELLS if v and v.startswith(FORMULA_START)) == 9  # both kinds are there
