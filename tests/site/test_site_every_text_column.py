"""Every text column of a release, made hostile at once: each value reaches every page escaped exactly once.

Whatever renders a value (a template, a row helper, markup built in SQL), the page must hold the hostile
text's escaped form and never its raw markup, nor an escaped form escaped again (which would show the
reader `&amp;lt;` instead of the text).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from sealreg.publish.site import build_site

#: A suffix that would open an element, break out of a quoted attribute of either kind, end a cell, and
#: carry an entity, if it were not escaped.
HOSTILE = """<v4x a='1' b="2">&amp;</td>"""
ESCAPED = "&lt;v4x a=&#39;1&#39; b=&#34;2&#34;&gt;&amp;amp;&lt;/td&gt;"
#: Columns the pages branch on or join by (ids, enumerations, URLs checked elsewhere): left as they are.
KEYS = re.compile(r"^(service|provider|disclosure)_id$|(^|_)(status|kind|action|change|field|check|corroboration|lei)$")


def _poison(db: Path) -> list[str]:
    """Append HOSTILE to every free-text column of every table; the (table, column) names changed."""
    con = duckdb.connect(str(db))
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR' and table_schema = 'main' order by all"
        ).fetchall()
        changed = []
        for table, column in columns:
            if KEYS.search(column):
                continue
            con.execute(f'update "{table}" set "{column}" = coalesce("{column}", \'\') || ?', [HOSTILE])
            changed.append(f"{table}.{column}")
        return changed
    finally:
        con.close()


def test_every_free_text_column_is_escaped_exactly_once_on_every_page(tmp_path: Path, make_release) -> None:
    release = make_release(tmp_path / "releases" / "2026-03-14-001")
    changed = _poison(release / "registry.duckdb")
    for column in ("certifications.certificate_id", "services.name", "washing_flags.reason", "cada_gates.detail"):
        assert column in changed
    site = build_site(release)
    shown = 0
    for page in sorted(site.rglob("*.html")):
        html = page.read_text("utf-8")
        rel = page.relative_to(site).as_posix()
        assert "<v4x" not in html, rel
        for m in re.finditer("v4x", html):
            around = html[m.start() - 4 : m.start() - 4 + len(ESCAPED)]
            assert around == ESCAPED, (rel, html[m.start() - 60 : m.start() + 80])
            shown += 1
    assert shown > 50  # the hostile text is shown (escaped), not dropped
