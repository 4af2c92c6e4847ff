"""Row rendering and escaping: the long tables of the pages built straight to markup.

Each value goes through `h()` (or a helper returning Markup), which escapes exactly as the autoescaping
templates do; tests/site checks hostile text on every page.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from sealreg.publish import charts
from sealreg.publish.site.filters import (
    flag_links,
    link_to,
    number,
    one_decimal,
    open_source_badge,
    open_source_label,
    pass_fail,
    plain,
    safe_link,
    seal_badge,
    status_badge,
    status_label,
    ual_badge,
)

#: statuses whose levels are not in force: their badges are greyed wherever the service is listed
NOT_IN_FORCE = ("suspended", "revoked")
SERVICE_ROOT = "../"  # objective and criteria rows are on service pages only
ROW_CACHE_SIZE = 200_000  # rendered table rows kept per build (each a few hundred bytes)


def h(value: Any) -> str:
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


def objective_rows(objectives: list[dict]) -> Markup:
    """Rows of a service's objectives table."""
    out = []
    for o in objectives:
        out.append(
            f'<tr><th scope="row">{h(o["objective"])} {h(o["objective_name"] or "")}</th>'
            f'<td class="num">{h(one_decimal(o["score_pct"]))} %</td>'
            f'<td>{seal_badge(o["seal"], SERVICE_ROOT)}</td>'
            f'<td>{seal_badge(o["seal_uncapped"], SERVICE_ROOT)}</td>'
            f'<td class="num">{h(number(o["weight"]))}</td>'
            "</tr>\n"
        )
    return Markup("".join(out))


CRITERION_FIELDS = (
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


def criteria_rows(criteria: list[dict], cache: dict | None = None) -> Markup:
    """Rows of a criteria table. ``cache`` (one per site build, so a column keeps one type) maps a row's
    values to its markup: 1.5 M criterion rows at 10k providers have only ~24 k distinct ones."""
    out = []
    for c in criteria:
        key = tuple(c[f] for f in CRITERION_FIELDS)
        if cache is not None:
            row = cache.get(key)
            if row is not None:
                out.append(row)
                continue
        criterion_id, title, rung, label, points, max_points, seal, url, note = key
        answer = (f"Rung {h(rung)}" if rung is not None else "") + (f": {h(label)}" if label else "")
        # cells carry no data-label: the narrow-screen card labels come from the column order, written once
        # in static/style.css instead of once per cell of every page
        row = (
            f'<tr><th scope="row"><code>{h(criterion_id)}</code> {h(title or "")}</th>'
            f"<td>{answer}</td>"
            f'<td class="num">{h(number(points))} / {h(number(max_points))}</td>'
            f"<td>{seal_badge(seal, SERVICE_ROOT)}</td>"
            f"<td>{safe_link(url)}"
            + (f'<span class="note">{h(note)}</span>' if note else "")
            + ("" if url or note else "—")
            + "</td></tr>\n"
        )
        _remember(cache, key, row)
        out.append(row)
    return Markup("".join(out))


def _remember(cache: dict | None, key: tuple, row: str) -> None:
    """Keep a rendered row for reuse; the cache is bounded by starting over when full."""
    if cache is not None:
        if len(cache) >= ROW_CACHE_SIZE:
            cache.clear()
        cache[key] = row


def gate_rows(gates: list[dict], cache: dict | None = None) -> Markup:
    """Rows of one CADA level's gates table."""
    out = []
    for g in gates:
        key = (g["gate"], g["passed"], g["detail"])
        row = cache.get(key) if cache is not None else None
        if row is None:
            gate, passed, text = key
            row = (
                f'<tr><th scope="row"><code>{h(gate)}</code></th><td>{pass_fail(passed)}</td>'
                f"<td>{h(plain(text))}</td></tr>\n"
            )
            _remember(cache, key, row)
        out.append(row)
    return Markup("".join(out))


def service_rows(services: list[dict], root: str) -> Markup:
    """The rows of the services table (home page and list pages), built directly: 31 k rows through the
    template engine cost seconds. Every value is escaped here; the browser script builds the same rows."""
    out = []
    for s in services:
        p = s["provider"]
        score = s["sovereignty_score"]
        flags, count = s["flags"], s["flag_count"]
        out.append(
            ('<tr class="not-in-force" ' if s["status"] in NOT_IN_FORCE else "<tr ")
            + f'data-open-source="{h(s["open_source_status"] or "undeclared")}">\n'
            f'<th scope="row" data-label="Service">{link_to(s["href"], s["name"] or s["service_id"], root)}</th>\n'
            f'<td data-label="Provider">{link_to(p["href"], p["legal_name"] or s["provider_id"], root)}</td>\n'
            f'<td data-label="Country">{h(plain(p["country"]))}</td>\n'
            f'<td data-label="Score" data-value="{h(score if score is not None else -1)}" class="num">'
            f"{one_decimal(score)}</td>\n"
            f'<td data-label="SEAL" data-value="{h(_level_value(s["seal"]))}">{seal_badge(s["seal"], root)}</td>\n'
            f'<td data-label="UAL" data-value="{h(_level_value(s["ual"]))}">{ual_badge(s["ual"], root)}</td>\n'
            f'<td data-label="Status">{status_badge(s["status"], root)}</td>\n'
            f'<td data-label="Open source">{open_source_badge(s["open_source_status"])}</td>\n'
            f'<td data-label="Flags" data-value="{h(count)}">'
            + (f'<span class="flag-count">{h(count)}</span>' if count else "0")
            + (f' {flag_links([f["flag"] for f in flags], root)}' if flags else "")
            + "</td>\n</tr>\n"
        )
    return Markup("".join(out))


def _level_value(level: Any) -> Any:
    return level if level is not None else -1


def services_data(services: list[dict]) -> bytes:
    """services-data.js: every service of the home table as plain values (text, not markup) for the
    search script, which builds table rows from them with textContent (never innerHTML)."""
    rows = []
    for s in services:
        p = s["provider"]
        score = s["sovereignty_score"]
        rows.append(
            [
                s["href"],
                str(s["name"] or s["service_id"]),
                p["href"],
                str(p["legal_name"] or s["provider_id"]),
                plain(p["country"]),
                score if score is not None else -1,
                one_decimal(score),
                s["seal"],
                s["ual"],
                str(s["status"] or "unknown"),
                status_label(s["status"]),
                ", ".join(str(f["flag"]) for f in s["flags"]),
                s["flag_count"],
                str(s["open_source_status"] or "undeclared"),
                open_source_label(s["open_source_status"]),
                str(s["service_id"]),
                str(s["model"] or ""),
                str(p.get("ultimate_controller_name") or ""),
                str(p.get("ultimate_controller_country") or ""),
                p.get("third_country_control"),
                str(s["provider_id"]),
            ]
        )
    body = json.dumps(rows, ensure_ascii=True, separators=(",", ":"), default=str)
    return (
        "/* Generated: every service of this release for the search on index.html. */\n"
        f"window.SEALREG_SERVICES = {body};\n"
    ).encode("ascii")


def figure(chart: charts.Chart) -> Markup:
    """A chart with its data as a table (the chart's text alternative)."""
    cid, title = h(chart.chart_id), h(chart.title)
    head = "".join(f'<th scope="col">{h(name)}</th>' for name in chart.headers)
    body = "".join(
        "<tr>"
        + "".join(f'<th scope="row">{h(c)}</th>' if i == 0 else f"<td>{h(c)}</td>" for i, c in enumerate(row))
        + "</tr>\n"
        for row in chart.rows
    )
    return Markup(
        f'<figure class="chart-figure" aria-labelledby="{cid}-caption">\n'
        f'<figcaption id="{cid}-caption">{title}</figcaption>\n'
        f"{h(chart.svg)}\n"
        "<details>\n<summary>Show the data as a table</summary>\n"
        '<div class="table-wrap">\n<table>\n'
        f'<caption class="visually-hidden">{title}</caption>\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n</div>\n</details>\n</figure>\n"
    )
