"""Read-only questions answered from the published release (`<home>/current/registry.duckdb`)."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from pathlib import Path

import duckdb

OBJECTIVES = tuple(f"SOV-{i}" for i in range(1, 9))


class NoRelease(RuntimeError):
    """No release has been published in this home yet."""


@contextmanager
def open_current(home: Path):
    """A short-lived read-only connection to the current release."""
    db = home / "current" / "registry.duckdb"
    if not db.exists():
        raise NoRelease(f"no published release under {home} (run `sealreg refresh` first)")
    con = duckdb.connect(str(db), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _rows(con, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def lookup(home: Path, service_id: str, as_of: dt.date | None = None) -> dict | None:
    """The service as published now, or as it stood on `as_of` according to the release history."""
    with open_current(home) as con:
        if as_of is None:
            found = _rows(con, "select * from services where service_id = ?", [service_id])
            if not found:
                return None
            entry = found[0]
            entry["objectives"] = _rows(
                con, "select objective, score_pct, seal, seal_uncapped from objective_results "
                     "where service_id = ? order by objective", [service_id])
            entry["washing_flags"] = _rows(
                con, "select flag, objective, cap, reason from washing_flags where service_id = ? order by flag",
                [service_id])
            return entry
        found = _rows(
            con,
            "select * from service_history where service_id = ? and valid_from <= ? "
            "and (valid_to is null or valid_to > ?) order by valid_from desc limit 1",
            [service_id, as_of, as_of])
        return found[0] if found else None


def parse_floors(text: str) -> dict[str, int]:
    """`SOV-1=3,SOV-2=2` → {"SOV-1": 3, "SOV-2": 2}; raises ValueError on anything else."""
    floors: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = re.fullmatch(r"(SOV-[1-8])\s*=\s*([0-4])", part, flags=re.IGNORECASE)
        if not match:
            raise ValueError(f"bad floor {part!r}: expected SOV-n=L with n in 1..8 and L in 0..4")
        floors[match.group(1).upper()] = int(match.group(2))
    return floors


def shortlist(home: Path, floors: dict[str, int], min_ual: int = 0) -> list[dict]:
    """Services meeting every per-objective SEAL floor (and the UAL floor), best sovereignty score first.

    Suspended and revoked services are never shortlisted.
    """
    params: list = []
    for objective, level in sorted(floors.items()):
        params += [objective, level]
    values = ", ".join(["(?, ?)"] * len(floors)) or "(null, null)"
    with open_current(home) as con:
        return _rows(con, f"""
            with floors(objective, min_seal) as (values {values})
            select s.service_id, s.name, s.provider_id, p.legal_name as provider, p.country,
                   s.sovereignty_score, s.seal, s.ual, s.status
            from services s join providers p using (provider_id)
            where s.ual >= ? and s.status not in ('suspended', 'revoked')
              and not exists (
                  select 1 from floors f join objective_results o
                    on o.objective = f.objective and o.service_id = s.service_id
                  where o.seal < f.min_seal)
            order by s.sovereignty_score desc, s.service_id
        """, [*params, min_ual])


def review_items(home: Path) -> list[dict]:
    """The current release's review queue: what changed in the reference evidence since the previous evaluation."""
    with open_current(home) as con:
        present = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'main' and table_name = 'review_items'"
        ).fetchone()[0]
        if not present:
            raise NoRelease(f"the current release under {home} has no review_items table (an older release)")
        return _rows(con, """
            select kind, subject_type, subject_id, detail, first_seen_on, previous_as_of
            from review_items order by kind, subject_id
        """, [])
