"""Read a layer's frames out of DuckDB: one short read-only connection, pandas frames out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from expectations.checks import Frame

SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"


class WarehouseUnavailable(RuntimeError):
    """The warehouse file is absent or cannot be opened read-only (e.g. a writer holds the lock)."""


@dataclass
class LoadedFrames:
    """Frames read for one gate, plus frames skipped (missing tables) and SQL errors (as sentences)."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)


OPTIONAL_COLUMN = re.compile(r"\{\{\s*(\w+\.\w+)\.(\w+)\s*\?\s*(.+?)\s*:\s*(.+?)\s*\}\}")


def _catalog(con) -> dict[str, set[str]]:
    """schema.table -> its column names."""
    rows = con.sql("select table_schema || '.' || table_name, column_name from information_schema.columns").fetchall()
    out: dict[str, set[str]] = {}
    for name, column in rows:
        out.setdefault(name, set()).add(column)
    return out


def render_sql(sql: str, catalog: dict[str, set[str]], seeds_dir: Path) -> str:
    """Fill `{seeds}` and `{{schema.table.column ? expr_if_present : expr_if_absent}}` placeholders."""

    def optional(m: re.Match) -> str:
        return m.group(3) if m.group(2) in catalog.get(m.group(1), set()) else m.group(4)

    return OPTIONAL_COLUMN.sub(optional, sql).replace("{seeds}", seeds_dir.as_posix())


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
            sql = render_sql(frame.sql, catalog, seeds_dir)
            try:
                out.frames[frame.name] = gx_friendly(con.sql(sql).df())
            except duckdb.Error as exc:
                first = str(exc).strip().splitlines()[0]
                out.errors.append(f"{layer}/{frame.name}: frame could not be computed: {first}")
    finally:
        con.close()
    return out
