"""Static public registry site: reads a release's registry.duckdb, writes <release>/site/.

Pages are Jinja2 templates (autoescaped: disclosure text is untrusted), charts are inline SVG, the
only script is a small local file for search and sort. No network, no clock: same tables, same bytes.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections import Counter, defaultdict
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


def build_site(release_dir: Path) -> Path:
    """Render the site of one release into ``release_dir / "site"`` and return that path."""
    release_dir = Path(release_dir)
    tables, columns = _load_tables(release_dir / "registry.duckdb")
    has_validation = (release_dir / "validation" / "index.html").is_file()
    pages = _pages(release_id_of(release_dir), tables, columns, has_validation)

    site = release_dir / "site"
    staging = release_dir / "site.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    env = _environment()
    for rel_path, template, context in pages:
        target = _safe_target(staging, rel_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(env.get_template(template).render(**context).encode("utf-8"))
    shutil.copytree(STATIC_DIR, staging / "static")
    shutil.rmtree(site, ignore_errors=True)
    staging.rename(site)
    return site


def release_id_of(release_dir: Path) -> str:
    """Release id from the folder name; the publisher builds in `.tmp-<release_id>` before renaming."""
    match = RELEASE_ID.search(release_dir.name)
    return match.group(0) if match else release_dir.name.lstrip(".").removeprefix("tmp-")


# ---------------------------------------------------------------- data


def _load_tables(db_path: Path) -> tuple[dict[str, list[dict]], dict[str, set[str]]]:
    """Every published table as a list of dicts in a total order; missing tables are empty."""
    tables: dict[str, list[dict]] = {}
    columns: dict[str, set[str]] = {}
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        for name, expected in TABLES.items():
            cols = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'main' and table_name = ? order by ordinal_position",
                    [name],
                ).fetchall()
            ]
            columns[name] = set(cols)
            if not cols:
                tables[name] = []
                continue
            cur = con.execute(f'select * from main."{name}" order by all')
            names = [d[0] for d in cur.description]
            blank = dict.fromkeys(expected.split())
            tables[name] = [{**blank, **dict(zip(names, row, strict=True))} for row in cur.fetchall()]
    finally:
        con.close()
    return tables, columns


def _natural(text: Any) -> tuple:
    """Sort key that puts SOV-1.2 before SOV-1.10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", str(text or "")))


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


def _pages(release_id: str, t: dict[str, list[dict]], cols: dict[str, set[str]], has_validation: bool) -> list:
    """(relative path, template, context) for every page of the site."""
    providers = {p["provider_id"]: p for p in t["providers"]}
    for p in providers.values():
        p["href"] = f"providers/{p['provider_id']}.html" if _is_safe(p["provider_id"]) else None
        p["chain_steps"] = _chain(p.get("control_chain"))
    services = sorted(t["services"], key=lambda s: (str(s.get("name") or "").casefold(), s["service_id"]))
    flags = _group(t["washing_flags"], "service_id")
    for s in services:
        s["href"] = f"services/{s['service_id']}.html" if _is_safe(s["service_id"]) else None
        s["provider"] = providers.get(
            s["provider_id"], {"provider_id": s["provider_id"], "href": None, "legal_name": None, "country": None}
        )
        s["flags"] = sorted(flags.get(s["service_id"], []), key=lambda f: _natural(f["flag"]))
    by_id = {s["service_id"]: s for s in services}
    release = {
        "id": release_id,
        "date": _single(services, "evaluated_on") or "unknown",
        "weights": _single(services, "weights_version") or "unknown",
    }
    base = {"release": release, "has_validation": has_validation, "cols": cols}

    changes = sorted(t["changes"], key=lambda c: (_natural(c["service_id"]), _natural(c["field"])))
    for c in changes:
        c["service"] = by_id.get(c["service_id"])
    pages: list = [
        (
            "index.html",
            "index.html",
            {**base, "root": "", "page": "index", "services": services, **_overview(services, t["objective_results"])},
        ),
        (
            "changes.html",
            "changes.html",
            {
                **base,
                "root": "",
                "page": "changes",
                "changes": changes,
                "change_counts": sorted(Counter(c["change"] for c in changes).items()),
                "rejections": t["rejections"],
            },
        ),
    ]
    per = {
        name: _group(t[name], "service_id")
        for name in ("objective_results", "criterion_results", "cada_gates", "decisions", "service_history")
    }
    certs = _group(t["certifications"], "provider_id")
    changes_by = _group(changes, "service_id")
    for s in services:
        if s["href"]:
            pages.append((s["href"], "service.html", {**base, **_service_context(s, per, certs, changes_by)}))
        else:
            log.warning("service id %r is not a safe file name; no page written", s["service_id"])
    by_provider = _group(services, "provider_id")
    for pid, p in sorted(providers.items()):
        if not p["href"]:
            log.warning("provider id %r is not a safe file name; no page written", pid)
            continue
        pages.append(
            (
                p["href"],
                "provider.html",
                {
                    **base,
                    "root": "../",
                    "page": "provider",
                    "p": p,
                    "services": by_provider.get(pid, []),
                    "certs": sorted(
                        certs.get(pid, []), key=lambda c: (_natural(c["certificate_id"]), str(c["service_id"]))
                    ),
                },
            )
        )
    return pages


def _service_context(s: dict, per: dict[str, dict], certs: dict, changes_by: dict) -> dict:
    """Template context of one service page."""
    sid = s["service_id"]
    objectives = sorted(per["objective_results"].get(sid, []), key=lambda o: _natural(o["objective"]))
    criteria = sorted(per["criterion_results"].get(sid, []), key=lambda c: _natural(c["criterion_id"]))
    known = {o["objective"] for o in objectives}
    gates = sorted(
        per["cada_gates"].get(sid, []), key=lambda g: (g["level"], g["gate_order"] or 0, _natural(g["gate"]))
    )
    levels = sorted({g["level"] for g in gates})
    return {
        "root": "../",
        "page": "service",
        "s": s,
        "objectives": objectives,
        "criteria_by_obj": [(o, [c for c in criteria if c["objective"] == o["objective"]]) for o in objectives],
        "orphan_criteria": [c for c in criteria if c["objective"] not in known],
        "chart": charts.objective_bars("objectives-chart", objectives) if objectives else None,
        "gate_levels": [(lvl, [g for g in gates if g["level"] == lvl]) for lvl in levels],
        "certs": sorted(
            (c for c in certs.get(s["provider_id"], []) if c["service_id"] in (sid, None)),
            key=lambda c: _natural(c["certificate_id"]),
        ),
        "decisions": sorted(per["decisions"].get(sid, []), key=lambda d: (str(d["decided_at"]), d["decision_id"])),
        "history": sorted(per["service_history"].get(sid, []), key=lambda h: str(h["valid_from"]), reverse=True),
        "changes": changes_by.get(sid, []),
    }


def _overview(services: list[dict], objective_results: list[dict]) -> dict:
    """Counts and charts of the home page."""
    seal_counts = [sum(1 for s in services if s.get("seal") == lvl) for lvl in range(5)]
    ual_counts = [sum(1 for s in services if s.get("ual") == lvl) for lvl in range(5)]
    statuses = sorted(
        {s.get("status") or "unknown" for s in services},
        key=lambda st: (STATUS_ORDER.index(st) if st in STATUS_ORDER else len(STATUS_ORDER), st),
    )
    by_obj: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for o in sorted(objective_results, key=lambda o: _natural(o["objective"])):
        by_obj.setdefault(o["objective"], [0] * 5)
        names.setdefault(o["objective"], o.get("objective_name") or "")
        if isinstance(o.get("seal"), int) and 0 <= o["seal"] <= 4:
            by_obj[o["objective"]][o["seal"]] += 1
    ual_rows = [
        (
            status_label(st),
            [
                sum(1 for s in services if (s.get("status") or "unknown") == st and s.get("ual") == lvl)
                for lvl in range(5)
            ],
        )
        for st in statuses
    ]
    return {
        "seal_counts": seal_counts,
        "ual_counts": ual_counts,
        "status_counts": [(st, sum(1 for s in services if (s.get("status") or "unknown") == st)) for st in statuses],
        "charts": [
            charts.score_histogram("chart-scores", [s.get("sovereignty_score") for s in services]),
            charts.stacked_levels(
                "chart-seal-objectives", "SEAL by objective across services", list(by_obj.items()), "SEAL", "Objective"
            ),
            charts.stacked_levels("chart-ual-status", "Union assurance level by status", ual_rows, "UAL", "Status"),
        ],
        "objective_names": names,
    }


# ---------------------------------------------------------------- rendering helpers


def _is_safe(identifier: Any) -> bool:
    return isinstance(identifier, str) and SAFE_ID.fullmatch(identifier) is not None


def _safe_target(root: Path, rel_path: str) -> Path:
    """Resolve a page path and refuse anything that would leave the site folder."""
    parts = rel_path.split("/")
    if not all(_is_safe(p.removesuffix(".html")) or p in ("services", "providers") for p in parts):
        raise ValueError(f"unsafe page path: {rel_path!r}")
    target = (root / rel_path).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ValueError(f"page path escapes the site: {rel_path!r}")
    return target


def one_decimal(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def number(value: Any) -> str:
    """Points as short decimals: 3, 2.5, 0.25."""
    if value is None:
        return "—"
    return f"{float(value):.4f}".rstrip("0").rstrip(".")


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


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        one=one_decimal, number=number, link=safe_link, status=status_label, yesno=yes_no, plain=plain, listing=listing
    )
    return env
