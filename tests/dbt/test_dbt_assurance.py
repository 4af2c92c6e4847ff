"""The real dbt build over two evaluation dates: CADA status, decisions, history, changes, rerun, backfill.

One prepared DuckDB file (raw_schema.sql + hand-written raw rows), four `dbt build` subprocesses:
  1. as_of 2026-11-27                     first evaluation
  2. as_of 2026-11-28                     after a suspension (decided 11-28), a withdrawn provider whose
                                          service was revoked on 11-27, one service removed, one added,
                                          one service newly declared open source
  3. as_of 2026-11-28 again               rerun of the same night
  4. as_of 2026-11-26                     backfill of an earlier night
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from tests.dbt.assurance_fixtures import (
    add_decision,
    add_provider,
    add_service,
    create_warehouse,
    declare_open_source,
    query,
    remove_provider,
    remove_service,
    run_dbt,
)

D26, D27, D28 = dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)
#: The assurance and history models with everything upstream, and only the data tests declared in the
#: assurance/history folders (upstream models' own tests and unit tests run in the project's full build).
SELECT = ["--select", "+path:models/marts/assurance", "+path:models/history", "path:models/intermediate/assurance",
          "--exclude", "test_type:unit", "--indirect-selection", "empty"]


def _build(tmp: Path, warehouse: Path, as_of: str) -> None:
    proc = run_dbt(tmp, warehouse, as_of, *SELECT)
    assert proc.returncode == 0, f"dbt build --vars as_of={as_of} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"


def _snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    return {
        "services": query(warehouse, "select service_id, ual, status, status_reason, disclosure_withdrawn "
                                     "from services order by service_id"),
        "states": query(warehouse, "select as_of, service_id, ual, status, status_reason "
                                   "from service_states order by as_of, service_id"),
        "states_per_date": query(warehouse, "select as_of, count(*) from service_states group by 1 order by 1"),
        "history": query(warehouse, "select service_id, valid_from, valid_to, ual, status "
                                    "from service_history order by service_id, valid_from"),
        "changes": query(warehouse, "select service_id, change, field, old_value, new_value "
                                    "from changes order by service_id, field"),
        "decisions": query(warehouse, "select decision_id, in_force from decisions order by decision_id"),
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict[str, list[tuple]]]:
    tmp = tmp_path_factory.mktemp("dbt-assurance")
    warehouse = tmp / "w.duckdb"
    create_warehouse(warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        eu = add_provider(con, "p-eu")
        add_service(con, eu, "p-eu", "svc-full", 0, {})
        add_service(con, eu, "p-eu", "svc-l2", 1,
                    {"audit_claimed_level": 2, "cyber_certificate": "substantial", "personnel": "eu_located"})
        add_service(con, eu, "p-eu", "svc-nocada", 2, None)
        # audit 365 days before 11-27 (in date), 366 days before 11-28 (expired)
        add_service(con, eu, "p-eu", "svc-expiring", 3, {"audit_date": dt.date(2025, 11, 27), "audit_claimed_level": 3})
        us = add_provider(con, "p-us", controller_country="US")
        add_service(con, us, "p-us", "svc-us", 0, {"source_code_access": False}, regions=("DE",))
        add_decision(con, 1, "svc-us", "revoke", "false statement of conformity", "2026-11-27 10:00:00")
        add_decision(con, 2, "svc-l2", "suspend", "audit under review", "2026-11-28 08:00:00")
    finally:
        con.close()

    snapshots = {}
    _build(tmp, warehouse, "2026-11-27")
    snapshots["first"] = _snapshot(warehouse)

    con = duckdb.connect(str(warehouse))
    try:
        remove_provider(con, "p-us")          # its revoked service must stay published as revoked
        remove_service(con, "svc-nocada")
        add_service(con, eu, "p-eu", "svc-new", 4, {"statement_of_conformity": False})
        declare_open_source(con, "svc-expiring", "MIT")  # undeclared -> open_source
    finally:
        con.close()
    _build(tmp, warehouse, "2026-11-28")
    snapshots["second"] = _snapshot(warehouse)
    _build(tmp, warehouse, "2026-11-28")
    snapshots["rerun"] = _snapshot(warehouse)
    _build(tmp, warehouse, "2026-11-26")
    snapshots["backfill"] = _snapshot(warehouse)
    return snapshots


def test_first_evaluation_statuses_and_no_changes(runs):
    first = runs["first"]
    assert first["services"] == [
        ("svc-expiring", 3, "listed", "UAL-4 not reached: claimed_level_4 failed (claimed_level: 3)", False),
        ("svc-full", 4, "listed", "meets every gate up to UAL-4", False),
        ("svc-l2", 2, "listed", "UAL-3 not reached: claimed_level_3 failed (claimed_level: 2)", False),
        ("svc-nocada", 0, "not_listed", "UAL-1 not reached: no CADA block", False),
        ("svc-us", 2, "revoked", "revoked by decision D-0001 of 2026-11-27: false statement of conformity", False),
    ]
    assert first["changes"] == []
    assert all(valid_to is None for _, _, valid_to, _, _ in first["history"])
    # the suspension of 11-28 is not yet known on 11-27
    assert first["decisions"] == [("D-0001", True)]


def test_second_evaluation_applies_the_decision_and_the_audit_expiry(runs):
    services = {s[0]: s[1:] for s in runs["second"]["services"]}
    assert services["svc-l2"] == (2, "suspended", "suspended by decision D-0002 of 2026-11-28: audit under review",
                                  False)
    assert services["svc-expiring"] == (
        1, "expired",
        "audit dated 2025-11-27 was in date until 2026-11-27 (365 days): UAL-3 lapsed, published at UAL-1", False)
    assert "svc-nocada" not in services
    assert runs["second"]["decisions"] == [("D-0001", True), ("D-0002", True)]


def test_withdrawn_revoked_service_stays_published_as_revoked(runs):
    services = {s[0]: s[1:] for s in runs["second"]["services"]}
    assert services["svc-us"] == (
        2, "revoked", "revoked by decision D-0001 of 2026-11-27: false statement of conformity", True)


def test_changes_against_the_previous_evaluation(runs):
    assert runs["second"]["changes"] == [
        ("svc-expiring", "changed", "open_source_status", "undeclared", "open_source"),
        ("svc-expiring", "changed", "status", "listed", "expired"),
        ("svc-expiring", "changed", "status_reason",
         "UAL-4 not reached: claimed_level_4 failed (claimed_level: 3)",
         "audit dated 2025-11-27 was in date until 2026-11-27 (365 days): UAL-3 lapsed, published at UAL-1"),
        ("svc-expiring", "changed", "ual", "3", "1"),
        ("svc-l2", "changed", "status", "listed", "suspended"),
        ("svc-l2", "changed", "status_reason", "UAL-3 not reached: claimed_level_3 failed (claimed_level: 2)",
         "suspended by decision D-0002 of 2026-11-28: audit under review"),
        ("svc-new", "added", "service", None, "Svc New"),
        ("svc-nocada", "removed", "service", "Svc Nocada", None),
    ]


def test_service_history_periods_after_two_evaluations(runs):
    assert runs["second"]["history"] == [
        ("svc-expiring", D27, D28, 3, "listed"),
        ("svc-expiring", D28, None, 1, "expired"),
        ("svc-full", D27, None, 4, "listed"),
        ("svc-l2", D27, D28, 2, "listed"),
        ("svc-l2", D28, None, 2, "suspended"),
        ("svc-new", D28, None, 0, "not_listed"),
        ("svc-nocada", D27, D28, 0, "not_listed"),
        ("svc-us", D27, None, 2, "revoked"),
    ]


def test_rerun_of_the_same_as_of_replaces_that_night(runs):
    second, rerun = runs["second"], runs["rerun"]
    assert rerun["states_per_date"] == [(D27, 5), (D28, 5)]
    assert rerun["states"] == second["states"]
    assert rerun["history"] == second["history"]
    assert rerun["changes"] == second["changes"]
    assert rerun["services"] == second["services"]


def test_backfill_adds_its_own_night_only(runs):
    rerun, backfill = runs["rerun"], runs["backfill"]
    # 11-26 sees today's inbox (no p-us, svc-new present) and no decision yet
    assert backfill["states_per_date"] == [(D26, 4), (D27, 5), (D28, 5)]
    assert [s for s in backfill["states"] if s[0] != D26] == rerun["states"]
    assert backfill["changes"] == []  # nothing earlier than 11-26 to compare with
    history = {(h[0], h[1]): h[2:] for h in backfill["history"]}
    assert history[("svc-full", D26)] == (None, 4, "listed")
    assert history[("svc-l2", D26)] == (D28, 2, "listed")
    # svc-new: present 11-26, absent 11-27, present 11-28 -> two periods
    assert history[("svc-new", D26)] == (D27, 0, "not_listed")
    assert history[("svc-new", D28)] == (None, 0, "not_listed")
