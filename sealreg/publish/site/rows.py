"""Row rendering and escaping: the long tables of the pages built straight to markup.

Each value goes through `h()` (or a helper returning Markup), which escapes exactly as the autoescaping
templates do; tests/site checks hostile text on every page.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from markupsafe import Markup

from sealreg.publish import charts
from sealreg.publish.site.filters import (
    flag_links,
    h,
    level_tag,
    link_html,
    one_decimal,
    open_source_cell,
    open_source_label,
    plain,
    status_label,
    status_tag,
)

#: The search script's data (`search_data`): what a quiet night leaves as it is, and the rest.
NAMES_SCRIPT = "services-names.js"
DATA_SCRIPT = "services-data.js"
#: statuses whose levels are not in force: their badges are greyed wherever the service is listed
NOT_IN_FORCE = ("suspended", "revoked")


#: (titles by criterion, labels by (criterion, rung), most points by criterion) written once in
#: CRITERIA_SCRIPT instead of per row
CriterionWords = tuple[dict[Any, str], dict[tuple[Any, Any], str], dict[Any, str]]


def service_rows(services: list[dict], root: str) -> Markup:
    """The rows of the services table (home page and list pages), built directly: 31 k rows through the
    template engine cost seconds. Every value is escaped here; the browser script builds the same rows
    from the search data (`search_data`). No closing tags, no per-cell labels (static/style.css labels the narrow-screen
    cards by column) and no link per level or status (the legend above the table links their meaning)."""
    out = []
    flag_cells: dict[tuple, str] = {}  # flag lists repeat: each distinct one is linked once
    for s in services:
        p = s["provider"]
        flags, count = s["flags"], s["flag_count"]
        if flags:
            codes = tuple(f["flag"] for f in flags)
            cell = flag_cells.get(codes)
            if cell is None:
                cell = flag_cells[codes] = f" {flag_links(list(codes), root)}"
        else:
            cell = ""
        out.append(
            ("<tr class=not-in-force>" if s["status"] in NOT_IN_FORCE else "<tr>")
            + f"<th scope=row>{link_html(s['href'], s['name'] or s['service_id'], root)}"
            f"<td>{link_html(p['href'], p['legal_name'] or s['provider_id'], root)}"
            f"<td>{h(plain(p['country']))}"
            f"<td>{one_decimal(s['sovereignty_score'])}"
            f"<td>{level_tag('SEAL', s['seal'])}<td>{level_tag('UAL', s['ual'])}"
            f"<td>{status_tag(s['status'])}"
            f"<td>{open_source_cell(s['open_source_status'])}"
            "<td>"
            + (f"<span class=flag-count>{h(count)}</span>" if count else "0")
            + cell
            + "\n"
        )
    return Markup("".join(out))


def search_data(services: list[dict]) -> dict[str, bytes]:
    """The search script's data: every service of the home table as plain values (text, not markup), which
    static/registry.js builds table rows from with textContent (never innerHTML), in two files.

    NAMES_SCRIPT holds what a quiet night leaves as it is: each provider once (services point to it by
    index) and each service's id, name, provider, open-source status, model and whether it has a page, so
    its bytes repeat and the release links the previous one's file. DATA_SCRIPT holds the rest in the same
    order (score, levels, status, flags) and, as `names`, the `key` of the names it belongs with (the
    sha256 of their other values): the script uses the two only together. Statuses, open-source statuses,
    models and flag lists are written once each (with their label; services hold their index); page links
    are a 1/0 (the script derives `services/<id>.html`, `providers/<id>.html`)."""
    providers: list[list] = []
    provider_index: dict[Any, int] = {}
    codes: dict[str, dict[tuple, int]] = {"statuses": {}, "open_source": {}, "models": {}, "flags": {}}

    def code(kind: str, *value: Any) -> int:
        return codes[kind].setdefault(value, len(codes[kind]))

    names, values = [], []
    for s in services:
        p = s["provider"]
        pid = s["provider_id"]
        if pid not in provider_index:
            provider_index[pid] = len(providers)
            providers.append([
                str(pid),
                str(p["legal_name"] or pid),
                plain(p["country"]),
                str(p.get("ultimate_controller_name") or ""),
                str(p.get("ultimate_controller_country") or ""),
                p.get("third_country_control"),
                1 if p["href"] else 0,
            ])
        status = str(s["status"] or "unknown")
        oss = str(s["open_source_status"] or "undeclared")
        score = s["sovereignty_score"]
        names.append([
            str(s["service_id"]),
            str(s["name"] or s["service_id"]),
            provider_index[pid],
            code("open_source", oss, open_source_label(oss)),
            code("models", str(s["model"] or "")),
            1 if s["href"] else 0,
        ])
        values.append([
            one_decimal(score) if score is not None else None,
            s["seal"],
            s["ual"],
            code("statuses", status, status_label(status)),
            code("flags", ", ".join(str(f["flag"]) for f in s["flags"])),
            s["flag_count"],
        ])
    fixed = {kind: [list(v) for v in codes[kind]] for kind in ("open_source", "models")}
    body = _json({**fixed, "providers": providers, "services": names})
    key = hashlib.sha256(body.encode("ascii")).hexdigest()
    names_body = f'{{"key":"{key}",{body[1:]}'  # the names carry the sha256 of the rest of them
    data_body = _json({"names": key, "statuses": [list(v) for v in codes["statuses"]],
                       "flags": [v[0] for v in codes["flags"]], "services": values})
    return {
        NAMES_SCRIPT: ("/* Generated: the services of this release and their providers, for the search on index.html "
                       f"(static/registry.js; their scores and levels are in {DATA_SCRIPT}). */\n"
                       f"window.SEALREG_NAMES = {names_body};\n").encode("ascii"),
        DATA_SCRIPT: ("/* Generated: the scores, levels, statuses and flags of the services of "
                      f"{NAMES_SCRIPT}, in its order, for the search on index.html (static/registry.js). */\n"
                      f"window.SEALREG_DATA = {data_body};\n").encode("ascii"),
    }


def _json(doc: dict) -> str:
    """Compact ASCII JSON, keys in the order written."""
    return json.dumps(doc, ensure_ascii=True, separators=(",", ":"), default=str)


def criteria_script(words: CriterionWords) -> bytes:
    """static/criteria.js: the shared criterion titles, rung labels and most points, and the code that puts
    them in the criteria tables of a service page (as text, never markup), where the fragments left them out."""
    titles, labels, maxima = words
    by_rung: dict[str, dict[str, str]] = {}
    for (criterion, rung), label in sorted(labels.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        by_rung.setdefault(str(criterion), {})[str(rung)] = str(label)
    doc = {"titles": {str(k): str(v) for k, v in sorted(titles.items(), key=lambda kv: str(kv[0]))}, "rungs": by_rung,
           "maxima": {str(k): str(v) for k, v in sorted(maxima.items(), key=lambda kv: str(kv[0]))}}
    body = json.dumps(doc, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    return (
        "/* Generated: the criteria's titles and answers, shared by every service page of this release. */\n"
        "(function () {\n"
        f"  var words = {body};\n"
        '  document.querySelectorAll("table.criteria tbody tr").forEach(function (tr) {\n'
        "    if (tr.cells.length < 2) { return; }  /* an objective's heading row */\n"
        "    var th = tr.cells[0], answer = tr.cells[1], points = tr.cells[2], id = th.firstChild.textContent;\n"
        "    var own = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };\n"
        "    var title = own(words.titles, id) ? words.titles[id] : undefined;\n"
        "    var rungs = own(words.rungs, id) ? words.rungs[id] : {};\n"
        "    if (th.childNodes.length === 1 && title !== undefined) {\n"
        '      th.appendChild(document.createTextNode(" " + title));\n'
        "    }\n"
        "    var m = /^(\\d+)$/.exec(answer.textContent);\n"
        "    if (m && answer.childNodes.length === 1 && own(rungs, m[1])) {\n"
        '      answer.textContent += ": " + rungs[m[1]];\n'
        "    }\n"
        '    if (points && points.textContent.indexOf(" / ") < 0 && own(words.maxima, id)) {\n'
        '      points.textContent += " / " + words.maxima[id];\n'
        "    }\n"
        "    var level = tr.cells[3];  /* coloured like the objectives' levels (td.l0 ... td.l4) */\n"
        "    if (level && /^[0-4]$/.test(level.textContent)) { level.className = \"l\" + level.textContent; }\n"
        "  });\n"
        "})();\n"
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
