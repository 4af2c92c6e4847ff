"""Fixtures of the ingestion tests: the disclosure factory module and a fresh RunContext."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from sealreg.config import RunContext

_spec = importlib.util.spec_from_file_location(
    "sealreg_tests_disclosure_factory", Path(__file__).with_name("disclosure_factory.py")
)
factory_module: ModuleType = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(factory_module)


@pytest.fixture(scope="session")
def factory() -> ModuleType:
    """The disclosure_factory module: `factory.disclosure()`, `factory.to_bytes()`, `factory.AS_OF`."""
    return factory_module


@pytest.fixture
def ctx(tmp_path: Path) -> RunContext:
    """A run context with an empty inbox and home under tmp_path."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return RunContext.create(home=tmp_path / "home", inbox=inbox, as_of=factory_module.AS_OF, run_id="test-run")
