"""The gate's HTML report, rendered here from GX's results: self-contained, offline, under the site's CSP.

GX's own Data Docs load scripts, fonts and styles from public CDNs; a signed release must work
offline and make no third-party request, so the report is plain HTML with one local stylesheet.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from sealreg.publish.csp import CONTENT_SECURITY_POLICY

STYLESHEET = "report.css"
CSS = """\
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #c9c9c9; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.pass { color: #0b6b2b; font-weight: 600; } .fail { color: #a4001d; font-weight: 600; }
code { font-size: .9em; }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, css_href: str = STYLESHEET) -> str:
    """A whole HTML page: charset, the release CSP, no referrer, one local stylesheet."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        '<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">'
        f'<title>{_e(title)}</title><link rel="stylesheet" href="{_e(css_href)}"></head>'
        f"<body><main>{body}</main></body></html>\n"
    )


def write_stylesheet(folder: Path) -> None:
    (folder / STYLESHEET).write_text(CSS, encoding="utf-8")


def _mark(ok: bool) -> str:
    return '<span class="pass">met</span>' if ok else '<span class="fail">FAILED</span>'


def layer_report(layer: str, success: bool, failures: list[str], statistics: dict[str, int],
                 frames: list[dict[str, Any]]) -> str:
    """The report of one gate: verdict, failures in plain words, then every expectation per frame."""
    verdict = "passed" if success else '<span class="fail">FAILED</span>'
    parts = [f"<h1>Data-quality gate <code>{_e(layer)}</code>: {verdict}</h1>",
             f"<p>{statistics.get('successful', 0)} of {statistics.get('evaluated', 0)} expectations met on "
             f"{statistics.get('frames', 0)} frames.</p>"]
    if failures:
        parts.append("<h2>What failed</h2><ul>" + "".join(f"<li>{_e(f)}</li>" for f in failures) + "</ul>")
    for frame in frames:
        name = f"{layer}.{frame['frame']}"
        rows = "".join(
            f"<tr><td><code>{_e(x.get('expectation'))}</code></td><td><code>{_e(x.get('args'))}</code></td>"
            f"<td>{_e(x.get('rule'))}</td><td>{_mark(bool(x.get('success')))}</td>"
            f"<td>{_e(x.get('unexpected_count') if x.get('unexpected_count') is not None else '')}</td></tr>"
            for x in frame.get("expectations", [])
        )
        kind = "derived frame" if frame.get("derived") else "table"
        parts.append(
            f'<h2 id="{_e(name)}"><code>{_e(name)}</code> ({kind}, {_e(frame.get("rows"))} '
            f'{_e(frame.get("rows_of", "rows"))})</h2>'
            "<table><thead><tr><th>Expectation</th><th>Arguments</th><th>Rule guarded</th><th>Result</th>"
            f"<th>Unexpected rows</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    parts.append('<p><a href="../index.html">All gates</a> · results as JSON: '
                 f'<a href="{_e(layer)}.json">{_e(layer)}.json</a>. Checked by Great Expectations.</p>')
    return page(f"sealreg data-quality gate {layer}", "".join(parts))
