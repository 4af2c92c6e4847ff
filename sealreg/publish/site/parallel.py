"""Parallel rendering: service and provider pages shared out between this process and spawned workers."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

from sealreg.config import site_workers_from_env
from sealreg.publish.site import pages
from sealreg.publish.site.data import Tables
from sealreg.publish.site.pages import Site, signing_fingerprint
from sealreg.publish.site.writer import Writer

PARALLEL_MIN_SERVICES = 2000  # below this, worker processes cost more than they save


class _LocalCounter:
    """The shared counter's interface for a single process (no semaphore, no resource tracker)."""

    value = 0

    def get_lock(self) -> contextlib.nullcontext:
        return contextlib.nullcontext()


def _workers(n_services: int) -> int:
    """Processes rendering the pages: SEALREG_SITE_WORKERS, else up to 2 (one per core) for large sites."""
    configured = site_workers_from_env()
    if configured:
        return configured
    if n_services < PARALLEL_MIN_SERVICES or multiprocessing.current_process().daemon:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


# Worker processes (spawned, so no DuckDB state is inherited across fork): each opens the release
# database read-only itself, rebuilds the same Site and takes batches off the shared counter.
_worker_site: Site | None = None
_worker_counter: Any = None


def _worker_init(
    db_path: str, release_id: str, has_validation: bool, root: str, counter: Any, parent: int, sizes: tuple[int, int],
    only: tuple[set[str], set[str]] | None = None,
) -> None:
    global _worker_site, _worker_counter
    _die_with_parent(parent)
    pages.BATCH, pages.PROVIDER_BATCH = sizes  # the parent's unit sizes (tests change them)
    con = duckdb.connect(db_path, read_only=True)
    _worker_site = Site(Tables(con), release_id, has_validation, Writer(Path(root), make_dirs=False),
                        signing_fingerprint(Path(db_path).parent))
    if only is not None:
        _worker_site.restrict(*only)
    _worker_counter = counter


def _worker_drain(n_tasks: int) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    assert _worker_site is not None
    if len(_worker_site.tasks) != n_tasks:  # same tables, same tasks; anything else is a bug
        raise RuntimeError(f"worker sees {len(_worker_site.tasks)} tasks, parent {n_tasks}")
    _worker_site.drain(_worker_counter)
    _worker_site.t.con.close()
    return _worker_site.out.digests, _worker_site.table_digests


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive a killed publisher (it would keep writing into a release folder the
    next run removes or reuses): ask Linux to SIGKILL it when the parent dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def render_pages(site: Site, db_path: Path, release_id: str, has_validation: bool) -> None:
    """Service and provider pages, in this process and (for large sites) in worker processes."""
    workers = _workers(len(site.pending))
    if workers == 1:
        site.drain(_LocalCounter())
        return
    ctx = multiprocessing.get_context("spawn")
    counter = ctx.Value("q", 0)
    with ProcessPoolExecutor(
        max_workers=workers - 1,
        mp_context=ctx,
        initializer=_worker_init,
        initargs=(
            str(db_path),
            release_id,
            has_validation,
            str(site.out.root),
            counter,
            os.getpid(),
            (pages.BATCH, pages.PROVIDER_BATCH),
            site.only,
        ),
    ) as pool:
        futures = [pool.submit(_worker_drain, len(site.tasks)) for _ in range(workers - 1)]
        try:
            site.drain(counter)
        except BaseException:
            with counter.get_lock():
                counter.value = len(site.tasks)  # the workers stop after their current task
            raise
        for future in futures:
            files, tables = future.result()
            site.out.digests.update(files)
            site.table_digests.update(tables)
