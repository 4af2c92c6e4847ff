"""Static public registry site: reads a release's registry.duckdb, writes <release>/site/.

Pages are Jinja2 templates (autoescaped: disclosure text is untrusted), charts are inline SVG, the
only script is a small local file for search and sort. No network, no clock: same tables, same bytes.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import signal
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from sealreg.publish import charts

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
RELEASE_ID = re.compile(r"\d{4}-\d{2}-\d{2}-\d{3}")
# Columns the pages read; a missing one is filled with None (templates test `cols` before showing it).
TABLES = {
    "providers": "provider_id legal_name country lei website ultimate_controller_name ultimate_controller_country "
    "third_country_control ownership_ok control_chain disclosure_id submitted_at",
    "services": "service_id provider_id name model sovereignty_score seal seal_uncapped ual status status_reason "
    "weights_version evaluated_on regions flag_count",
    "objective_results": "service_id objective objective_name score_pct seal seal_uncapped weight",
    "criterion_results": "service_id criterion_id objective title rung rung_label points max_points seal "
    "evidence_url evidence_note",
    "washing_flags": "service_id flag objective cap reason",
    "cada_gates": "service_id level gate gate_order passed detail",
    "certifications": "provider_id certificate_id service_id scheme issuer valid_from valid_until valid_on_as_of",
    "decisions": "decision_id service_id action reason decided_by decided_at in_force",
    "service_history": "service_id valid_from valid_to seal ual sovereignty_score status",
    "changes": "service_id field change old_value new_value",
    "rejections": "file code path message run_id",
}
STATUS_ORDER = ("listed", "expired", "suspended", "revoked", "not_listed")


PAGE_SIZE = 1000  # services per page of the no-JavaScript list (index.html holds the first page)
BATCH = 500  # services whose detail rows are fetched and rendered together (one unit of work)
PROVIDER_BATCH = 1000  # provider pages per unit of work
PARALLEL_MIN_SERVICES = 2000  # below this, worker processes cost more than they save
#: Per-service tables, fetched for one batch of services at a time (never whole).
DETAIL_TABLES = ("objective_results", "criterion_results", "cada_gates", "decisions", "service_history")
DATA_SCRIPT = "services-data.js"
#: Decimal columns that pages only show through float() (number, one): read as DOUBLE, which is the
#: same correctly rounded value and converts to Python twice as fast as Decimal (1.5 M criterion rows).
AS_DOUBLE = {"criterion_results": ("points", "max_points"), "objective_results": ("score_pct", "weight")}
ROW_CACHE_SIZE = 200_000  # rendered table rows kept per build (each a few hundred bytes)


def build_site(release_dir: Path, digests: dict[str, dict[str, Any]] | None = None) -> Path:
    """Render the site of one release into ``release_dir / "site"`` and return that path.

    With ``digests``, it is updated with ``{"site/<path>": {"sha256": ..., "size": ...}}`` of every
    file written (hashed from the bytes as they are written, so the publisher need not re-read them).
    """
    release_dir = Path(release_dir)
    has_validation = (release_dir / "validation" / "index.html").is_file()
    site = release_dir / "site"
    staging = release_dir / "site.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    out = _Writer(staging)
    db_path = release_dir / "registry.duckdb"
    release_id = release_id_of(release_dir)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        site_data = _Site(_Tables(con), release_id, has_validation, out)
        for folder in ("services", "providers"):
            (staging / folder).mkdir(parents=True, exist_ok=True)
        site_data.home_pages()
        _render_pages(site_data, db_path, release_id, has_validation)
    finally:
        con.close()
    for path in sorted(STATIC_DIR.iterdir()):
        if path.is_file():
            out.write(f"static/{path.name}", path.read_bytes())
    shutil.rmtree(site, ignore_errors=True)
    staging.rename(site)
    if digests is not None:
        digests.update({f"site/{rel}": entry for rel, entry in sorted(out.digests.items())})
    return site


def release_id_of(release_dir: Path) -> str:
    """Release id from the folder name; the publisher builds in `.tmp-<release_id>` before renaming."""
    match = RELEASE_ID.search(release_dir.name)
    return match.group(0) if match else release_dir.name.lstrip(".").removeprefix("tmp-")


class _Writer:
    """Writes the site's files under one root and keeps the sha256 and size of each."""

    def __init__(self, root: Path, make_dirs: bool = True) -> None:
        self.root = Path(os.path.abspath(root))
        self.digests: dict[str, dict[str, Any]] = {}
        self._dirs: set[Path] = set()
        self._make_dirs = make_dirs  # workers write into folders the parent made, never recreate them

    def write(self, rel_path: str, data: bytes) -> None:
        target = _safe_target(self.root, rel_path)
        if self._make_dirs and target.parent not in self._dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(target.parent)
        with open(target, "wb") as f:
            f.write(data)
        self.digests[rel_path] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


# ---------------------------------------------------------------- data


class _Tables:
    """Read access to the release's tables: small tables whole, per-service tables by id range."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.columns: dict[str, set[str]] = {}
        self._present: dict[str, list[str]] = {}
        self._types: dict[str, dict[str, str]] = {}
        con.execute("set enable_progress_bar = false")
        for name in TABLES:
            rows = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'main' and table_name = ? order by ordinal_position",
                [name],
            ).fetchall()
            self.columns[name] = {c for c, _ in rows}
            self._present[name] = [c for c, _ in rows]
            self._types[name] = dict(rows)

    def rows(self, name: str, where: str = "", params: list | None = None, narrow: bool = False) -> list[dict]:
        """Rows as dicts in a total order (``order by all``); expected columns that are missing are None.

        ``narrow`` selects only the columns the pages read (the detail tables are the big ones).
        """
        present = self._present[name]
        if not present:
            return []
        expected = TABLES[name].split()
        cols = [c for c in expected if c in present] if narrow else present
        if not cols:
            return []
        select = ", ".join(
            f'cast("{c}" as double) as "{c}"'
            if narrow and c in AS_DOUBLE.get(name, ()) and self._types[name][c].startswith("DECIMAL")
            else f'"{c}"'
            for c in cols
        )
        cur = self.con.execute(f'select {select} from main."{name}" {where} order by all', params or [])
        missing = [c for c in expected if c not in present]
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if not missing:
            return [dict(zip(names, row, strict=True)) for row in rows]
        names += missing
        pad = (None,) * len(missing)
        return [dict(zip(names, row + pad, strict=True)) for row in rows]

    def service_rows(self, name: str, lo: str, hi: str) -> dict[Any, list[dict]]:
        """Rows of a per-service table for the services with lo <= service_id <= hi, by service_id."""
        if "service_id" not in self.columns[name]:
            return {}
        return _group(self.rows(name, "where service_id >= ? and service_id <= ?", [lo, hi], narrow=True), "service_id")

    def objective_counts(self) -> tuple[list[tuple[Any, list[int]]], dict[Any, str]]:
        """Services per objective and objective SEAL 0..4, and the name of each objective."""
        cols = self.columns["objective_results"]
        if "objective" not in cols:
            return [], {}
        name_sql = '"objective_name"' if "objective_name" in cols else "null"
        names = dict(
            self.con.execute(
                f'select distinct on (objective) objective, {name_sql} from main."objective_results" order by all'
            ).fetchall()
        )
        counts: dict[Any, list[int]] = {o: [0] * 5 for o in names}
        if "seal" in cols:
            for objective, seal, n in self.con.execute(
                'select objective, seal, count(*) from main."objective_results" '
                "where seal between 0 and 4 group by all order by all"
            ).fetchall():
                counts[objective][int(seal)] += n
        order = sorted(counts, key=lambda o: (_natural(o), str(o)))
        return [(o, counts[o]) for o in order], {o: names[o] or "" for o in order}


@lru_cache(maxsize=1 << 16)
def _natural_str(text: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text))


def _natural(text: Any) -> tuple:
    """Sort key that puts SOV-1.2 before SOV-1.10."""
    return _natural_str(str(text or ""))


def _group(rows: list[dict], key: str) -> dict[Any, list[dict]]:
    out: dict[Any, list[dict]] = defaultdict(list)
    for row in rows:
        out[row.get(key)].append(row)
    return out


def _single(rows: list[dict], column: str) -> Any:
    values = sorted({str(r[column]) for r in rows if r.get(column) is not None})
    return ", ".join(values) if values else None


def _chain(value: Any) -> list[str]:
    """Control chain as readable steps: "a → B Holding (SE) → C LLC (US)", a JSON/list of entities, or None."""
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [step.strip() for step in value.split("→") if step.strip()]
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return [str(value)]
    steps = []
    for item in value:
        if isinstance(item, dict):
            name = item.get("name") or item.get("entity_name") or item.get("holder_name") or item.get("entity_id")
            country = item.get("country")
            steps.append(f"{name} ({country})" if country else str(name))
        else:
            steps.append(str(item))
    return steps


# ---------------------------------------------------------------- pages


class _Site:
    """Everything the pages of one release need except the per-service detail rows, which are fetched
    per batch. Built the same way (same order) in the parent and in each worker process."""

    def __init__(self, t: _Tables, release_id: str, has_validation: bool, out: _Writer) -> None:
        self.t, self.out, self.env = t, out, _environment()
        self.cols = t.columns
        providers = {p["provider_id"]: p for p in t.rows("providers")}
        for p in providers.values():
            p["href"] = f"providers/{p['provider_id']}.html" if _is_safe(p["provider_id"]) else None
            p["chain_steps"] = _chain(p.get("control_chain"))
        services = sorted(t.rows("services"), key=lambda s: (str(s.get("name") or "").casefold(), s["service_id"]))
        flags = _group(t.rows("washing_flags"), "service_id")
        for s in services:
            s["href"] = f"services/{s['service_id']}.html" if _is_safe(s["service_id"]) else None
            s["provider"] = providers.get(
                s["provider_id"], {"provider_id": s["provider_id"], "href": None, "legal_name": None, "country": None}
            )
            s["flags"] = sorted(flags.get(s["service_id"], []), key=lambda f: _natural(f["flag"]))
        self.services = services
        self.providers = sorted(providers.items())
        self.base = {
            "release": {
                "id": release_id,
                "date": _single(services, "evaluated_on") or "unknown",
                "weights": _single(services, "weights_version") or "unknown",
            },
            "has_validation": has_validation,
            "cols": self.cols,
        }
        by_id = {s["service_id"]: s for s in services}
        self.changes = sorted(t.rows("changes"), key=lambda c: (_natural(c["service_id"]), _natural(c["field"])))
        for c in self.changes:
            c["service"] = by_id.get(c["service_id"])
        self.changes_by = _group(self.changes, "service_id")
        self.certs = _group(t.rows("certifications"), "provider_id")
        self.by_provider = _group(services, "provider_id")
        #: services with a page, by service_id (the order of the detail tables, so a batch is an id range);
        #: one per id (ids are a key; if one repeats, the last by name gets the page, as it always did)
        self.pending = sorted(
            {s["service_id"]: s for s in services if s["href"]}.values(), key=lambda s: s["service_id"]
        )
        self.caches: dict[str, dict] = {"criteria": {}, "gates": {}}
        # the units of work shared out between processes: ("services" | "providers", start index)
        self.tasks = [("services", i) for i in range(0, len(self.pending), BATCH)] + [
            ("providers", i) for i in range(0, len(self.providers), PROVIDER_BATCH)
        ]

    def page(self, rel_path: str, template: str, context: dict) -> None:
        html = self.env.get_template(template).render(**self.base, **context)
        self.out.write(rel_path, html.encode("utf-8"))

    def home_pages(self) -> None:
        """index.html, the no-JavaScript list pages, the search data and changes.html."""
        services = self.services
        for s in services:
            if not s["href"]:
                log.warning("service id %r is not a safe file name; no page written", s["service_id"])
        for pid, p in self.providers:
            if not p["href"]:
                log.warning("provider id %r is not a safe file name; no page written", pid)
        list_pages = max(1, -(-len(services) // PAGE_SIZE))
        for n in range(1, list_pages + 1):
            chunk = services[(n - 1) * PAGE_SIZE : n * PAGE_SIZE]
            context = {
                "root": "",
                "services": services,
                "rows": _service_rows(chunk, ""),
                "page_no": n,
                "page_count": list_pages,
                "first": (n - 1) * PAGE_SIZE + 1,
                "last": (n - 1) * PAGE_SIZE + len(chunk),
            }
            if n == 1:
                self.page("index.html", "index.html", {**context, "page": "index", **_overview(self.t, services)})
            else:
                self.page(_list_page_name(n), "services_list.html", {**context, "page": "list"})
        self.out.write(DATA_SCRIPT, _services_data(services))
        self.page(
            "changes.html",
            "changes.html",
            {
                "root": "",
                "page": "changes",
                "changes": self.changes,
                "change_counts": sorted(Counter(c["change"] for c in self.changes).items()),
                "rejections": self.t.rows("rejections"),
            },
        )

    def run(self, task: tuple[str, int]) -> None:
        kind, start = task
        if kind == "services":
            batch = self.pending[start : start + BATCH]
            lo, hi = batch[0]["service_id"], batch[-1]["service_id"]
            per = {name: self.t.service_rows(name, lo, hi) for name in DETAIL_TABLES}
            for s in batch:
                self.page(
                    s["href"],
                    "service.html",
                    _service_context(s, per, self.certs, self.changes_by, self.cols, self.caches),
                )
        else:
            for pid, p in self.providers[start : start + PROVIDER_BATCH]:
                if not p["href"]:
                    continue
                self.page(
                    p["href"],
                    "provider.html",
                    {
                        "root": "../",
                        "page": "provider",
                        "p": p,
                        "services": self.by_provider.get(pid, []),
                        "certs": sorted(
                            self.certs.get(pid, []), key=lambda c: (_natural(c["certificate_id"]), str(c["service_id"]))
                        ),
                    },
                )

    def drain(self, counter: Any) -> None:
        """Take tasks off the shared counter until none are left."""
        while True:
            with counter.get_lock():
                i = counter.value
                counter.value = i + 1
            if i >= len(self.tasks):
                return
            self.run(self.tasks[i])


class _LocalCounter:
    """The shared counter's interface for a single process (no semaphore, no resource tracker)."""

    value = 0

    def get_lock(self) -> contextlib.nullcontext:
        return contextlib.nullcontext()


def _workers(n_services: int) -> int:
    """Processes rendering the pages: SEALREG_SITE_WORKERS, else up to 2 (one per core) for large sites."""
    configured = os.environ.get("SEALREG_SITE_WORKERS")
    if configured:
        return max(1, int(configured))
    if n_services < PARALLEL_MIN_SERVICES or multiprocessing.current_process().daemon:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


# Worker processes (spawned, so no DuckDB state is inherited across fork): each opens the release
# database read-only itself, rebuilds the same _Site and takes batches off the shared counter.
_worker_site: _Site | None = None
_worker_counter: Any = None


def _worker_init(
    db_path: str, release_id: str, has_validation: bool, root: str, counter: Any, parent: int, sizes: tuple[int, int]
) -> None:
    global _worker_site, _worker_counter, BATCH, PROVIDER_BATCH
    _die_with_parent(parent)
    BATCH, PROVIDER_BATCH = sizes  # the parent's unit sizes (tests change them)
    con = duckdb.connect(db_path, read_only=True)
    _worker_site = _Site(_Tables(con), release_id, has_validation, _Writer(Path(root), make_dirs=False))
    _worker_counter = counter


def _worker_drain(n_tasks: int) -> dict[str, dict[str, Any]]:
    assert _worker_site is not None
    if len(_worker_site.tasks) != n_tasks:  # same tables, same tasks; anything else is a bug
        raise RuntimeError(f"worker sees {len(_worker_site.tasks)} tasks, parent {n_tasks}")
    _worker_site.drain(_worker_counter)
    _worker_site.t.con.close()
    return _worker_site.out.digests


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


def _render_pages(site: _Site, db_path: Path, release_id: str, has_validation: bool) -> None:
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
            (BATCH, PROVIDER_BATCH),
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
            site.out.digests.update(future.result())


def _list_page_name(n: int) -> str:
    return "index.html" if n == 1 else f"services-page-{n}.html"


def _service_context(
    s: dict, per: dict[str, dict], certs: dict, changes_by: dict, cols: dict[str, set[str]], caches: dict[str, dict]
) -> dict:
    """Template context of one service page. The long tables (criteria, gates, objectives) arrive as
    ready rows of markup: through the template engine they were most of the site's build time."""
    sid = s["service_id"]
    objectives = sorted(per["objective_results"].get(sid, []), key=lambda o: _natural(o["objective"]))
    criteria = sorted(per["criterion_results"].get(sid, []), key=lambda c: _natural(c["criterion_id"]))
    known = {o["objective"] for o in objectives}
    gates = sorted(
        per["cada_gates"].get(sid, []), key=lambda g: (g["level"], g["gate_order"] or 0, _natural(g["gate"]))
    )
    levels = sorted({g["level"] for g in gates})
    evidence = "evidence_url" in cols["criterion_results"] or "evidence_note" in cols["criterion_results"]
    by_objective = _group(criteria, "objective")
    criteria_tables = [
        (o, _criteria_rows(by_objective.get(o["objective"], []), evidence, caches["criteria"])) for o in objectives
    ]
    orphans = [c for c in criteria if c["objective"] not in known]
    if orphans:
        criteria_tables.append(
            ({"objective": "Other", "objective_name": ""}, _criteria_rows(orphans, evidence, caches["criteria"]))
        )
    detail = "detail" in cols["cada_gates"]
    return {
        "root": "../",
        "page": "service",
        "s": s,
        "objectives": objectives,
        "objective_rows": _objective_rows(objectives, "weight" in cols["objective_results"]),
        "criteria_tables": criteria_tables,
        "chart": charts.objective_bars("objectives-chart", objectives) if objectives else None,
        "gate_levels": [
            (lvl, _gate_rows([g for g in gates if g["level"] == lvl], detail, caches["gates"])) for lvl in levels
        ],
        "certs": sorted(
            (c for c in certs.get(s["provider_id"], []) if c["service_id"] in (sid, None)),
            key=lambda c: _natural(c["certificate_id"]),
        ),
        "decisions": sorted(per["decisions"].get(sid, []), key=lambda d: (str(d["decided_at"]), d["decision_id"])),
        "history": sorted(per["service_history"].get(sid, []), key=lambda h: str(h["valid_from"]), reverse=True),
        "changes": changes_by.get(sid, []),
    }


# Row builders: each value goes through _h() (or a helper returning Markup), which escapes exactly as the
# autoescaping templates do; tests/site checks hostile text on every page.


def _objective_rows(objectives: list[dict], weight: bool) -> Markup:
    out = []
    for o in objectives:
        out.append(
            f'<tr><th scope="row">{_h(o["objective"])} {_h(o["objective_name"] or "")}</th>'
            f'<td data-label="Score" class="num">{_h(one_decimal(o["score_pct"]))} %</td>'
            f'<td data-label="SEAL">{seal_badge(o["seal"])}</td>'
            f'<td data-label="Before caps">{seal_badge(o["seal_uncapped"])}</td>'
            + (f'<td data-label="Weight" class="num">{_h(number(o["weight"]))}</td>' if weight else "")
            + "</tr>\n"
        )
    return Markup("".join(out))


_CRITERION_FIELDS = (
    "criterion_id",
    "title",
    "rung",
    "rung_label",
    "points",
    "max_points",
    "seal",
    "evidence_url",
    "evidence_note",
)


def _criteria_rows(criteria: list[dict], evidence: bool, cache: dict | None = None) -> Markup:
    """Rows of a criteria table. ``cache`` (one per site build, so a column keeps one type) maps a row's
    values to its markup: 1.5 M criterion rows at 10k providers have only ~24 k distinct ones."""
    out = []
    for c in criteria:
        key = tuple(c[f] for f in _CRITERION_FIELDS)
        if cache is not None:
            row = cache.get(key)
            if row is not None:
                out.append(row)
                continue
        criterion_id, title, rung, label, points, max_points, seal, url, note = key
        answer = (f"Rung {_h(rung)}" if rung is not None else "") + (f": {_h(label)}" if label else "")
        row = (
            "<tr>\n"
            f'<th scope="row" data-label="Criterion"><code>{_h(criterion_id)}</code> {_h(title or "")}</th>\n'
            f'<td data-label="Answer">{answer}</td>\n'
            f'<td data-label="Points" class="num">{_h(number(points))} / {_h(number(max_points))}</td>\n'
            f'<td data-label="SEAL">{seal_badge(seal)}</td>\n'
        )
        if evidence:
            row += (
                f'<td data-label="Evidence">{safe_link(url)}'
                + (f'<span class="note">{_h(note)}</span>' if note else "")
                + ("" if url or note else "—")
                + "</td>\n"
            )
        row += "</tr>\n"
        _remember(cache, key, row)
        out.append(row)
    return Markup("".join(out))


def _remember(cache: dict | None, key: tuple, row: str) -> None:
    """Keep a rendered row for reuse; the cache is bounded by starting over when full."""
    if cache is not None:
        if len(cache) >= ROW_CACHE_SIZE:
            cache.clear()
        cache[key] = row


def _gate_rows(gates: list[dict], detail: bool, cache: dict | None = None) -> Markup:
    out = []
    for g in gates:
        key = (g["gate"], g["passed"], g["detail"])
        row = cache.get(key) if cache is not None else None
        if row is None:
            gate, passed, text = key
            row = (
                f'<tr><th scope="row"><code>{_h(gate)}</code></th><td data-label="Result">{pass_fail(passed)}</td>'
                + (f'<td data-label="Detail">{_h(plain(text))}</td>' if detail else "")
                + "</tr>\n"
            )
            _remember(cache, key, row)
        out.append(row)
    return Markup("".join(out))


def _overview(t: _Tables, services: list[dict]) -> dict:
    """Counts and charts of the home page."""
    seal_counts = [0] * 5
    ual_counts = [0] * 5
    by_status: Counter = Counter()
    ual_by_status: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    scores = []
    for s in services:
        st = s.get("status") or "unknown"
        by_status[st] += 1
        seal, ual = _level(s.get("seal")), _level(s.get("ual"))
        if seal is not None:
            seal_counts[seal] += 1
        if ual is not None:
            ual_counts[ual] += 1
            ual_by_status[st][ual] += 1
        scores.append(s.get("sovereignty_score"))
    statuses = sorted(
        by_status, key=lambda st: (STATUS_ORDER.index(st) if st in STATUS_ORDER else len(STATUS_ORDER), st)
    )
    by_obj, names = t.objective_counts()
    ual_rows = [(status_label(st), ual_by_status[st]) for st in statuses]
    return {
        "seal_counts": seal_counts,
        "ual_counts": ual_counts,
        "status_counts": [(st, by_status[st]) for st in statuses],
        "charts": [
            charts.score_histogram("chart-scores", scores),
            charts.stacked_levels(
                "chart-seal-objectives", "SEAL by objective across services", by_obj, "SEAL", "Objective"
            ),
            charts.stacked_levels("chart-ual-status", "Union assurance level by status", ual_rows, "UAL", "Status"),
        ],
        "objective_names": names,
    }


def _level(value: Any) -> int | None:
    """A level 0..4 as an index, else None."""
    for level in range(5):
        if value is not None and value == level:
            return level
    return None


def _service_rows(services: list[dict], root: str) -> Markup:
    """The rows of the services table (home page and list pages), built directly: 31 k rows through the
    template engine cost seconds. Every value is escaped here; the browser script builds the same rows."""
    out = []
    for s in services:
        p = s["provider"]
        score = s.get("sovereignty_score")
        flags = s["flags"]
        out.append(
            "<tr>\n"
            f'<th scope="row" data-label="Service">{link_to(s["href"], s["name"] or s["service_id"], root)}</th>\n'
            f'<td data-label="Provider">{link_to(p["href"], p["legal_name"] or s["provider_id"], root)}</td>\n'
            f'<td data-label="Country">{_h(plain(p["country"]))}</td>\n'
            f'<td data-label="Score" data-value="{_h(score if score is not None else -1)}" class="num">'
            f"{one_decimal(score)}</td>\n"
            f'<td data-label="SEAL" data-value="{_h(_level_value(s.get("seal")))}">{seal_badge(s.get("seal"))}</td>\n'
            f'<td data-label="UAL" data-value="{_h(_level_value(s.get("ual")))}">{ual_badge(s.get("ual"))}</td>\n'
            f'<td data-label="Status">{status_badge(s.get("status"))}</td>\n'
            f'<td data-label="Flags" data-value="{len(flags)}">'
            + (
                f'<span class="flag-count">{len(flags)}</span> {_h(", ".join(str(f["flag"]) for f in flags))}'
                if flags
                else "0"
            )
            + "</td>\n</tr>\n"
        )
    return Markup("".join(out))


def _level_value(level: Any) -> Any:
    return level if level is not None else -1


def _services_data(services: list[dict]) -> bytes:
    """services-data.js: every service of the home table as plain values (text, not markup) for the
    search script, which builds table rows from them with textContent (never innerHTML)."""
    rows = []
    for s in services:
        p = s["provider"]
        score = s.get("sovereignty_score")
        rows.append(
            [
                s["href"],
                str(s["name"] or s["service_id"]),
                p["href"],
                str(p["legal_name"] or s["provider_id"]),
                plain(p["country"]),
                score if score is not None else -1,
                one_decimal(score),
                s.get("seal"),
                s.get("ual"),
                str(s.get("status") or "unknown"),
                status_label(s.get("status")),
                ", ".join(str(f["flag"]) for f in s["flags"]),
                len(s["flags"]),
            ]
        )
    body = json.dumps(rows, ensure_ascii=True, separators=(",", ":"), default=str)
    return (
        "/* Generated: every service of this release for the search on index.html. */\n"
        f"window.SEALREG_SERVICES = {body};\n"
    ).encode("ascii")


# ---------------------------------------------------------------- rendering helpers


def _h(value: Any) -> str:
    """markupsafe.escape as a plain str, about 4x faster on the short strings of the tables: markup
    (anything with __html__) passes through, everything else is str()-ed and escaped like escape()."""
    if type(value) is not str:
        if hasattr(value, "__html__"):
            return value.__html__()
        value = str(value)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _is_safe(identifier: Any) -> bool:
    return isinstance(identifier, str) and SAFE_ID.fullmatch(identifier) is not None


def _safe_target(root: Path, rel_path: str) -> Path:
    """Resolve a page path and refuse anything that would leave the site folder."""
    parts = rel_path.split("/")
    *dirs, name = parts
    stem, dot, suffix = name.rpartition(".")
    if not (
        all(d in ("services", "providers", "static") for d in dirs)
        and dot
        and suffix in ("html", "js", "css")
        and _is_safe(stem)
    ):
        raise ValueError(f"unsafe page path: {rel_path!r}")
    # every part is a plain name (no "..", no "/"), so the path stays inside root; checked once more
    # without touching the disk (resolve() per page cost 41 k x 8 lstat calls)
    target = Path(os.path.normpath(root / rel_path))
    if not target.is_relative_to(root):
        raise ValueError(f"page path escapes the site: {rel_path!r}")
    return target


def one_decimal(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def number(value: Any) -> str:
    """Points as short decimals: 3, 2.5, 0.25."""
    if value is None:
        return "—"
    try:
        return _number_cache[value]
    except (KeyError, TypeError):
        text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    if len(_number_cache) < 1 << 16 and value.__hash__ is not None:
        _number_cache[value] = text
    return text


_number_cache: dict[Any, str] = {}


def safe_link(url: Any, text: Any = None) -> Markup:
    """An <a> only for well-formed https:// URLs; anything else is shown as plain text."""
    if url is None or url == "":
        return Markup("")
    url = str(url)
    label = escape(text if text is not None else url)
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.netloc and not re.search(r"[\s\x00-\x1f\x7f<>\"'`\\]", url):
        return Markup(f'<a href="{escape(url)}" rel="nofollow noopener noreferrer">{label}</a>')
    return label


def status_label(status: Any) -> str:
    return str(status or "unknown").replace("_", " ").capitalize()


def yes_no(value: Any) -> str:
    return "unknown" if value is None else ("Yes" if value else "No")


def listing(value: Any) -> str:
    """Regions and similar: a list or a comma-separated string, shown as "a, b"."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    return plain(value)


def plain(value: Any) -> str:
    """Dates, timestamps, lists and None as short text."""
    if value is None:
        return "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "—"
    if hasattr(value, "hour"):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


_SEAL_BADGES = {level: Markup(f'<span class="badge lvl-{level}">SEAL-{level}</span>') for level in range(5)}
_UAL_BADGES = {level: Markup(f'<span class="badge lvl-{level}">UAL-{level}</span>') for level in range(5)}
_NO_BADGE = Markup('<span class="badge">—</span>')


def _level_badge(kind: str, cached: dict[int, Markup], level: Any) -> Markup:
    if level is None:
        return _NO_BADGE
    if type(level) is int and level in cached:
        return cached[level]
    return Markup(f'<span class="badge lvl-{escape(level)}">{kind}-{escape(level)}</span>')


def seal_badge(level: Any) -> Markup:
    return _level_badge("SEAL", _SEAL_BADGES, level)


def ual_badge(level: Any) -> Markup:
    return _level_badge("UAL", _UAL_BADGES, level)


def status_badge(value: Any) -> Markup:
    return Markup(f'<span class="status status-{escape(value or "unknown")}">{escape(status_label(value))}</span>')


def pass_fail(value: Any) -> Markup:
    if value is None:
        return Markup('<span class="result">unknown</span>')
    if value:
        return Markup('<span class="result pass">✓ Pass</span>')
    return Markup('<span class="result fail">✗ Fail</span>')


def link_to(href: Any, text: Any, root: str = "") -> Markup:
    """A link to another page of the site (href relative to the site root), or the text alone."""
    if href:
        return Markup(f'<a href="{escape(root)}{escape(href)}">{escape(text)}</a>')
    return escape(text)


def figure(chart: charts.Chart) -> Markup:
    """A chart with its data as a table (the chart's text alternative)."""
    cid, title = _h(chart.chart_id), _h(chart.title)
    head = "".join(f'<th scope="col">{_h(h)}</th>' for h in chart.headers)
    body = "".join(
        "<tr>"
        + "".join(f'<th scope="row">{_h(c)}</th>' if i == 0 else f"<td>{_h(c)}</td>" for i, c in enumerate(row))
        + "</tr>\n"
        for row in chart.rows
    )
    return Markup(
        f'<figure class="chart-figure" aria-labelledby="{cid}-caption">\n'
        f'<figcaption id="{cid}-caption">{title}</figcaption>\n'
        f"{_h(chart.svg)}\n"
        "<details>\n<summary>Show the data as a table</summary>\n"
        '<div class="table-wrap">\n<table>\n'
        f'<caption class="visually-hidden">{title}</caption>\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n</div>\n</details>\n</figure>\n"
    )


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(
        one=one_decimal, number=number, link=safe_link, status=status_label, yesno=yes_no, plain=plain, listing=listing
    )
    env.globals.update(
        seal=seal_badge,
        ual=ual_badge,
        status=status_badge,
        passfail=pass_fail,
        link_to=link_to,
        figure=figure,
        list_page=_list_page_name,
    )
    return env
