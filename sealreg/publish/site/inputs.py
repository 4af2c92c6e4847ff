"""Page input digests: a service or provider page is rendered only when what feeds it changed.

A page's digest is the sha256 of everything its template receives (the service or provider row as the
page model holds it, its detail rows, certificates and changes, the page-wide context) and of the code
that renders it (templates, static files, the site package). Release-wide text (release id, evaluation
date) is not part of any detail page (it lives on the index and in `static/release.js`), so a quiet
night leaves most digests as they were. The digests of a release are written to `site-inputs.json.gz`; the
next release links each page whose digest is unchanged from the previous release instead of rendering it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from sealreg.publish.site.data import DETAIL_TABLES, TABLES

#: Per-page input digests of a release, at the release's top level (listed in its manifest).
INPUTS_FILE = "site-inputs.json.gz"
INPUTS_VERSION = 3
#: gzip level of INPUTS_FILE: at 10k providers 4.2 MiB of JSON in 1.8 MiB, for 0.2 s of CPU.
INPUTS_GZIP_LEVEL = 9
#: Most JSON bytes INPUTS_FILE may unpack to (about 44 MB at 100k providers): a larger file is not read.
INPUTS_MAX_JSON_BYTES = 1 << 30

_PUBLISH = Path(__file__).resolve().parent.parent
#: Everything whose change changes a rendered page.
CODE_PATHS = ("templates", "static", "site", "charts.py", "csp.py")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over the templates, static files and modules that render the pages (and Jinja's version)."""
    h = hashlib.sha256(f"jinja2 {jinja2.__version__}\n".encode())
    for name in CODE_PATHS:
        base = _PUBLISH / name
        paths = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in paths:
            if "__pycache__" in path.parts:
                continue
            h.update(path.relative_to(_PUBLISH).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def digest(*parts: Any) -> str:
    """sha256 of the parts' repr: lists, dicts, strings, numbers, dates, decimals and None as the release's
    rows hold them (dicts in the fixed order the page model builds them), three times cheaper than a
    canonical JSON text. Digests are only compared under the same code (`code_fingerprint` is a part)."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def detail_digests(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Per service, the sha256 of its rows in every detail table (the columns the pages read), in DuckDB.

    Each row is reduced to its own sha256 first and only those are aggregated, one table at a time, so
    the memory this takes stays small next to the rows themselves (1.5 M criterion rows at 10k providers)."""
    per_table: dict[str, list[str]] = {}
    for name in DETAIL_TABLES:
        cols = ", ".join(f'"{c}" := "{c}"' for c in TABLES[name])
        rows = con.execute(
            f"select service_id, sha256(string_agg(h, ',' order by h)) from (select service_id, "
            f'sha256(to_json(struct_pack({cols}))::varchar) as h from main."{name}" where service_id is not null) '
            "group by all"
        ).fetchall()
        for service_id, table_digest in rows:
            per_table.setdefault(service_id, []).append(f"{name}:{table_digest}")
    return {sid: hashlib.sha256("\n".join(parts).encode()).hexdigest() for sid, parts in per_table.items()}


def read_inputs(release_dir: Path, listed: dict[str, Any] | None = None) -> dict[str, str]:
    """The page digests a release recorded ({} when it has none, or they were written by other code).

    With `listed` (the file's entry in that release's manifest), {} also when the bytes read are not the
    ones listed: the digests decide which pages are linked unrendered, so an edited file is never trusted."""
    try:
        data = (release_dir / INPUTS_FILE).read_bytes()
    except OSError:
        return {}
    as_read = (len(data), hashlib.sha256(data).hexdigest())
    if listed is not None and as_read != (listed.get("size"), listed.get("sha256")):
        return {}
    try:
        unpack = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing
        text = unpack.decompress(data, INPUTS_MAX_JSON_BYTES)
        if unpack.unconsumed_tail or unpack.unused_data or not unpack.eof:  # too large, trailing bytes, cut short
            return {}
        doc = json.loads(text)
    except (zlib.error, ValueError):
        return {}
    if not isinstance(doc, dict) or doc.get("version") != INPUTS_VERSION or doc.get("code") != code_fingerprint():
        return {}
    pages = doc.get("pages")
    if not isinstance(pages, dict):
        return {}
    return {k: v for k, v in pages.items() if isinstance(k, str) and isinstance(v, str)}


def inputs_bytes(pages: dict[str, str]) -> bytes:
    """The bytes of `site-inputs.json.gz`: JSON sorted, one page per line, gzip'd without a name or time
    (the same digests give the same bytes)."""
    doc = {"version": INPUTS_VERSION, "code": code_fingerprint(), "pages": dict(sorted(pages.items()))}
    text = (json.dumps(doc, indent=0, sort_keys=True) + "\n").encode("utf-8")
    return gzip.compress(text, INPUTS_GZIP_LEVEL, mtime=0)
