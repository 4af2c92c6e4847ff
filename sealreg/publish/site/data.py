"""Read access to a release's tables for the site: small tables whole, per-service tables by id range."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import Any

import duckdb

from expectations.final_suite import PUBLISHED_COLUMNS
from sealreg.publish.site import fragments

#: Columns the pages read, per table: the final gate guarantees each exists in a release.
TABLES = {qualified.removeprefix("main."): columns for qualified, columns in PUBLISHED_COLUMNS.items()}
#: Per-service tables whose rows the templates read, fetched for one batch of services at a time (never
#: whole). The three long ones (objectives, criteria, gates) arrive as finished markup (`fragments`).
DETAIL_TABLES = ("decisions", "service_history")
#: From this many rows on, equal texts of a column share one object: at 100k providers this saves ~390 MiB of
#: the page model (2.0 GiB) for ~5 s CPU; below it the memory is small and the CPU is not.
SHARE_TEXT_ROWS = 100_000


class Tables:
    """Read access to the release's tables: small tables whole, per-service tables by id range."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        con.execute("set enable_progress_bar = false")
        fragments.prepare(con)

    def rows(self, name: str, where: str = "", params: list | None = None, narrow: bool = False) -> list[dict]:
        """Rows as dicts in a total order (``order by all``).

        ``narrow`` selects only the columns the pages read (the detail tables are the big ones).
        """
        select = ", ".join(f'"{c}"' for c in TABLES[name]) if narrow else "*"
        cur = self.con.execute(f'select {select} from main."{name}" {where} order by all', params or [])
        names = [d[0] for d in cur.description]
        rows: Any = cur.fetchall()
        texts = [i for i, d in enumerate(cur.description) if str(d[1]) == "VARCHAR"]
        if len(rows) >= SHARE_TEXT_ROWS and texts:
            # one object per distinct text of a column: statuses, models, reasons and ids repeat across the
            # rows, and at 100k providers the page model is most of the publisher's memory
            columns = list(zip(*rows, strict=True))
            for i in texts:
                shared: dict[str, str] = {}
                columns[i] = tuple(map(shared.setdefault, columns[i], columns[i]))
            rows = zip(*columns, strict=True)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def service_rows(self, name: str, service_ids: list[str]) -> dict[Any, list[dict]]:
        """Rows of a per-service table for these services, by service_id."""
        where = "where service_id in (select unnest(?::varchar[]))"
        return group(self.rows(name, where, [list(service_ids)], narrow=True), "service_id")

    def rulebook(self) -> tuple[list[tuple[Any, Any, Any]], int]:
        """(objective, name, weight) of this release's weights, and the number of distinct criteria."""
        weights = self.con.execute(
            'select distinct on (objective) objective, objective_name, weight from main."objective_results" '
            "order by all"
        ).fetchall()
        (criteria,) = self.con.execute('select count(distinct criterion_id) from main."criterion_results"').fetchone()
        return sorted(weights, key=lambda w: natural(w[0])), int(criteria)

    def criterion_words(self) -> tuple[dict[Any, str], dict[tuple[Any, Any], str], dict[Any, str]]:
        """The title of each criterion, the label of each (criterion, rung) and each criterion's most points
        (as the criteria tables write numbers) that most rows of the release carry (they come from the
        rulebook, so in practice every row): written once per site (`fragments.WORDS` computed them when
        the connection was opened)."""
        titles = dict(self.con.execute("select criterion_id, title from site_titles").fetchall())
        labels = {(c, r): label for c, r, label in self.con.execute(
            "select criterion_id, rung, rung_label from site_labels").fetchall()}
        maxima = dict(self.con.execute("select criterion_id, shown from site_maxima").fetchall())
        return titles, labels, maxima

    def source_freshness(self) -> dict[str, Any]:
        """The methodology page's "Sources and their age": every reference source, and the disclosures
        older than their maximum age (dbt's source_freshness; an older release without it shows none)."""
        rows = self.rows("source_freshness") if self.con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'main' and table_name = 'source_freshness'"
        ).fetchone()[0] else []
        disclosures = [r for r in rows if r["kind"] == "disclosure"]
        return {
            "references": [r for r in rows if r["kind"] != "disclosure"],
            "disclosures": len(disclosures),
            "stale_disclosures": sorted((r for r in disclosures if r["freshness"] == "stale"),
                                        key=lambda r: (r["loaded_on"], r["source"])),
            "max_disclosure_age_days": disclosures[0]["max_age_days"] if disclosures else None,
        }

    def objective_counts(self) -> tuple[list[tuple[Any, list[int]]], dict[Any, str]]:
        """Services per objective and objective SEAL 0..4, and the name of each objective."""
        names = dict(
            self.con.execute(
                'select distinct on (objective) objective, objective_name from main."objective_results" order by all'
            ).fetchall()
        )
        counts: dict[Any, list[int]] = {o: [0] * 5 for o in names}
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
