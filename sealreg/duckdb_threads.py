"""DuckDB's thread count on a connection, set for a stretch of work and put back after it."""

from __future__ import annotations

import duckdb


def set_threads(con: duckdb.DuckDBPyConnection, threads: int) -> int:
    """Run `con`'s queries on `threads` threads from now on; the count it had before (to put back).

    Every statement's result is read in full (`fetchall`): a result left pending on the connection makes
    DuckDB refuse the next query."""
    ((before,),) = con.execute("select current_setting('threads')").fetchall()
    con.execute(f"set threads = {int(threads)}").fetchall()
    return int(before)
