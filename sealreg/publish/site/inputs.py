"""Page input digests: a service or provider page is rendered only when what feeds it changed.

A page's digest is the sha256 of everything its template receives (the service or provider row as the
page model holds it, its detail rows, certificates and changes, the page-wide context), of every row its
three long tables are built from in DuckDB (`fragments`) and of the code that renders it (templates,
static files, the site package, Jinja's and DuckDB's versions). Release-wide text (release id, evaluation
date) is not part of any detail page (it lives on the index and in `static/release.js`), so a quiet
night leaves most digests as they were. The digests of a release are written to `site-inputs.json.gz`; the
next release links each page whose digest is unchanged from the previous release instead of rendering it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import pickle
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from sealreg.publish.site import fragments
from sealreg.publish.site.data import DETAIL_TABLES, TABLES

#: Per-page input digests of a release, at the release's top level (listed in its manifest).
INPUTS_FILE = "site-inputs.json.gz"
INPUTS_VERSION = 4
#: gzip level of INPUTS_FILE: at 10k providers 4.2 MiB of JSON in 1.8 MiB, for 0.2 s of CPU.
INPUTS_GZIP_LEVEL = 9
#: Most JSON bytes INPUTS_FILE may unpack to (about 44 MB at 100k providers): a larger file is not read.
INPUTS_MAX_JSON_BYTES = 1 << 30

_PUBLISH = Path(__file__).resolve().parent.parent
#: Everything whose change changes a rendered page.
CODE_PATHS = ("templates", "static", "site", "charts.py", "csp.py")
#: Per-service tables whose rows a service page shows: the detail rows the templates read and the rows
#: DuckDB builds the three long tables from.
ROW_TABLES = (*DETAIL_TABLES, *fragments.SOURCE_TABLES)
#: The pickle protocol of `digest` (fixed: a page's digest must not move with Python's default).
DIGEST_PICKLE_PROTOCOL = 5
#: Services whose rows are digested in one query (bounds DuckDB's memory: 48 criterion rows a service).
ROW_DIGEST_CHUNK = 20_000


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over the templates, static files and modules that render the pages, and the versions of Jinja
    and DuckDB (which writes the long tables' markup)."""
    h = hashlib.sha256(f"jinja2 {jinja2.__version__}\nduckdb {duckdb.__version__}\n".encode())
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
    """sha256 of the parts pickled without a memo (`pickle.Pickler.fast`): lists, dicts, strings, numbers, dates,
    decimals and None as the release's rows hold them (dicts in the fixed order the page model builds them), each
    value with its type, and the bytes do not depend on which equal objects are shared (no memo); about twice as
    cheap as their repr. Digests are only compared under the same code (`code_fingerprint` is a part)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=DIGEST_PICKLE_PROTOCOL)
    pickler.fast = True
    pickler.dump(parts)
    return hashlib.sha256(buffer.getbuffer()).hexdigest()


def row_digests(con: duckdb.DuckDBPyConnection, service_ids: list[str]) -> dict[str, str]:
    """Per service of these, the sha256 of its rows in every table of ROW_TABLES (the columns the pages read),
    computed in DuckDB.

    A row's digest is the sha256 of its values as JSON text (every value quoted and typed), computed once per
    distinct value (`_value_keys`): at 10k providers 1.5 M criterion rows hold 24 k distinct values, 650 k gate
    rows 1.3 k. A service's digest of a table is the sha256 of its rows' digests sorted (row order aside, no
    row can be added, removed or changed unseen). Services are taken ROW_DIGEST_CHUNK at a time, an id range
    per query, so no query holds more than a chunk's rows."""
    ids = sorted(set(service_ids))
    ranges = [(ids[i], ids[min(i + ROW_DIGEST_CHUNK, len(ids)) - 1]) for i in range(0, len(ids), ROW_DIGEST_CHUNK)]
    per_table: dict[str, list[str]] = {}
    for name in ROW_TABLES:
        keys = _value_keys(con, name)
        listed = ", ".join(f"{key('')} as k{i}" for i, key in enumerate(keys))
        packed = ", ".join(f"k{i} := k{i}" for i in range(len(keys)))
        same = " and ".join(f"{key('r.')} is not distinct from v.k{i}" for i, key in enumerate(keys))
        con.execute("create or replace temp table site_row_values as select *, row_number() over (order by h) as n "
                    f"from (select *, sha256(to_json(struct_pack({packed}))) as h "
                    f'from (select distinct {listed} from main."{name}"))')
        for first, last in ranges:
            # a service's rows as the ranks of their digests (integers group and sort far cheaper than the
            # digests' text), sorted, then each rank replaced by its digest: the digests sorted
            rows = con.execute(
                "with ranked as (select list(h order by n) as hs from site_row_values) "
                "select service_id, sha256(array_to_string(list_transform(list_sort(ns), lambda i: hs[i]), ',')) "
                f'from (select r.service_id, list(v.n) as ns from main."{name}" r join site_row_values v on {same} '
                "where r.service_id between ? and ? group by all), ranked", [first, last]
            ).fetchall()
            for service_id, table_digest in rows:
                per_table.setdefault(service_id, []).append(f"{name}:{table_digest}")
    con.execute("drop table if exists site_row_values")
    return {sid: hashlib.sha256("\n".join(parts).encode()).hexdigest() for sid, parts in per_table.items()}


#: Column types whose equality in DuckDB is equality of the values as shown (text without a collation; and
#: DECIMAL(p,s), one scale per column).
EXACT_TYPES = frozenset({"VARCHAR", "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "DATE",
                         "TIMESTAMP"})
#: Types DuckDB compares as numbers while they print apart: -0.0 equals 0.0, and NaN equals -NaN.
FLOAT_TYPES = frozenset({"DOUBLE", "FLOAT"})


def _value_keys(con: duckdb.DuckDBPyConnection, name: str) -> list[Callable[[str], str]]:
    """SQL expressions (given the table's alias) whose equality is equality of a row's shown values, service_id
    aside: the column itself for EXACT_TYPES, a float and its sign bit, any other type (or text under a
    collation, where 'A' may equal 'a') as its JSON text."""
    collated = "COLLATE" in _definition(con, name).upper()
    types = dict(con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'main' and table_name = ?", [name]).fetchall())
    keys: list[Callable[[str], str]] = []
    for column in TABLES[name]:
        kind = types[column]
        if column == "service_id":
            continue
        if (kind in EXACT_TYPES or kind.startswith("DECIMAL(")) and not (collated and kind == "VARCHAR"):
            keys.append(lambda t, c=column: f'{t}"{c}"')
        elif kind in FLOAT_TYPES:
            keys += [lambda t, c=column: f'{t}"{c}"', lambda t, c=column: f'signbit({t}"{c}")']
        else:
            keys.append(lambda t, c=column: f'to_json({t}"{c}")')
    return keys


def _definition(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The CREATE TABLE statement of a table of the release (its column types and any collation)."""
    (sql,) = con.execute("select sql from duckdb_tables() where database_name = current_database() "
                         "and schema_name = 'main' and table_name = ?", [name]).fetchone()
    return sql


def release_digest(con: duckdb.DuckDBPyConnection) -> str:
    """sha256 of what every service page's tables depend on beyond the service's own rows: the definition of
    each table of ROW_TABLES (its column types), and the release's usual criterion words
    (`fragments.WORD_TABLES`: a row equal to them leaves them out)."""
    h = hashlib.sha256()
    for name in ROW_TABLES:
        h.update(f"{name}:{_definition(con, name)}\n".encode())
    for name in fragments.WORD_TABLES:
        (text,) = con.execute(
            f"select string_agg(j, chr(10) order by j) from (select to_json(t)::varchar as j from {name} t)"
        ).fetchone()
        h.update(f"{name}:{text}\n".encode())
    return h.hexdigest()


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
