"""Plain, GX-free description of the gates: frames (tables or derived SQL) and the checks on them.

The runner turns each `Check` into a GX expectation (class name + kwargs + `meta`), so the suites can
be listed and documented without importing great_expectations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Check:
    """One expectation: GX class name, its kwargs, the rule it guards and an optional failure hint."""

    expectation: str
    kwargs: dict[str, Any]
    rule: str
    hint: str = ""
    sql: str = ""
    """Set: `kwargs["column"]` is computed in DuckDB by this expression (`{table}` = the frame's table)."""
    sources: tuple[str, ...] = ()
    """Columns the `sql` expression reads (a table frame adds the expression only when all exist)."""

    @property
    def snake(self) -> str:
        """GX expectation type, e.g. `expect_column_values_to_be_between`."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.expectation).lower()

    @property
    def label(self) -> str:
        """Short argument summary used in failure sentences and docs, e.g. `seal 0..4`."""
        k = self.kwargs
        if "column_list" in k:
            return ", ".join(k["column_list"])
        if "column_set" in k:
            return ", ".join(k["column_set"])
        if "column_A" in k:
            op = {"ExpectColumnPairValuesToBeEqual": "="}.get(self.expectation)
            if op is None:
                op = ">=" if k.get("or_equal") else ">"
            return f"{k['column_A']} {op} {k['column_B']}"
        col = k.get("column")
        if "value_set" in k:
            return f"{col} in {{{', '.join(str(v) for v in k['value_set'])}}}"
        if "regex" in k:
            return f"{col} ~ {k['regex']}"
        if "min_value" in k or "max_value" in k:
            lo = _num(k.get("min_value"))
            hi = _num(k.get("max_value"))
            subject = col if col else "rows"
            if lo and lo == hi:
                return f"{subject} = {lo}"
            if not hi:
                return f"{subject} >= {lo}"
            if not lo:
                return f"{subject} <= {hi}"
            return f"{subject} {lo}..{hi}"
        return str(col or "")


def _num(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Frame:
    """A table (or a derived frame computed with DuckDB SQL) validated by one GX suite."""

    name: str
    sql: str
    depends_on: tuple[str, ...]
    checks: tuple[Check, ...]
    keys: tuple[str, ...] = ()
    derived: bool = False
    description: str = ""
    columns: tuple[str, ...] = ()
    """Table frames: the only columns read (contract columns, checked columns, keys); empty = the SQL as is."""
    order_by: str = ""
    """Derived frames: the ORDER BY list of the read whose rows give a failing check its examples
    (`frames.frame_sql(ordered=True)`); no check depends on the order of rows, so the first read is unordered."""
    per_disclosure: bool = False
    """Every row belongs to one disclosure (`disclosure_id`) and every check is about one row or a key holding
    `disclosure_id`: a scoped gate run may read only the rows of disclosures not checked before (`per_disclosure`)."""

    @property
    def checked_columns(self) -> tuple[str, ...]:
        """Every column a check of this frame reads (computed columns excluded: DuckDB computes them)."""
        out: list[str] = []
        for check in self.checks:
            if check.sql:
                continue
            k = check.kwargs
            for col in (k.get("column"), k.get("column_A"), k.get("column_B"), *k.get("column_list", ())):
                if col and col not in out:
                    out.append(col)
        return tuple(out)


@dataclass(frozen=True)
class Suite:
    """All frames of one layer (`raw` or `final`)."""

    layer: str
    frames: tuple[Frame, ...]
    tables: tuple[str, ...] = field(default=())
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """schema.table -> columns that must exist (checked in the catalog, not read into pandas)."""


# --- check builders ------------------------------------------------------------------------------


def not_null(column: str, rule: str) -> Check:
    return Check("ExpectColumnValuesToNotBeNull", {"column": column}, rule)


def is_null(column: str, rule: str, hint: str = "") -> Check:
    return Check("ExpectColumnValuesToBeNull", {"column": column}, rule, hint)


def quote(name: str) -> str:
    """A DuckDB identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def _text(columns: list[str]) -> str:
    """SQL: the values of `columns` as one readable text (`null` for a missing value)."""
    return " || ', ' || ".join(f"coalesce({quote(c)}::varchar, 'null')" for c in columns)


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def unique(column: str, rule: str) -> Check:
    """`column` holds no value twice (nulls ignored): DuckDB names each duplicated value on every row that
    holds it (a semi-join on the table's duplicated values), GX checks that column is null on every row."""
    c = quote(column)
    sql = (f"case when {c} is not null and {c} in (select {c} from {{table}} group by {c} having count(*) > 1) "
           f"then {c}::varchar end")
    return Check("ExpectColumnValuesToBeNull", {"column": f"duplicated {column}"}, rule, sql=sql, sources=(column,))


def unique_together(columns: list[str], rule: str) -> Check:
    """The combination of `columns` is unique (rows where all are null ignored; nulls compare equal, as in
    GX's compound check), computed in DuckDB like `unique`.

    The duplicated keys are grouped only among the rows whose `hash` of the key is duplicated: equal keys
    have equal hashes, so no duplicate is missed, and grouping integers first is ~2x cheaper than grouping
    every row's key (a struct of strings)."""
    cols = list(columns)
    listed = ", ".join(quote(c) for c in cols)
    key = f"row({listed})"
    all_null = " and ".join(f"{quote(c)} is null" for c in cols)
    candidates = f"hash({listed}) in (select hash({listed}) as h from {{table}} group by h having count(*) > 1)"
    sql = (f"case when not ({all_null}) and {key} in (select {key} as k from {{table}} where {candidates} "
           f"group by k having count(*) > 1) then {_text(cols)} end")
    return Check("ExpectColumnValuesToBeNull", {"column": f"duplicated ({', '.join(cols)})"}, rule, sql=sql,
                 sources=tuple(cols))


def between(column: str, lo: float | None, hi: float | None, rule: str, hint: str = "") -> Check:
    kwargs: dict[str, Any] = {"column": column}
    if lo is not None:
        kwargs["min_value"] = lo
    if hi is not None:
        kwargs["max_value"] = hi
    return Check("ExpectColumnValuesToBeBetween", kwargs, rule, hint)


def in_set(column: str, values: list[Any], rule: str) -> Check:
    return Check("ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)}, rule)


def matches(column: str, regex: str, rule: str) -> Check:
    return Check("ExpectColumnValuesToMatchRegex", {"column": column, "regex": regex}, rule)


def pair_at_least(a: str, b: str, rule: str) -> Check:
    """Column `a` >= column `b` on every row where both are present."""
    kwargs = {"column_A": a, "column_B": b, "or_equal": True, "ignore_row_if": "either_value_is_missing"}
    return Check("ExpectColumnPairValuesAToBeGreaterThanB", kwargs, rule)


def pair_equal(a: str, b: str, rule: str) -> Check:
    """Column `a` == column `b` on every row (a null on one side only is a mismatch)."""
    kwargs = {"column_A": a, "column_B": b, "ignore_row_if": "both_values_are_missing"}
    return Check("ExpectColumnPairValuesToBeEqual", kwargs, rule)


def pairs_in_set(a: str, b: str, pairs: list[tuple[Any, Any]], rule: str) -> Check:
    """Each (a, b) row pair is one of `pairs` (rows where both are null ignored): DuckDB writes the pair as
    text on every row where it is not allowed, GX checks that column is null on every row."""
    allowed = " or ".join(
        f"({quote(a)} is not distinct from {_literal(x)} and {quote(b)} is not distinct from {_literal(y)})"
        for x, y in pairs
    )
    sql = f"case when not ({quote(a)} is null and {quote(b)} is null) and not ({allowed}) then {_text([a, b])} end"
    return Check("ExpectColumnValuesToBeNull", {"column": f"({a}, {b}) not an allowed pair"}, rule,
                 sql=sql, sources=(a, b))


def computed(check: Check, sql: str, sources: tuple[str, ...]) -> Check:
    """`check` on a column DuckDB computes with `sql` (over the frame's table) from the `sources` columns."""
    return replace(check, sql=sql, sources=sources)


def rows_at_least(n: int, rule: str, hint: str = "") -> Check:
    return Check("ExpectTableRowCountToBeBetween", {"min_value": n}, rule, hint)


def has_columns(columns: list[str], rule: str) -> Check:
    return Check("ExpectTableColumnsToMatchSet", {"column_set": list(columns), "exact_match": False}, rule)


def table(
    qualified: str, columns: list[str], keys: tuple[str, ...], checks: list[Check], description: str = ""
) -> Frame:
    """A frame that is a whole table; always starts with a contract-columns check."""
    name = qualified.split(".", 1)[1]
    first = has_columns(columns, f"{qualified} has the contract columns (extra columns allowed)")
    frame = Frame(
        name=name,
        sql=f"select * from {qualified}",
        depends_on=(qualified,),
        checks=(first, *checks),
        keys=keys,
        description=description,
    )
    # Read only what a check looks at: the contract columns (for the column-set check), the checked
    # columns and the keys (reported with unexpected rows). Free text outside the contract stays in DuckDB.
    wanted = dict.fromkeys([*columns, *frame.checked_columns, *keys])
    return replace(frame, columns=tuple(wanted))


def per_disclosure(frame: Frame) -> Frame:
    """`frame` marked `per_disclosure`; ValueError unless it is a table frame with a `disclosure_id` key whose
    checks hold row by row or per key including `disclosure_id` (no row count, no uniqueness without it)."""
    for check in frame.checks:
        whole_table = check.expectation == "ExpectTableRowCountToBeBetween" or (
            "{table}" in check.sql and "disclosure_id" not in check.sources)
        if frame.derived or "disclosure_id" not in frame.keys or whole_table:
            raise ValueError(f"{frame.name}: {check.snake} ({check.label}) needs every row of the table")
    return replace(frame, per_disclosure=True)


def derived(
    name: str, sql: str, depends_on: tuple[str, ...], keys: tuple[str, ...], checks: list[Check], description: str,
    order_by: str = "",
) -> Frame:
    """A cross-table frame computed with DuckDB SQL on the read-only connection; `order_by` (an ORDER BY list
    over the SQL's own names) orders its rows for the examples of a failing check (`Frame.order_by`)."""
    if any("{table}" in check.sql for check in checks):
        raise ValueError(f"{name}: a uniqueness check needs a table frame")
    return Frame(
        name=name, sql=sql, depends_on=depends_on, checks=tuple(checks), keys=keys, derived=True,
        description=description, order_by=order_by,
    )


def catalog_frame(layer: str, tables: tuple[str, ...]) -> Frame:
    """Frame listing the layer's required tables; `missing_table` is set for each absent one."""
    values = ", ".join(f"('{t}')" for t in tables)
    sql = (
        f"select e.tbl as table_name, case when t.table_name is null then e.tbl end as missing_table "
        f"from (values {values}) e(tbl) left join (select distinct table_schema || '.' || table_name "
        f"as table_name from information_schema.tables) t on t.table_name = e.tbl order by e.tbl"
    )
    check = is_null(
        "missing_table",
        f"every {layer} table exists: {', '.join(tables)}",
        hint="required table(s) missing; their checks were skipped",
    )
    return Frame(
        name="_tables", sql=sql, depends_on=(), checks=(check,), keys=("table_name",), derived=True,
        description="required tables present in the warehouse",
    )


def columns_frame(layer: str, columns: dict[str, tuple[str, ...]]) -> Frame:
    """Frame listing the columns the layer promises to its readers; `missing_column` is set for each absent one."""
    values = ", ".join(f"('{t}', '{c}')" for t, cols in columns.items() for c in cols)
    sql = (
        f"select e.table_name, e.column_name, case when c.column_name is null "
        f"then e.table_name || '.' || e.column_name end as missing_column "
        f"from (values {values}) e(table_name, column_name) left join (select table_schema || '.' || table_name "
        f"as table_name, column_name from information_schema.columns) c "
        f"on c.table_name = e.table_name and c.column_name = e.column_name order by all"
    )
    check = is_null(
        "missing_column",
        f"every {layer} column the publisher reads exists",
        hint="column(s) the site pages read are missing",
    )
    return Frame(
        name="_columns", sql=sql, depends_on=(), checks=(check,), keys=("table_name", "column_name"), derived=True,
        description="columns the release's pages read, present in the warehouse",
    )
