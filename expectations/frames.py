"""Read a layer's frames out of DuckDB: one short read-only connection, pandas frames out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from expectations.checks import Frame
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


def _catalog(con) -> dict[str, set[str]]:
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


# Below this many rows a frame is left as DuckDB returned it: categoricals would not pay off.
CATEGORY_MIN_ROWS = 10_000
# A string column becomes categorical when it has at most this share of distinct values.
CATEGORY_MAX_RATIO = 0.25
# Arrow record batch size used to drain a result.
FETCH_ROWS = 1 << 17


def plain_string_columns(frame: Frame) -> set[str]:
    """Columns read by a regex check (GX casts them to str) or a column-pair check (GX compares the two
    columns): these stay plain strings, every other low-cardinality string column may be categorical."""
    return {
        col
        for check in frame.checks
        if "regex" in check.kwargs or "column_A" in check.kwargs
        for col in (check.kwargs.get("column"), check.kwargs.get("column_A"), check.kwargs.get("column_B"))
        if col
    }


def fetch_df(con, sql: str, keep_plain: set[str] = frozenset()) -> pd.DataFrame:
    """Result of `sql` as a pandas frame with GX-friendly, compact dtypes (same values as `.df()`).

    Read through Arrow (strings stay Arrow-backed instead of becoming Python objects and being
    converted back), then per column:
    - DECIMAL -> float64 (what `.df()` returns);
    - integers narrower than 64 bits -> int64: GX's ExpectColumnValuesToBeBetween only takes its
      vectorized path for `int`/`float` columns and otherwise calls a Python function per value;
    - low-cardinality strings (service_id on criterion rows, objective, gate, ...) -> dictionary,
      i.e. pandas categoricals, except the columns in `keep_plain`.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    table = con.sql(sql).to_arrow_reader(FETCH_ROWS).read_all()
    n = table.num_rows
    for i, field_ in enumerate(table.schema):
        kind = field_.type
        column = table.column(i)
        if pa.types.is_decimal(kind):
            column = column.cast(pa.float64())
        elif pa.types.is_integer(kind) and kind != pa.int64() and kind != pa.uint64():
            column = column.cast(pa.int64())
        elif (
            n >= CATEGORY_MIN_ROWS
            and field_.name not in keep_plain
            and (pa.types.is_string(kind) or pa.types.is_large_string(kind))
            and pc.count_distinct(column).as_py() <= n * CATEGORY_MAX_RATIO
        ):
            column = pc.dictionary_encode(column.combine_chunks())
        else:
            continue
        table = table.set_column(i, field_.name, column)
    del column
    return table.to_pandas(date_as_object=False, self_destruct=True, split_blocks=True)


def frame_sql(frame: Frame, catalog: dict[str, set[str]], seeds_dir: Path) -> str:
    """The SQL of `frame`: for a table frame, only its wanted columns that exist (a missing one is
    reported by the contract-columns check, as with `select *`)."""
    if frame.columns and len(frame.depends_on) == 1:
        present = catalog.get(frame.depends_on[0], set())
        cols = [c for c in frame.columns if c in present]
        if cols:
            return f"select {', '.join(_quote(c) for c in cols)} from {frame.depends_on[0]}"
    return render_sql(frame.sql, seeds_dir)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_frames(layer: str, frames: tuple[Frame, ...], warehouse: Path, seeds_dir: Path = SEEDS_DIR) -> LoadedFrames:
    """Run every frame's SQL on `warehouse` (read-only); the connection is closed before returning."""
    import duckdb

    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise WarehouseUnavailable(f"{layer}: warehouse {warehouse} does not exist")
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseUnavailable(f"{layer}: cannot open {warehouse} read-only: {exc}") from exc
    out = LoadedFrames()
    try:
        catalog = _catalog(con)
        for frame in frames:
            missing = [t for t in frame.depends_on if t not in catalog]
            if missing:
                out.skipped[frame.name] = f"needs missing table(s) {', '.join(missing)}"
                out.missing_tables.extend(t for t in missing if t not in out.missing_tables)
                continue
            sql = frame_sql(frame, catalog, seeds_dir)
            try:
                out.frames[frame.name] = gx_friendly(fetch_df(con, sql, plain_string_columns(frame)))
            except duckdb.Error as exc:
                first = str(exc).strip().splitlines()[0]
                out.errors.append(f"{layer}/{frame.name}: frame could not be computed: {first}")
    finally:
        con.close()
    return out
