"""The single-file checks of many disclosures on worker processes, with the outcomes in inbox order.

`check_document` is pure Python (about 0.5 ms a file), so a full ingest of 10k providers spent most of
its time in it on one core. Once `POOL_MIN_FILES` files have needed a check, the rest are checked by
`WORKERS` spawned processes, `BATCH` files at a time and at most `WINDOW` batches or `MAX_BYTES_AHEAD`
bytes ahead of the caller (bounded memory, whatever the files' sizes). A worker returns a valid file's
outcome without its document, which the caller decodes again from the bytes it holds (plain `json.loads`
of bytes `parse_json` accepted gives the same value, in a sixth of the time of a strict parse and faster
than unpickling it). If the pool fails, the files it had not answered are checked here: no file is lost
or judged differently.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from typing import TypeVar

from ingestion.jsonparse import decode_accepted
from ingestion.validate import Outcome, check_document

log = logging.getLogger(__name__)

#: Worker processes start once `POOL_START` files have been checked here and, at the rate seen so far, at
#: least `POOL_MIN_FILES` more are expected to need a check (spawning costs ~0.3 s of CPU each): a full
#: ingest of a large inbox, not a quiet night where 1 % of the files changed.
POOL_START = 100
POOL_MIN_FILES = 1000
#: Worker processes (the machine has two cores; this process decodes, hashes and reads meanwhile).
WORKERS = 2
#: Files sent to a worker at once, and batches in flight ahead of the caller.
BATCH = 64
WINDOW = 8
#: Bytes of files read but not yet answered to the caller: a batch is sent early and the caller waits for
#: answers beyond this (files at the 5 MiB size limit would otherwise hold 9 x 64 x 5 MiB).
MAX_BYTES_AHEAD = 64 << 20
BATCH_BYTES = MAX_BYTES_AHEAD // (WINDOW + 1)

T = TypeVar("T")


def _check_batch(files: list[tuple[bytes, str]], as_of: dt.date) -> list[Outcome]:
    """Outcomes of the files, a valid file's without its document (the caller decodes it)."""
    out = []
    for data, name in files:
        outcome = check_document(data, name, as_of)
        out.append(replace(outcome, doc=None) if outcome.doc is not None else outcome)
    return out


def _with_document(outcome: Outcome, data: bytes) -> Outcome:
    return replace(outcome, doc=decode_accepted(data)) if not outcome.problems else outcome


def _pool_allowed() -> bool:
    """Worker processes can be started: more than one core, and not inside a daemonic process (which may
    not have children, e.g. a multiprocessing worker running the ingest)."""
    return WORKERS > 1 and (os.cpu_count() or 1) > 1 and not multiprocessing.current_process().daemon


def checked(items: Iterable[tuple[T, bytes, str] | tuple[T, None, None]], as_of: dt.date, expected: int
            ) -> Iterator[tuple[T, Outcome | None]]:
    """(item, outcome of its bytes) for each (item, bytes, file name), in the order given; (item, None) for an
    item given without bytes (nothing to check). `expected`: about how many items there are."""
    pool: ProcessPoolExecutor | None = None
    window: deque[tuple[list[tuple[T, bytes | None, str | None]], Future | None]] = deque()
    batch: list[tuple[T, bytes | None, str | None]] = []
    todo: list[tuple[bytes, str]] = []
    inline = seen = 0
    ahead = todo_bytes = 0  # bytes read and not yet answered; of them, in the batch not yet sent
    allowed = _pool_allowed()

    def worth_a_pool() -> bool:
        return allowed and inline >= POOL_START and inline * (expected - seen) >= POOL_MIN_FILES * seen

    def submit() -> None:
        nonlocal batch, todo, todo_bytes
        window.append((batch, pool.submit(_check_batch, todo, as_of) if todo and pool is not None else None))
        batch, todo, todo_bytes = [], [], 0

    def drain_one() -> Iterator[tuple[T, Outcome | None]]:
        nonlocal pool, allowed, ahead
        part, future = window.popleft()
        ahead -= sum(len(data) for _item, data, _name in part if data is not None)
        answers: list[Outcome] | None = None
        if future is not None:
            try:
                answers = future.result()
            except Exception as exc:  # noqa: BLE001 - a broken pool: check here what it did not answer
                if pool is not None:
                    log.warning("disclosure check workers failed (%s); the remaining files are checked in this "
                                "process", exc)
                    pool.shutdown(wait=False, cancel_futures=True)
                pool, allowed = None, False
        got = iter(answers or ())
        for item, data, name in part:
            if data is None:
                yield item, None
            elif answers is not None:
                yield item, _with_document(next(got), data)
            else:
                yield item, check_document(data, name, as_of)

    try:
        for item, data, name in items:
            seen += 1
            if pool is None and not window:
                if data is None or not worth_a_pool():
                    inline += data is not None
                    yield item, None if data is None else check_document(data, name, as_of)
                    continue
                pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"))
                log.info("checking the disclosures on %d worker processes (after %d here)", WORKERS, inline)
            batch.append((item, data, name))
            if data is not None:
                todo.append((data, name))
                ahead += len(data)
                todo_bytes += len(data)
            if len(todo) >= BATCH or todo_bytes >= BATCH_BYTES:
                submit()
            while len(window) > WINDOW or (window and ahead > MAX_BYTES_AHEAD):
                yield from drain_one()
        if batch:
            submit()
        while window:
            yield from drain_one()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
