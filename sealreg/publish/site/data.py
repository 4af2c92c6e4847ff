"""Read access to a release's tables for the site: small tables whole, per-service tables by id range."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import Any

import duckdb

# Columns the pages read; a missing one is filled with None (templates test `cols` before showing it).
TABLES = {
    "providers": "provider_id legal_name country lei website ultimate_controller_name ultimate_controller_country "
    "third_country_control ownership_ok control_chain disclosure_id submitted_at",
    "services": "service_id provider_id name model sovereignty_score seal seal_uncapped ual status status_reason "
    "weights_version evaluated_on regions flag_count",
    "objective_results": "service_id objective objective_name score_pct seal seal_uncapped weight",
    "criterion_results": "service_id criterion_id objective title rung rung_label points max_points seal "
    "evidence_url evidence_note",
    "washing_flags": "service_id flag objective cap reason",
    "cada_gates": "service_id level gate gate_order passed detail",
    "certifications": "provider_id certificate_id service_id scheme issuer valid_from valid_until valid_on_as_of",
    "decisions": "decision_id service_id action reason decided_by decided_at in_force",
    "service_history": "service_id valid_from valid_to seal ual sovereignty_score status",
    "changes": "service_id field change old_value new_value",
    "rejections": "file code path message run_id",
}
#: Per-service tables, fetched for one batch of services at a time (never whole).
DETAIL_TABLES = ("objective_results", "criterion_results", "cada_gates", "decisions", "service_history")
#: Decimal columns that pages only show through float() (number, one): read as DOUBLE, which is the
#: same correctly rounded value and converts to Python twice as fast as Decimal (1.5 M criterion rows).
AS_DOUBLE = {"criterion_results": ("points", "max_points"), "objective_results": ("score_pct", "weight")}


class Tables:
    """Read access to the release's tables: small tables whole, per-service tables by id range."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.columns: dict[str, set[str]] = {}
        self._present: dict[str, list[str]] = {}
        self._types: dict[str, dict[str, str]] = {}
        con.execute("set enable_progress_bar = false")
        for name in TABLES:
            rows = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'main' and table_name = ? order by ordinal_position",
                [name],
            ).fetchall()
            self.columns[name] = {c for c, _ in rows}
            self._present[name] = [c for c, _ in rows]
            self._types[name] = dict(rows)

    def rows(self, name: str, where: str = "", params: list | None = None, narrow: bool = False) -> list[dict]:
        """Rows as dicts in a total order (``order by all``); expected columns that are missing are None.

        ``narrow`` selects only the columns the pages read (the detail tables are the big ones).
        """
        present = self._present[name]
        if not present:
            return []
        expected = TABLES[name].split()
        cols = [c for c in expected if c in present] if narrow else present
        if not cols:
            return []
        select = ", ".join(
            f'cast("{c}" as double) as "{c}"'
            if narrow and c in AS_DOUBLE.get(name, ()) and self._types[name][c].startswith("DECIMAL")
            else f'"{c}"'
            for c in cols
        )
        cur = self.con.execute(f'select {select} from main."{name}" {where} order by all', params or [])
        missing = [c for c in expected if c not in present]
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if not missing:
            return [dict(zip(names, row, strict=True)) for row in rows]
        names += missing
        pad = (None,) * len(missing)
        return [dict(zip(names, row + pad, strict=True)) for row in rows]

    def service_rows(self, name: str, lo: str, hi: str) -> dict[Any, list[dict]]:
        """Rows of a per-service table for the services with lo <= service_id <= hi, by service_id."""
        if "service_id" not in self.columns[name]:
            return {}
        return group(self.rows(name, "where service_id >= ? and service_id <= ?", [lo, hi], narrow=True), "service_id")

    def objective_counts(self) -> tuple[list[tuple[Any, list[int]]], dict[Any, str]]:
        """Services per objective and objective SEAL 0..4, and the name of each objective."""
        cols = self.columns["objective_results"]
        if "objective" not in cols:
            return [], {}
        name_sql = '"objective_name"' if "objective_name" in cols else "null"
        names = dict(
            self.con.execute(
                f'select distinct on (objective) objective, {name_sql} from main."objective_results" order by all'
            ).fetchall()
        )
        counts: dict[Any, list[int]] = {o: [0] * 5 for o in names}
        if "seal" in cols:
            for objective, seal, n in self.con.execute(
                'select objective, seal, count(*) from main."objective_results" '
                "where seal between 0 and 4 group by all order by all"
            ).fetchall():
                counts[objective][int(seal)] += n
        order = sorted(counts, key=lambda o: (natural(o), str(o)))
        return [(o, counts[o]) for o in order], {o: names[o] or "" for o in order}



@lru_cache(maxsize=1 << 16)
def _natural_str(text: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text))


def natural(text: Any) -> tuple:
    """Sort key that puts SOV-1.2 before SOV-1.10."""
    return _natural_str(str(text or ""))


def group(rows: list[dict], key: str) -> dict[Any, list[dict]]:
    """Rows by the value of one column, in their order."""
    out: dict[Any, list[dict]] = defaultdict(list)
    for row in rows:
        out[row.get(key)].append(row)
    return out
