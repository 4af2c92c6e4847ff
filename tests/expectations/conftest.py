"""Fixtures for the GX gate tests: GX imported once, one good warehouse built once per session."""

from __future__ import annotations

import importlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.expectations.warehouse_factory import build_warehouse, corrupt


@pytest.fixture(scope="module")
def gx_module():
    """great_expectations, imported once per test module (the import takes seconds)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    started = time.perf_counter()
    gx = importlib.import_module("great_expectations")
    gx.import_seconds = round(time.perf_counter() - started, 2)
    return gx


@pytest.fixture(scope="session")
def good_warehouse(tmp_path_factory) -> Path:
    """A consistent warehouse (raw tables + contract marts); never modified by tests."""
    return build_warehouse(tmp_path_factory.mktemp("good") / "warehouse.duckdb")


@pytest.fixture
def warehouse_with(good_warehouse: Path, tmp_path: Path) -> Callable[[str], Path]:
    """Copy of the good warehouse with `sql` applied (read-write, connection closed afterwards)."""

    def make(sql: str) -> Path:
        path = tmp_path / "warehouse.duckdb"
        shutil.copy(good_warehouse, path)
        return corrupt(path, sql) if sql else path

    return make
