"""Check of a run's evaluation date, shared by the CLI and the nightly DAG (weights: `config.check_weights_version`)."""

from __future__ import annotations

import datetime as dt

from sealreg.config import today_utc
from sealreg.errors import SettingsError

__all__ = ["SettingsError", "check_as_of"]


def check_as_of(value: object, today: dt.date | None = None) -> dt.date:
    """An evaluation date: an ISO date (`YYYY-MM-DD`, or a date), not after today (UTC)."""
    if isinstance(value, dt.datetime) or not isinstance(value, (str, dt.date)):
        raise SettingsError(f"as_of must be an ISO date (YYYY-MM-DD), got {value!r}")
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            value = None
        if value is None:
            raise SettingsError("as_of must be an ISO date (YYYY-MM-DD)")
    today = today or today_utc()
    if value > today:
        raise SettingsError(f"as_of {value} is in the future (today is {today} UTC): a registry cannot "
                            "evaluate a day that has not happened")
    return value
