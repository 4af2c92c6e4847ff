"""The single-file checks on worker processes (`ingestion.check_pool`): the same outcomes as checked here, in
order, none lost when the workers die, and the same raw tables and quarantine for a whole ingest."""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import os
import shutil
import signal

from bench.generate import generate
from ingestion import check_pool
from ingestion.ingest import run_ingest
from ingestion.validate import check_document
from sealreg.config import RunContext
from tests.ingestion.test_incremental import _dump, _tree

AS_OF = dt.date(2026, 11, 28)


def _files(factory) -> list[tuple[str, bytes | None]]:
    """Valid and invalid disclosures (BOM, duplicate key, bad JSON, a rule broken), and items with nothing to check."""
    out: list[tuple[str, bytes | None]] = []
    for i in range(60):
        doc = factory.disclosure(f"prov-{i:03d}")
        data = factory.to_bytes(doc)
        if i % 7 == 1:
            data = b"\xef\xbb\xbf" + data
        elif i % 7 == 2:
            data = data.replace(b'"schema_version"', b'"disclosure_id": "dup", "schema_version"', 1)
        elif i % 7 == 3:
            data = data[: len(data) // 2]
        elif i % 7 == 4:
            doc["submitted_at"] = "yesterday"
            data = json.dumps(doc).encode()
        out.append((f"f{i:03d}.json", data))
        if i % 5 == 0:
            out.append((f"cached-{i:03d}.json", None))
    return out


def _small_pool(monkeypatch) -> None:
    monkeypatch.setattr(check_pool, "POOL_START", 5)
    monkeypatch.setattr(check_pool, "POOL_MIN_FILES", 5)
    monkeypatch.setattr(check_pool, "BATCH", 3)
    monkeypatch.setattr(check_pool, "WINDOW", 2)


def _pool_started(caplog) -> bool:
    return any("worker processes" in r.getMessage() for r in caplog.records if r.name == check_pool.__name__)


def test_worker_outcomes_equal_the_outcomes_checked_here_in_order(factory, monkeypatch, caplog):
    caplog.set_level(logging.INFO, check_pool.__name__)
    _small_pool(monkeypatch)
    files = _files(factory)
    got = list(check_pool.checked(((name, data, name if data else None) for name, data in files), factory.AS_OF,
                                len(files)))
    assert [name for name, _ in got] == [name for name, _ in files]
    for (name, data), (_, outcome) in zip(files, got, strict=True):
        assert outcome == (None if data is None else check_document(data, name, factory.AS_OF)), name
    assert sum(o is not None and o.doc is not None for _, o in got) >= 20  # valid documents came back whole
    assert _pool_started(caplog)


def test_no_file_is_lost_when_the_workers_are_killed(factory, monkeypatch):
    _small_pool(monkeypatch)
    files = _files(factory)
    stream = check_pool.checked(((name, data, name if data else None) for name, data in files), factory.AS_OF,
                                len(files))
    got = [next(stream) for _ in range(8)]  # the pool has started and holds batches in flight
    workers = multiprocessing.active_children()
    assert workers
    for proc in workers:
        os.kill(proc.pid, signal.SIGKILL)
    got += list(stream)
    assert [name for name, _ in got] == [name for name, _ in files]
    for (name, data), (_, outcome) in zip(files, got, strict=True):
        assert outcome == (None if data is None else check_document(data, name, factory.AS_OF)), name


def test_an_ingest_with_workers_equals_one_without(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.INFO, check_pool.__name__)
    inbox = tmp_path / "inbox"
    generate(inbox, 150, seed=3, invalid_share=0.1, as_of=AS_OF)
    started = None
    dumps = []
    monkeypatch.setattr(check_pool, "POOL_START", 10)
    for label, min_files in (("pool", 10), ("here", 10**9)):
        monkeypatch.setattr(check_pool, "POOL_MIN_FILES", min_files)
        ctx = RunContext.create(home=tmp_path / label, inbox=inbox, as_of=AS_OF, run_id="run", started=started)
        started = ctx.started
        caplog.clear()
        result = run_ingest(ctx, decisions=[], full=True)
        assert _pool_started(caplog) == (label == "pool")
        dumps.append((result, _dump(ctx.run_warehouse), _tree(ctx.quarantine_dir)))
        shutil.rmtree(ctx.run_dir)
    (pooled, tables, quarantined), (alone, want_tables, want_quarantined) = dumps
    assert pooled == alone and pooled["rejected"] >= 15
    assert tables == want_tables
    assert quarantined == want_quarantined


def test_the_bytes_read_ahead_of_the_caller_stay_bounded_whatever_the_file_sizes(monkeypatch):
    """A flood of files at the size limit (5 MiB each) must not all be held at once: before the pool, the ingest
    held one file at a time; with it, at most MAX_BYTES_AHEAD plus one file (not 9 batches of 64 files)."""
    monkeypatch.setattr(check_pool, "POOL_START", 5)
    monkeypatch.setattr(check_pool, "POOL_MIN_FILES", 5)
    size, count = 1 << 20, 200
    junk = b" " * size  # not JSON (E001): checked at once, so the test measures the window, not the checks
    pulled = 0

    def items():
        nonlocal pulled
        for i in range(count):
            pulled += 1
            yield i, junk, f"f{i:03d}.json"

    ahead = 0
    for done, (i, outcome) in enumerate(check_pool.checked(items(), AS_OF, count), start=1):
        assert i == done - 1 and outcome is not None and outcome.problems[0].code == "E001"
        ahead = max(ahead, (pulled - done) * size)
    assert done == count
    assert ahead <= check_pool.MAX_BYTES_AHEAD + size, ahead >> 20
