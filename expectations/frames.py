"""Read a layer's frames out of DuckDB: one short read-only connection, pandas frames out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from expectations.checks import Frame, quote
from expectations.scope import unchecked_rows
from sealreg.duckdb_threads import set_threads
from sealreg.errors import SealregError

SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"


class WarehouseUnavailable(SealregError, RuntimeError):
    """The warehouse file is absent or cannot be opened read-only (e.g. a writer holds the lock)."""


@dataclass
class LoadedFrames:
    """Frames read for one gate, plus frames skipped (missing tables) and SQL errors (as sentences)."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)


def catalog_of(con) -> dict[str, set[str]]:
    """schema.table -> its column names."""
    rows = con.sql("select table_schema || '.' || table_name, column_name from information_schema.columns").fetchall()
    out: dict[str, set[str]] = {}
    for name, column in rows:
        out.setdefault(name, set()).add(column)
    return out


def render_sql(sql: str, seeds_dir: Path) -> str:
    """Fill the `{seeds}` placeholder (the dbt seeds folder) of a frame's SQL."""
    return sql.replace("{seeds}", seeds_dir.as_posix())


def gx_friendly(df: pd.DataFrame) -> pd.DataFrame:
    """Nullable Int/boolean columns holding NA -> float64 / object with None: GX pair checks fail on pd.NA."""
    for col in df.columns:
        dtype = df[col].dtype
        if not isinstance(dtype, pd.api.extensions.ExtensionDtype) or not df[col].isna().any():
            continue
        if pd.api.types.is_integer_dtype(dtype):
            df[col] = df[col].astype("float64")
        elif pd.api.types.is_bool_dtype(dtype):
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


# Arrow record batch size used to drain a result.
FETCH_ROWS = 1 << 17
# DuckDB's memory for the gate's queries (the uniqueness semi-joins over the biggest tables spill beyond it).
GATE_MEMORY_LIMIT = "512MB"
# DuckDB threads for a read whose rows give a failure its examples: one, so they come in the same order on
# every run (with more, frames with a semi-join come out in varying order, and with them the examples).
EXAMPLES_THREADS = 1
# A frame is validated in chunks of at most this many rows: GX's memory stays bounded whatever the size.
CHUNK_ROWS = 1 << 19


def _compact(table):
    """Arrow table -> pandas frame with GX-friendly dtypes (same values as `.df()`).

    DECIMAL becomes float64 (what `.df()` returns) and integers narrower than 64 bits int64: GX's
    ExpectColumnValuesToBeBetween only takes its vectorized path for `int`/`float` columns and otherwise calls
    a Python function per value. Strings stay Arrow-backed (as categoricals they cost a dictionary encoding
    per column and chunk and made GX's checks slower, for no less peak memory at 10k)."""
    import pyarrow as pa

    for i, field_ in enumerate(table.schema):
        kind = field_.type
        if pa.types.is_decimal(kind):
            table = table.set_column(i, field_.name, table.column(i).cast(pa.float64()))
        elif pa.types.is_integer(kind) and kind != pa.int64() and kind != pa.uint64():
            table = table.set_column(i, field_.name, table.column(i).cast(pa.int64()))
    return gx_friendly(table.to_pandas(date_as_object=False, self_destruct=True, split_blocks=True))


def fetch_chunks(con, sql: str, chunk_rows: int | None = None, in_order: bool = False):
    """Result of `sql` as pandas frames of at most `chunk_rows` rows each (default CHUNK_ROWS), read
    through Arrow (strings stay Arrow-backed instead of becoming Python objects); at least one frame
    (empty for an empty result). Only one chunk is held at a time. `in_order`: DuckDB runs `sql` on
    EXAMPLES_THREADS threads, so the rows come in the same order on every run; the connection's thread
    count is restored once the result is drained."""
    if not in_order:
        yield from _chunks(con, sql, chunk_rows or CHUNK_ROWS)
        return
    threads = set_threads(con, EXAMPLES_THREADS)
    try:
        yield from _chunks(con, sql, chunk_rows or CHUNK_ROWS)
    finally:
        set_threads(con, threads)


def _chunks(con, sql: str, limit: int):
    import pyarrow as pa

    reader = con.sql(sql).to_arrow_reader(min(limit, FETCH_ROWS))
    pending: list = []
    held = 0
    sent = False
    for batch in reader:
        pending.append(batch)
        held += batch.num_rows
        if held >= limit:
            table = pa.Table.from_batches(pending, schema=reader.schema)
            pending, held = [], 0
            for start in range(0, table.num_rows, limit):
                yield _compact(table.slice(start, limit))
                sent = True
            del table
    if pending or not sent:
        yield _compact(pa.Table.from_batches(pending, schema=reader.schema))


def fetch_df(con, sql: str) -> pd.DataFrame:
    """Result of `sql` as one pandas frame with the compact dtypes of `fetch_chunks`."""
    table = con.sql(sql).to_arrow_reader(FETCH_ROWS).read_all()
    return _compact(table)


def is_scoped(frame: Frame, catalog: dict[str, set[str]], scope: str | None) -> bool:
    """Under `scope`, `frame` reads only the rows of the disclosures not in it (see `frame_sql`)."""
    return bool(scope and frame.per_disclosure and "disclosure_id" in catalog.get(frame.depends_on[0], set()))


def frame_sql(frame: Frame, catalog: dict[str, set[str]], seeds_dir: Path, scope: str | None = None,
              ordered: bool = False) -> str:
    """The SQL of `frame`, with the columns its checks compute in DuckDB (`Check.sql`) appended.

    A table frame reads only its wanted columns that exist (a missing one is reported by the
    contract-columns check, as with `select *`); a computed column whose source columns are missing is
    left out, so its check reports the column as missing instead of the frame failing as a whole.
    `scope` (a relation of checked `disclosure_id`s): a `per_disclosure` frame whose table has that column
    reads, and computes its keys' duplicates over, only the rows of the other disclosures. `ordered`: a derived
    frame's rows come in its `order_by` order (the read for a failing check's examples)."""
    table_name = frame.depends_on[0] if len(frame.depends_on) == 1 and not frame.derived else None
    present = catalog.get(table_name, set()) if table_name else set()
    source, where = table_name or "", ""
    if table_name and is_scoped(frame, catalog, scope):
        rows = unchecked_rows(table_name, scope)
        source, where = f"(select * from {table_name} where {rows}) as scoped", f" where {rows}"
    computed = [
        f"{check.sql.replace('{table}', source)} as {quote(check.kwargs['column'])}"
        for check in frame.checks
        if check.sql and (not table_name or all(c in present for c in check.sources))
    ]
    if table_name and frame.columns:
        cols = [quote(c) for c in frame.columns if c in present]
        if cols or computed:
            return render_sql(f"select {', '.join(cols + computed)} from {table_name}{where}", seeds_dir)
    order = f"\n    order by {frame.order_by}" if ordered and frame.order_by else ""
    base = render_sql(frame.sql.rstrip() + where + order, seeds_dir)
    if not computed:
        return base
    return render_sql(f"select *, {', '.join(computed)} from ({base}) as frame", seeds_dir)


def open_read_only(layer: str, warehouse: Path):
    """A read-only DuckDB connection to `warehouse`; WarehouseUnavailable if absent or locked."""
    import duckdb

    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise WarehouseUnavailable(f"{layer}: warehouse {warehouse} does not exist")
    try:
        con = duckdb.connect(str(warehouse), read_only=True, config={"memory_limit": GATE_MEMORY_LIMIT})
        con.execute("set enable_progress_bar = false")
    except duckdb.Error as exc:
        raise WarehouseUnavailable(f"{layer}: cannot open {warehouse} read-only: {exc}") from exc
    return con


def missing_tables(frame: Frame, catalog: dict[str, set[str]]) -> list[str]:
    """Tables `frame` needs that the warehouse lacks."""
    return [t for t in frame.depends_on if t not in catalog]


def sql_error(layer: str, frame: Frame, exc: Exception) -> str:
    """The failure sentence for a frame whose SQL failed."""
    first = str(exc).strip().splitlines()[0]
    return f"{layer}/{frame.name}: frame could not be computed: {first}"


def load_frames(layer: str, frames: tuple[Frame, ...], warehouse: Path, seeds_dir: Path = SEEDS_DIR) -> LoadedFrames:
    """Every frame whole, as the gate computes it (for inspection; the gate itself reads in chunks)."""
    import duckdb

    con = open_read_only(layer, warehouse)
    out = LoadedFrames()
    try:
        catalog = catalog_of(con)
        for frame in frames:
            missing = missing_tables(frame, catalog)
            if missing:
                out.skipped[frame.name] = f"needs missing table(s) {', '.join(missing)}"
                out.missing_tables.extend(t for t in missing if t not in out.missing_tables)
                continue
            try:
                out.frames[frame.name] = fetch_df(con, frame_sql(frame, catalog, seeds_dir, ordered=True))
            except duckdb.Error as exc:
                out.errors.append(sql_error(layer, frame, exc))
    finally:
        con.close()
    return out
