"""Jobs run side by side on a few cursors of one DuckDB connection, the heaviest ready job first.

A job may return more jobs (a table's exports once its copy is in); they are ready when it ends.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Job:
    """`run(cursor)` with its weight: of the ready jobs, the one with the largest weight runs next."""

    weight: tuple[int, ...]
    run: Callable[[duckdb.DuckDBPyConnection], list[Job] | None]


def statement(sql: str) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """A job body that runs one SQL statement."""

    def run(cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(sql)

    return run


def run_jobs(con: duckdb.DuckDBPyConnection, jobs: list[Job], workers: int) -> None:
    """Run `jobs`, and the jobs they return, on `workers` cursors of `con` at once.

    The first error stops every worker before its next job; it is raised once the running jobs ended.
    """
    order = itertools.count()  # equal weights keep the order given
    ready: list[tuple[tuple[int, ...], int, Job]] = []

    def push(job: Job) -> None:
        heapq.heappush(ready, (tuple(-w for w in job.weight), next(order), job))

    for job in jobs:
        push(job)
    cond = threading.Condition()
    running = 0
    errors: list[BaseException] = []

    def work() -> None:
        nonlocal running
        cur = con.cursor()
        try:
            while True:
                with cond:
                    while not ready and running and not errors:  # a running job may still add jobs
                        cond.wait()
                    if errors or not ready:
                        cond.notify_all()
                        return
                    job = heapq.heappop(ready)[2]
                    running += 1
                more: list[Job] = []
                try:
                    more = job.run(cur) or []
                except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
                    with cond:
                        errors.append(exc)
                finally:
                    with cond:
                        for j in more:
                            push(j)
                        running -= 1
                        cond.notify_all()
        finally:
            cur.close()

    threads = [threading.Thread(target=work, name=f"export-{i}") for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
