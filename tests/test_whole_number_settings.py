"""Every whole-number setting read from the environment goes through config.whole_number_from_env: one
rule (ASCII digits, a minimum) and one message naming the variable, what it counts and the value found."""

from __future__ import annotations

import pytest

from ingestion.rulebook import MAX_SERVICES_PER_RUN, max_services_per_run
from sealreg.config import DEFAULT_KEEP_DAYS, default_keep_days, site_workers_from_env
from sealreg.errors import SettingsError

READERS = [  # (variable, reader, value when unset, minimum, unit)
    ("SEALREG_KEEP_DAYS", default_keep_days, DEFAULT_KEEP_DAYS, 0, "days"),
    ("SEALREG_SITE_WORKERS", site_workers_from_env, None, 1, "processes"),
    ("SEALREG_MAX_SERVICES_PER_RUN", max_services_per_run, MAX_SERVICES_PER_RUN, 1, "services"),
]


@pytest.mark.parametrize(("name", "reader", "unset", "minimum", "unit"), READERS)
def test_unset_blank_and_whole_numbers(monkeypatch, name, reader, unset, minimum, unit):
    monkeypatch.delenv(name, raising=False)
    assert reader() == unset
    monkeypatch.setenv(name, "  ")
    assert reader() == unset
    monkeypatch.setenv(name, f" {minimum + 2} ")
    assert reader() == minimum + 2


@pytest.mark.parametrize(("name", "reader", "unset", "minimum", "unit"), READERS)
@pytest.mark.parametrize("bad", ["soon", "-1", "+3", "1.5", "1e3", "0x10", "\u0663", "\u00b2", "9" * 5000, "below"])
def test_anything_else_is_refused_with_one_message(monkeypatch, name, reader, unset, minimum, unit, bad):
    bad = str(minimum - 1) if bad == "below" else bad
    monkeypatch.setenv(name, bad)
    with pytest.raises(SettingsError) as refused:
        reader()
    shown = repr(bad) if len(bad) <= 40 else f"'{'9' * 40}' (and 4960 more characters)"
    assert str(refused.value) == f"{name} must be a whole number of {unit} ({minimum} or more), got {shown}"
