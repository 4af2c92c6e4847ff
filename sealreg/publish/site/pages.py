"""Page models: what each page of the site shows, built from the release's tables."""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from expectations.final_suite import STATUSES
from sealreg import config
from sealreg.publish import charts
from sealreg.publish.csp import CONTENT_SECURITY_POLICY
from sealreg.publish.site import filters, fragments, glossary, inputs, model
from sealreg.publish.site.data import DETAIL_TABLES, Tables, group, natural
from sealreg.publish.site.detail import DetailPages
from sealreg.publish.site.rows import (
    CriterionWords,
    criteria_script,
    figure,
    search_data,
    service_rows,
)
from sealreg.publish.site.writer import Writer

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
PAGE_SIZE = 1000  # services per page of the no-JavaScript list (index.html holds the first page)
BATCH = 2000  # services whose detail rows and table fragments are fetched together (one unit of work, one query)
PROVIDER_BATCH = 1000  # provider pages per unit of work
DOWNLOADS_PAGE = "downloads.html"
#: The one shared file carrying release-wide text (release id, evaluation date) for the detail pages.
RELEASE_SCRIPT = "static/release.js"
#: The shared criterion titles and rung labels of the service pages' criteria tables.
CRITERIA_SCRIPT = "static/criteria.js"
def _single(values: Iterable[Any]) -> Any:
    """The values, distinct and sorted, as one text ("a, b"); None when there is none."""
    texts = sorted({str(v) for v in values if v is not None})
    return ", ".join(texts) if texts else None


def _usual(values: Iterable[Any]) -> Any:
    """The most common of the values (the first by text among equals); None when there is none."""
    counts = Counter(str(v) for v in values if v is not None)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None


class Site:
    """Everything the pages of one release need except the per-service detail rows, which are fetched
    per batch (the parent process's model; a worker loads each unit's rows, `parallel.UnitRenderer`)."""

    def __init__(self, t: Tables, release_id: str, has_validation: bool, out: Writer,
                 fingerprint: str | None = None) -> None:
        self.t, self.out, self.env = t, out, environment()
        m = model.load(t)
        services, providers = m.services, m.providers
        evaluated_on = _single(m.evaluated_on) or "unknown"
        self.services = services
        self.providers = sorted(providers.items())
        #: what every detail page receives besides its own rows (no release id, no date: see RELEASE_SCRIPT)
        self.base = {
            "release": {
                "weights": _single(s.get("weights_version") for s in services) or "unknown",
                # a service page names its weights only when they are not these (a revoked service keeps the
                # weights of its last evaluation)
                "usual_weights": _usual(s.get("weights_version") for s in services),
                "fingerprint": fingerprint,
            },
            "has_validation": has_validation,
            "operator": {"contact": config.operator_contact(), "appeals": config.appeals_route()},
        }
        self.detail = DetailPages(self.env, self.base)
        #: the home pages (index, lists, changes, methodology, downloads) also name the release and its date
        self.home_base = {**self.base, "release": {**self.base["release"], "id": release_id, "date": evaluated_on}}
        #: the release's files beside the site (release paths): the methodology page links those present
        self.present: frozenset[str] = frozenset()
        self.changes = m.changes
        self.changes_by = group(self.changes, "service_id")
        self.certs = m.certs
        self.by_provider = group(services, "provider_id")
        #: services with a page, by service_id (the order of the detail tables, so a batch is an id range);
        #: one per id (ids are a key; if one repeats, the last by name gets the page)
        self.pending = sorted(
            {s["service_id"]: s for s in services if s["href"]}.values(), key=lambda s: s["service_id"]
        )
        self.provider_pending = [(pid, p) for pid, p in self.providers if p["href"]]
        #: criterion titles, rung labels and most points shared by the criteria tables (CRITERIA_SCRIPT)
        self.words = t.criterion_words()
        self._plan()

    def _plan(self) -> None:
        """The units of work shared out between processes: ("services" | "providers", start index)."""
        self.tasks = [("services", i) for i in range(0, len(self.pending), BATCH)] + [
            ("providers", i) for i in range(0, len(self.provider_pending), PROVIDER_BATCH)
        ]

    def restrict(self, service_ids: set[str], provider_ids: set[str]) -> None:
        """Render only these service and provider pages (the others are reused from the previous release)."""
        self.pending = [s for s in self.pending if s["service_id"] in service_ids]
        self.provider_pending = [(pid, p) for pid, p in self.provider_pending if pid in provider_ids]
        self._plan()

    def page_digests(self) -> dict[str, str]:
        """The input digest of every service and provider page (sealreg.publish.site.inputs).

        Shared parts are digested once: the page-wide context, each provider (a service row holds its
        provider's row) and each service row (a provider page holds its services' rows). A service's rows
        in the per-service tables, those of its three long tables included, are digested in DuckDB."""
        code = inputs.code_fingerprint()
        rows = inputs.row_digests(self.t.con, [s["service_id"] for s in self.pending])
        base = inputs.digest(self.base)
        tables = inputs.release_digest(self.t.con)
        provider_digest = {pid: inputs.digest(p) for pid, p in self.providers}
        row_digest = {
            id(s): inputs.digest({**s, "provider": provider_digest.get(s["provider_id"], s["provider"])})
            for s in self.services
        }
        out = {}
        for s in self.pending:
            sid = s["service_id"]
            certs = [c for c in self.certs.get(s["provider_id"], []) if c["service_id"] in (sid, None)]
            out[s["href"]] = inputs.digest(code, "service", base, tables, row_digest[id(s)], rows.get(sid), certs,
                                           self.changes_by.get(sid, []))
        for pid, p in self.provider_pending:
            out[p["href"]] = inputs.digest(code, "provider", base, provider_digest[pid],
                                           [row_digest[id(s)] for s in self.by_provider.get(pid, [])],
                                           self.certs.get(pid, []))
        return out

    def page(self, rel_path: str, template: str, context: dict, home: bool = False) -> None:
        base = self.home_base if home else self.base
        html = self.env.get_template(template).render(**base, **context)
        self.out.write(rel_path, html.encode("utf-8"))

    def release_script(self) -> None:
        """RELEASE_SCRIPT: fills each `data-release="id|date"` element of a page with the release's value."""
        values = json.dumps({"id": self.home_base["release"]["id"], "date": self.home_base["release"]["date"]},
                            sort_keys=True, default=str)
        self.out.write(
            RELEASE_SCRIPT,
            ("/* Generated: the release these pages belong to (the only release-wide text they share). */\n"
             f"(function () {{\n  var release = {values};\n"
             "  document.querySelectorAll(\"[data-release]\").forEach(function (el) {\n"
             "    var value = release[el.getAttribute(\"data-release\")];\n"
             "    if (value) { el.textContent = value; }\n  });\n})();\n").encode("utf-8"),
        )

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
                "rows": service_rows(chunk, ""),
                "page_no": n,
                "page_count": list_pages,
                "first": (n - 1) * PAGE_SIZE + 1,
                "last": (n - 1) * PAGE_SIZE + len(chunk),
            }
            if n == 1:
                self.page("index.html", "index.html", {**context, "page": "index", **_overview(self.t, services)},
                          home=True)
            else:
                # without the release id or date (release.js fills them in), so the page changes only with its rows
                self.page(list_page_name(n), "services_list.html", {**context, "page": "list"})
        for name, script in search_data(services).items():
            self.out.write(name, script)
        weights, criteria_count = self.t.rulebook()
        self.page(glossary.PAGE, "methodology.html", {"root": "", "present": self.present,
                                                      **glossary.context(weights, criteria_count),
                                                      "sources": self.t.source_freshness(),
                                                      "criterion_words": _criterion_list(self.words)}, home=True)
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
            home=True,
        )
        self.release_script()
        self.out.write(CRITERIA_SCRIPT, criteria_script(self.words))

    def downloads_page(self, files: list[tuple[str, int]]) -> None:
        """downloads.html: the release's data files with their sizes, and how to check them."""
        self.page(DOWNLOADS_PAGE, "downloads.html", {"root": "", "page": "downloads", "files": files}, home=True)

    def units(self) -> list[tuple[str, list[str]]]:
        """The ids of each unit of work (`tasks`): what a worker process loads and renders for it."""
        return [(kind, [s["service_id"] for s in self.pending[start : start + BATCH]] if kind == "services"
                 else [pid for pid, _p in self.provider_pending[start : start + PROVIDER_BATCH]])
                for kind, start in self.tasks]

    def run(self, task: tuple[str, int]) -> None:
        kind, start = task
        if kind == "services":
            render_services(self, self.pending[start : start + BATCH], self.certs, self.changes_by)
        else:
            render_providers(self, self.provider_pending[start : start + PROVIDER_BATCH], self.by_provider, self.certs)

    def drain(self, counter: Any) -> None:
        """Take tasks off the shared counter until none are left."""
        drain(counter, len(self.tasks), lambda i: self.run(self.tasks[i]))


class Renderer(Protocol):
    """What renders detail pages: the release's tables, the detail pages' renderer and a writer."""

    t: Tables
    detail: DetailPages
    out: Writer


def drain(counter: Any, n_tasks: int, run: Callable[[int], None]) -> None:
    """Run task after task taken off the shared counter until all `n_tasks` are taken."""
    while True:
        with counter.get_lock():
            i = counter.value
            counter.value = i + 1
        if i >= n_tasks:
            return
        run(i)


def render_services(site: Renderer, batch: list[dict], certs: dict, changes_by: dict) -> None:
    """The pages of a batch of services (an id range): detail rows and table fragments fetched for the batch."""
    ids = [s["service_id"] for s in batch]
    per = {name: site.t.service_rows(name, ids) for name in DETAIL_TABLES}
    tables = fragments.fragments(site.t.con, ids)
    for s in batch:
        own = tables.get(s["service_id"], ("", "", ""))
        html = site.detail.render("service.html", service_context(s, per, own, certs, changes_by))
        site.out.write(s["href"], html.encode("utf-8"))


def render_providers(site: Renderer, batch: list[tuple[Any, dict]], by_provider: dict, certs: dict) -> None:
    """The pages of a batch of providers."""
    for pid, p in batch:
        context = {
            "root": "../",
            "page": "provider",
            "p": p,
            "services": by_provider.get(pid, []),
            "third_country_platforms": [
                (svc, d) for svc in by_provider.get(pid, []) for d in svc["runs_on"]
                if d["kind"] == "platform" and d["cap_seal"] is not None
            ],
            "certs": sorted(certs.get(pid, []), key=lambda c: (natural(c["certificate_id"]), str(c["service_id"]))),
        }
        site.out.write(p["href"], site.detail.render("provider.html", context).encode("utf-8"))


def _criterion_list(words: CriterionWords) -> list[tuple[Any, str, Any, list[tuple[Any, str]]]]:
    """(criterion, title, most points, [(rung, label)]) in criterion order, for the methodology page."""
    titles, labels, maxima = words
    criteria = sorted(set(titles) | {c for c, _ in labels} | set(maxima), key=natural)
    return [(c, titles.get(c, ""), maxima.get(c),
             sorted(((r, lab) for (cc, r), lab in labels.items() if cc == c), key=lambda rl: natural(rl[0])))
            for c in criteria]


def list_page_name(n: int) -> str:
    return "index.html" if n == 1 else f"services-page-{n}.html"


def service_context(s: dict, per: dict[str, dict], tables: fragments.Fragments, certs: dict, changes_by: dict) -> dict:
    """Template context of one service page. The long tables (objectives, criteria, gates) arrive as
    finished markup built in DuckDB (`fragments`): through the template engine they were most of the
    site's build time."""
    sid = s["service_id"]
    objective_rows, criteria_bodies, gate_bodies = (Markup(t) for t in tables)
    return {
        "root": "../",
        "page": "service",
        "s": s,
        "objective_rows": objective_rows,
        "criteria_bodies": criteria_bodies,
        "gate_bodies": gate_bodies,
        # W4 counts only the certificates that list the service; one that names no service covers none
        "certs": sorted(
            (c for c in certs.get(s["provider_id"], []) if c["service_id"] == sid),
            key=lambda c: natural(c["certificate_id"]),
        ),
        "unassigned_certs": sorted(
            (c for c in certs.get(s["provider_id"], []) if c["service_id"] is None),
            key=lambda c: natural(c["certificate_id"]),
        ),
        "decisions": sorted(per["decisions"].get(sid, []), key=lambda d: (str(d["decided_at"]), d["decision_id"])),
        "history": sorted(per["service_history"].get(sid, []), key=lambda h: str(h["valid_from"]), reverse=True),
        "changes": changes_by.get(sid, []),
    }


def _overview(t: Tables, services: list[dict]) -> dict:
    """Counts and charts of the home page."""
    seal_counts = [0] * 5
    ual_counts = [0] * 5
    by_status: Counter = Counter()
    ual_by_status: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    scores = []
    for s in services:
        st = s["status"] or "unknown"
        by_status[st] += 1
        seal, ual = _level(s["seal"]), _level(s["ual"])
        if seal is not None:
            seal_counts[seal] += 1
        if ual is not None:
            ual_counts[ual] += 1
            ual_by_status[st][ual] += 1
        scores.append(s["sovereignty_score"])
    statuses = sorted(
        by_status, key=lambda st: (STATUSES.index(st) if st in STATUSES else len(STATUSES), st)
    )
    by_obj, names = t.objective_counts()
    ual_rows = [(filters.status_label(st), ual_by_status[st]) for st in statuses]
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


def signing_fingerprint(release_dir: Path) -> str | None:
    """Fingerprint of the key that signs the release (its `public_key.pem`), for every page's footer."""
    from sealreg.publish.signing import public_key_fingerprint

    try:
        return public_key_fingerprint((Path(release_dir) / "public_key.pem").read_bytes())
    except (OSError, ValueError):
        return None
def _with_root(fn: Any) -> Any:
    """A badge helper for templates: its links relative to the page's ``root``."""

    @pass_context
    def call(ctx: Any, value: Any) -> Any:
        return fn(value, ctx.get("root", ""))

    return call


def _attribute_text(text: str) -> Markup:
    """A constant for a double-quoted attribute, its single quotes left as they are (not &#39;)."""
    if any(c in text for c in '"<>&'):
        raise ValueError(f"not a plain attribute value: {text!r}")
    return Markup(text)


class _RowEnvironment(Environment):
    """Jinja's environment with `row.column` read as a key first: the pages read ~100 columns of dict rows
    per page, and Jinja's own order (attribute, then key) raises and catches an AttributeError for each.
    A name that is not a key (`row.get`) is looked up as Jinja does."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def environment() -> Environment:
    env = _RowEnvironment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(
        number=filters.number, link=filters.safe_link, plain=filters.plain,
        change_field=filters.change_field, change_value=filters.change_value,
    )
    env.globals.update(
        csp=_attribute_text(CONTENT_SECURITY_POLICY),
        rules=glossary.RULES,
        seal=_with_root(filters.seal_badge),
        ual=_with_root(filters.ual_badge),
        status=_with_root(filters.status_badge),
        glossary=_with_root(lambda anchor, root: glossary.href(root, anchor)),
        link_to=filters.link_to,
        figure=figure,
        list_page=list_page_name,
    )
    return env
