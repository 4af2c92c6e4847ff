"""Each check runs in one place (docs/validation.md, "Which check lives where"): the staging checks in the raw
gate, the mart checks the final gate makes not again as dbt data tests or check constraints, and the marts' keys
that dbt checks (a primary-key constraint or a key test) not again in the final gate."""

from __future__ import annotations

import re

import pytest

from expectations.checks import Check
from expectations.suites import frames_of
from sealreg.publish.contract import dbt_models


@pytest.fixture(scope="module")
def run_gate(gx_module):
    from expectations.runner import run_gate

    return run_gate


def _has(failures: list[str], *parts: str) -> bool:
    return any(all(p in f for p in parts) for f in failures)


def _column_tests(model: dict):
    """(column, test, arguments) of each column data test, and of each `check` constraint written as the test
    it stands for (`col between a and b`, `col >= a`, `col in ('x', ...)`)."""
    for column in model.get("columns") or []:
        for test in column.get("data_tests") or []:
            name, spec = (next(iter(test.items())) if isinstance(test, dict) else (test, {}))
            yield column["name"], name, (spec or {}).get("arguments") or {}
        for constraint in column.get("constraints") or []:
            if constraint["type"] == "check":
                yield column["name"], *_check_as_test(column["name"], constraint["expression"])


def _check_as_test(column: str, expression: str) -> tuple[str, dict]:
    if m := re.fullmatch(rf"{column} between (\S+) and (\S+)", expression):
        return "accepted_range", {"min_value": float(m[1]), "max_value": float(m[2])}
    if m := re.fullmatch(rf"{column} >= (\S+)", expression):
        return "accepted_range", {"min_value": float(m[1])}
    if m := re.fullmatch(rf"{column} in \((.*)\)", expression):
        return "accepted_values", {"values": re.findall(r"'([^']*)'", m[1])}
    return "check", {"expression": expression}  # a conditional check: no gate check has its shape


def _gate_makes(checks: list[Check], column: str, test: str, args: dict) -> bool:
    """True when one of the frame's checks is the dbt test `test(args)` on `column`, or stricter."""
    for check in checks:
        k = check.kwargs
        if k.get("column") != column:
            continue
        if test == "accepted_values" and check.expectation == "ExpectColumnValuesToBeInSet":
            if set(k["value_set"]) <= set(args["values"]):
                return True
        if test == "accepted_range" and check.expectation == "ExpectColumnValuesToBeBetween":
            lo, hi = args.get("min_value"), args.get("max_value")
            lo_ok = lo is None or (k.get("min_value") is not None and k["min_value"] >= lo)
            hi_ok = hi is None or (k.get("max_value") is not None and k["max_value"] <= hi)
            if lo_ok and hi_ok:
                return True
        if test == "not_null" and check.expectation == "ExpectColumnValuesToNotBeNull":
            return True
    return False


def _dbt_keys(model: dict):
    """The column sets dbt holds unique on every build: primary-key constraints (of the model or of a column),
    `unique` column tests and `unique_combination_of_columns` tests that fail the build (no `where`, not warn)."""
    def enforced(spec: dict) -> bool:
        config = spec.get("config") or {}
        return not config.get("where") and config.get("severity", "error").lower() != "warn"

    for constraint in model.get("constraints") or []:
        if constraint["type"] == "primary_key":
            yield frozenset(constraint["columns"])
    for test in model.get("data_tests") or []:
        name, spec = (next(iter(test.items())) if isinstance(test, dict) else (test, {}))
        spec = spec or {}
        if name == "unique_combination_of_columns" and enforced(spec):
            yield frozenset(spec["arguments"]["combination_of_columns"])
    for column in model.get("columns") or []:
        if any(c["type"] == "primary_key" for c in column.get("constraints") or []):
            yield frozenset([column["name"]])
        for test in column.get("data_tests") or []:
            name, spec = (next(iter(test.items())) if isinstance(test, dict) else (test, {}))
            if name == "unique" and enforced(spec or {}):
                yield frozenset([column["name"]])


def _is_key_check(check: Check) -> bool:
    """`unique` and `unique_together` checks: the column they compute is `duplicated <key>`."""
    return bool(check.sql) and str(check.kwargs.get("column", "")).startswith("duplicated ")


def test_staging_models_carry_no_data_tests_the_raw_gate_makes_them():
    staged = {name: model for name, model in dbt_models().items() if name.startswith("stg_raw__")}
    assert staged
    tests = {name: [*_column_tests(m), *(m.get("data_tests") or [])] for name, m in staged.items()}
    assert not {name: t for name, t in tests.items() if t}


def test_no_mart_data_test_or_check_constraint_repeats_a_final_gate_check():
    frames = {f.name: list(f.checks) for f in frames_of("final") if not f.derived}
    repeated = [(name, column, test) for name, model in dbt_models().items() if name in frames
                for column, test, args in _column_tests(model) if _gate_makes(frames[name], column, test, args)]
    assert not repeated


def test_no_final_gate_key_check_repeats_a_dbt_key_check():
    """A key dbt holds (its columns, or fewer of them: stricter) is not checked again by the final gate."""
    models = dbt_models()
    tables = [frame for frame in frames_of("final") if not frame.derived and frame.name in models]
    repeated = [(frame.name, check.kwargs["column"]) for frame in tables
                for check in frame.checks if _is_key_check(check)
                if any(key <= set(check.sources) for key in _dbt_keys(models[frame.name]))]
    assert not repeated


def test_raw_gate_catches_what_the_staging_tests_caught(run_gate, warehouse_with, tmp_path):
    sql = ";".join([
        "insert into raw.evidence select * from raw.evidence limit 1",
        "update raw.parents set controlled_by = null where position = 0",
        "update raw.certification_services set disclosure_id = null where service_id = 'alpha-compute'",
        "update raw.disclosures set file_name = null where provider_id = 'beta'",
    ])
    failures = run_gate("raw", warehouse_with(sql), tmp_path / "raw").failures
    assert _has(failures, "raw/evidence: expect_column_values_to_be_null(duplicated (disclosure_id, service_id, "
                          "criterion_id)) failed")
    assert _has(failures, "raw/parents: expect_column_values_to_not_be_null(controlled_by) failed")
    assert _has(failures, "raw/certification_services: expect_column_values_to_not_be_null(disclosure_id) failed")
    assert _has(failures, "raw/disclosures: expect_column_values_to_not_be_null(file_name) failed",
                "disclosure_id=beta")
