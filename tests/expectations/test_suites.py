"""Suite definitions without GX: every expectation names its rule; the package imports GX lazily."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from expectations.docs import render_markdown
from expectations.suites import describe_suites, frames_of

REPO = Path(__file__).resolve().parents[2]


def test_every_expectation_names_the_rule_it_guards():
    rows = describe_suites()
    assert {r["layer"] for r in rows} == {"raw", "final"}
    assert all(r["rule"] and r["expectation"].startswith("expect_") for r in rows)
    assert len(rows) > 150


def test_required_checks_are_present():
    rows = describe_suites()
    have = {(r["layer"], r["frame"], r["expectation"], r["args"]) for r in rows}
    for needed in [
        ("final", "services", "expect_column_values_to_be_between", "seal 0..4"),
        ("final", "services", "expect_column_values_to_be_between", "ual 0..4"),
        ("final", "rows_per_service", "expect_column_values_to_be_between", "n_objectives = 8"),
        ("final", "rows_per_service", "expect_column_values_to_be_between", "n_criteria = 48"),
        ("final", "seal_recomputed", "expect_column_pair_values_to_be_equal", "seal_own = min_objective_seal"),
        ("final", "dependency_caps_applied", "expect_column_pair_values_to_be_equal", "seal = seal_recomputed"),
        ("final", "history_open_periods", "expect_column_values_to_be_between", "open_periods 0..1"),
        ("raw", "disclosures", "expect_column_values_to_be_null", "duplicated disclosure_id"),
        ("raw", "answers_per_service", "expect_column_values_to_be_between", "n_answers = 48"),
    ]:
        assert needed in have, needed


def test_frame_names_are_unique_per_layer():
    for layer in ("raw", "final"):
        names = [f.name for f in frames_of(layer)]
        assert len(names) == len(set(names))


def test_importing_the_package_does_not_import_gx():
    code = "import expectations, sys; expectations.describe_suites(); print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


def test_docs_validation_md_is_up_to_date():
    doc = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
    assert doc == render_markdown(), "regenerate: .venv/bin/python -m expectations.docs"
