"""Parallel rendering: service and provider pages shared out between this process and spawned workers.

The parent holds the whole page model (`pages.Site`); a worker receives the ids of every unit of work and
loads, per unit, only its rows (`UnitRenderer`), so the workers add one batch each to the memory, not a
second copy of the release."""

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
from sealreg.duckdb_threads import set_threads
from sealreg.publish.site import model, pages
from sealreg.publish.site.data import Tables, group
from sealreg.publish.site.detail import DetailPages
from sealreg.publish.site.pages import Site
from sealreg.publish.site.writer import Writer

PARALLEL_MIN_SERVICES = 2000  # below this, worker processes cost more than they save
#: DuckDB threads per rendering process while several render (the processes already fill the cores; a
#: second thread each costs ~5-10 % more CPU in the fragments' queries for no shorter wall)
PROCESS_THREADS = 1


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


class UnitRenderer:
    """A worker's renderer: for each unit of work it loads only the rows of that unit's services or
    providers (`model.load`), so a worker holds one batch, never the whole release."""

    def __init__(self, t: Tables, base: dict, out: Writer, units: list[tuple[str, list[str]]]) -> None:
        self.t, self.base, self.out, self.units = t, base, out, units
        self.detail = DetailPages(pages.environment(), base)

    def run(self, i: int) -> None:
        kind, ids = self.units[i]
        if kind == "services":
            m = model.load(self.t, service_ids=ids)
            # one page per id, the row a whole-release load would keep (Site.pending)
            pick = {s["service_id"]: s for s in m.services if s["href"]}
            pages.render_services(self, [pick[sid] for sid in ids], m.certs, group(m.changes, "service_id"))
        else:
            m = model.load(self.t, provider_ids=ids)
            pages.render_providers(self, [(pid, m.providers[pid]) for pid in ids],
                                   group(m.services, "provider_id"), m.certs)


# Worker processes (spawned, so no DuckDB state is inherited across fork): each opens the release
# database read-only itself and takes units of work off the shared counter.
_worker: UnitRenderer | None = None
_worker_counter: Any = None


def _worker_init(db_path: str, root: str, base: dict, units: list[tuple[str, list[str]]], counter: Any,
                 parent: int) -> None:
    global _worker, _worker_counter
    _die_with_parent(parent)
    con = duckdb.connect(db_path, read_only=True)
    set_threads(con, PROCESS_THREADS)
    _worker = UnitRenderer(Tables(con), base, Writer(Path(root), make_dirs=False), units)
    _worker_counter = counter


def _worker_drain() -> dict[str, dict[str, Any]]:
    assert _worker is not None
    pages.drain(_worker_counter, len(_worker.units), _worker.run)
    _worker.t.con.close()
    return _worker.out.digests


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


class RenderWorkers:
    """The worker processes of one site build, started before the parent's own work (home pages, downloads
    page) so they render service and provider pages meanwhile; `finish` has the parent join in the rendering
    and collects what the workers wrote. A single-process build (small sites) renders everything in `finish`."""

    def __init__(self, site: Site, db_path: Path) -> None:
        self.site = site
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list = []
        self.counter: Any = _LocalCounter()
        #: the parent connection's DuckDB threads while the workers run (restored by `close`)
        self.threads: int | None = None
        workers = _workers(len(site.pending))
        if workers == 1:
            return
        self.threads = set_threads(site.t.con, PROCESS_THREADS)
        ctx = multiprocessing.get_context("spawn")
        self.counter = ctx.Value("q", 0)
        self.pool = ProcessPoolExecutor(
            max_workers=workers - 1,
            mp_context=ctx,
            initializer=_worker_init,
            initargs=(str(db_path), str(site.out.root), site.base, site.units(), self.counter, os.getpid()),
        )
        try:
            self.futures = [self.pool.submit(_worker_drain) for _ in range(workers - 1)]
        except BaseException:
            self.close()
            raise

    def finish(self) -> None:
        """Render the pages the workers have not taken, then wait for them and take their digests."""
        try:
            self.site.drain(self.counter)
            for future in self.futures:
                self.site.out.digests.update(future.result())
        except BaseException:
            self.close()
            raise
        self.close()

    def close(self) -> None:
        """Stop handing out work (the workers end after their current task) and wait for the workers."""
        if self.threads is not None:
            set_threads(self.site.t.con, self.threads)
            self.threads = None
        if self.pool is None:
            return
        with self.counter.get_lock():
            self.counter.value = max(self.counter.value, len(self.site.tasks))
        pool, self.pool = self.pool, None
        pool.shutdown(wait=True, cancel_futures=True)
