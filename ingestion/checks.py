"""Building blocks of the validator: a problem collector with typed field accessors."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection

from ingestion.iso3166 import ALPHA2
from ingestion.problems import child, json_type, show
from ingestion.text import text_problem
from sealreg.errors import Problem

TIMESTAMP = re.compile(  # RFC 3339 date-time with zone (also the JSON Schema pattern)
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))"
)
_LAST_MICROSECOND = dt.timedelta(microseconds=999_999)
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: An unknown key this close to a known one (difflib ratio) is named as the likely typo; longer keys are not compared.
NEAR_KEY_CUTOFF = 0.75
MAX_NEAR_KEY = 64


def parse_timestamp(text: str) -> dt.datetime | None:
    """RFC 3339 date-time with zone -> naive UTC datetime, or None if malformed or impossible.

    Fractions of any length are truncated to microseconds. A leap second (`:60`, only at 23:59 UTC) is taken
    as the last microsecond of its minute, so it sorts after :59 and before the next minute."""
    m = TIMESTAMP.fullmatch(text)
    if not m:
        return None
    y, mo, d, h, mi, s, frac, z, sign, oh, om = m.groups()
    leap = s == "60"
    try:
        local = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), 59 if leap else int(s),
                            0 if leap else int((frac or "0")[:6].ljust(6, "0")))
        if z:
            offset = dt.timedelta(0)
        else:
            if int(oh) > 23 or int(om) > 59:
                return None
            offset = (1 if sign == "+" else -1) * dt.timedelta(hours=int(oh), minutes=int(om))
        utc = local - offset
    except (ValueError, OverflowError):
        return None
    if leap and (utc.hour, utc.minute) != (23, 59):
        return None
    return utc + _LAST_MICROSECOND if leap else utc


def parse_date(text: str) -> dt.date | None:
    """Strict ISO calendar date YYYY-MM-DD, or None."""
    if not DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def unknown_field(key: str, known: Collection[str]) -> str:
    """The E004 message: the near known field when there is one (`evidnce` -> did you mean "evidence"?)."""
    near = difflib.get_close_matches(key, known, n=1, cutoff=NEAR_KEY_CUTOFF) if len(key) <= MAX_NEAR_KEY else []
    if near:
        return f"unknown field; did you mean {show(near[0])}? (see disclosure-v1)"
    return "unknown field (check the spelling; see disclosure-v1)"


class Checker:
    """Collects the problems of one file; accessors return the value if it has the right type, else None."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.horizon: dt.date | None = None  # latest date compared with the evaluation date (see `after`)

    def after(self, day: dt.date, as_of: dt.date) -> bool:
        """`day > as_of`, remembering `day`: the outcome of a file whose compared dates are all <= as_of does
        not depend on as_of (the incremental ingest reuses it for any later evaluation date, ingestion/cache.py).
        Every comparison of a file's content with the evaluation date must go through here."""
        if self.horizon is None or day > self.horizon:
            self.horizon = day
        return day > as_of

    def add(self, code: str, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, code, path, message))

    def wrong_type(self, path: str, expected: str, value: object) -> None:
        self.add("E005", path, f"must be {expected}, got {json_type(value)}")

    def obj(self, value: object, path: str, required: Collection[str], optional: Collection[str] = ()) -> dict | None:
        """An object with exactly these keys: E005 if not an object, E004 unknown keys, E003 missing ones."""
        if not isinstance(value, dict):
            self.wrong_type(path, "an object", value)
            return None
        for key in value:
            if key not in required and key not in optional:
                self.add("E004", child(path, key), unknown_field(key, [*required, *optional]))
        for key in required:
            if key not in value:
                self.add("E003", child(path, key), "required field is missing")
        return value

    def array(self, d: dict, key: str, path: str, min_items: int = 0) -> list | None:
        if key not in d:
            return None
        value = d[key]
        if not isinstance(value, list):
            self.wrong_type(path, "an array", value)
            return None
        if len(value) < min_items:
            self.add("E006", path, f"must list at least {min_items} item(s)")
        return value

    def string(self, d: dict, key: str, path: str) -> str | None:
        if key not in d:
            return None
        value = d[key]
        if not isinstance(value, str):
            self.wrong_type(path, "a string", value)
            return None
        return value

    def boolean(self, d: dict, key: str, path: str) -> bool | None:
        if key not in d:
            return None
        value = d[key]
        if not isinstance(value, bool):
            self.wrong_type(path, "true or false", value)
            return None
        return value

    def integer(self, d: dict, key: str, path: str, lo: int, hi: int) -> int | None:
        """An integer (not a boolean, not 3.0) in [lo, hi]."""
        if key not in d:
            return None
        value = d[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type(path, "an integer", value)
            return None
        if not lo <= value <= hi:
            self.add("E006", path, f"{show(value)} is out of range {lo}..{hi}")
            return None
        return value

    def number(self, d: dict, key: str, path: str, lo: float, hi: float) -> float | None:
        """A number (integer or decimal, not a boolean) in [lo, hi]."""
        if key not in d:
            return None
        value = d[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.wrong_type(path, "a number", value)
            return None
        if not lo <= value <= hi:
            self.add("E006", path, f"{show(value)} is out of range {lo:g}..{hi:g}")
            return None
        return float(value)

    def pattern(self, d: dict, key: str, path: str, regex: re.Pattern, what: str) -> str | None:
        value = self.string(d, key, path)
        if value is not None and not regex.fullmatch(value):
            self.add("E006", path, f"{show(value)} is not a valid {what}")
            return None
        return value

    def enum(self, d: dict, key: str, path: str, allowed: Collection[str]) -> str | None:
        value = self.string(d, key, path)
        if value is not None and value not in allowed:
            self.add("E006", path, f"{show(value)} is not one of {', '.join(sorted(allowed))}")
            return None
        return value

    def text(self, d: dict, key: str, path: str, max_len: int, multiline: bool = False) -> str | None:
        """Text of at most `max_len` characters that `text_problem` accepts (no hidden characters, no leading
        formula character); non-blank unless `multiline` (free notes, which may also hold line breaks and tabs)."""
        value = self.string(d, key, path)
        if value is None:
            return None
        if not multiline and not value.strip():
            self.add("E006", path, "must not be empty")
        elif len(value) > max_len:
            self.add("E006", path, f"is {len(value)} characters long; the limit is {max_len}")
        elif why := text_problem(value, multiline):
            self.add("E006", path, why)
        else:
            return value
        return None

    def country(self, d: dict, key: str, path: str) -> str | None:
        value = self.string(d, key, path)
        if value is not None and value not in ALPHA2:
            self.add("E007", path, f"{show(value)} is not an ISO 3166-1 alpha-2 country code (upper case, e.g. SE)")
            return None
        return value

    def date(self, d: dict, key: str, path: str) -> dt.date | None:
        """An ISO date; a malformed or impossible date (2026-02-30) is E006."""
        value = self.string(d, key, path)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.add("E006", path, f"{show(value)} is not a valid date (YYYY-MM-DD)")
        return parsed
