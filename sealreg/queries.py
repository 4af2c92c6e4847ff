"""Read-only questions answered from the published release (`<home>/current/registry.duckdb`)."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from pathlib import Path

import duckdb

from sealreg.config import RegistryHome
from sealreg.errors import SealregError


class NoRelease(SealregError, RuntimeError):
    """No release has been published in this home yet."""


class DateOutOfRange(SealregError, ValueError):
    """An --as-of date the release's history cannot answer (after its evaluation date, or before its first)."""


@contextmanager
def open_current(home: RegistryHome | Path):
    """A short-lived read-only connection to the current release."""
    db = RegistryHome.of(home).current_database
    if not db.exists():
        raise NoRelease(f"no published release under {RegistryHome.of(home).root} (run `sealreg refresh` first)")
    con = duckdb.connect(str(db), read_only=True)
    try:
        yield con
    finally:
        con.close()


def rows(con, sql: str, params: list) -> list[dict]:
    """Result rows as dicts."""
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def release_as_of(home: RegistryHome | Path) -> dt.date:
    """The evaluation date of the current release (its manifest's `as_of`)."""
    manifest = RegistryHome.of(home).current_manifest
    try:
        return dt.date.fromisoformat(json.loads(manifest.read_text(encoding="utf-8"))["as_of"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NoRelease(f"{manifest}: no readable evaluation date ({exc})") from None


def state_on(con, home: RegistryHome | Path, as_of: dt.date | None) -> dt.date:
    """The date to answer for: `as_of` checked against the release's history, or the release's own date."""
    release = release_as_of(home)
    if as_of is None:
        return release
    if as_of > release:
        raise DateOutOfRange(f"{as_of} is after this release's evaluation date {release}: "
                             "the registry does not answer for dates it has not evaluated yet")
    (first,) = con.execute("select min(valid_from) from service_history").fetchone()
    if first is None or as_of < first:
        raise DateOutOfRange(f"{as_of} is before the registry's history begins ({first})")
    return as_of


def lookup(home: RegistryHome | Path, service_id: str, as_of: dt.date | None = None) -> dict | None:
    """The service as published now, or as it stood on `as_of` according to the release history."""
    with open_current(home) as con:
        if as_of is None:
            found = rows(con, "select * from services where service_id = ?", [service_id])
            if not found:
                return None
            entry = found[0]
            entry["objectives"] = rows(
                con, "select objective, score_pct, seal, seal_uncapped from objective_results "
                     "where service_id = ? order by objective", [service_id])
            entry["washing_flags"] = rows(
                con, "select flag, objective, cap, reason from washing_flags where service_id = ? order by flag",
                [service_id])
            return entry
        as_of = state_on(con, home, as_of)
        found = rows(
            con,
            "select * from service_history where service_id = ? and valid_from <= ? "
            "and (valid_to is null or valid_to > ?) order by valid_from desc limit 1",
            [service_id, as_of, as_of])
        return found[0] if found else None


def review_items(home: RegistryHome | Path) -> list[dict]:
    """The current release's review queue: what changed in the reference evidence since the previous evaluation."""
    with open_current(home) as con:
        present = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'main' and table_name = 'review_items'"
        ).fetchone()[0]
        if not present:
            raise NoRelease(f"the current release under {home} has no review_items table (an older release)")
        return rows(con, """
            select kind, subject_type, subject_id, detail, first_seen_on, previous_as_of
            from review_items order by kind, subject_id
        """, [])


def rejections(home: RegistryHome | Path, provider_id: str | None = None) -> list[dict]:
    """The release's rejected files, one row per problem, ordered by provider, file, path and code;
    only the files naming `provider_id` when given."""
    sql = ("select provider_id, provider_name, file, code, path, message, rejected_since, still_rejected, "
           "quarantined_in from rejections" + (" where provider_id = ?" if provider_id else "")
           + " order by provider_id nulls last, file, path, code")
    with open_current(home) as con:
        return rows(con, sql, [provider_id] if provider_id else [])
