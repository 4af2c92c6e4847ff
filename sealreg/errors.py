"""The package's two shapes of error: `SealregError`, the root of every exception it raises on purpose,
and `Problem`, one coded, located reason a file (a disclosure, a reference file, a release) is refused,
returned as a value by the validators and `verify`, printed by the CLI and written to the quarantine."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_PLAIN_NAME = re.compile(r"[A-Za-z0-9/._+@~,-]+")


class SealregError(Exception):
    """Root of the package's exceptions: a refusal or failure whose text tells the user what and why.
    Each subclass also derives from the builtin it refines (ValueError, RuntimeError)."""


class SettingsError(SealregError, ValueError):
    """A run setting is invalid; nothing was started."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A rule a file breaks: `code` (E0xx disclosure-v1, R0xx references, V0xx verify), the `file`, the
    `path` inside it (JSON path `$.services[0].answers.SOV-1.1`, `row N, column NAME`, or `$`) and the
    `message`, the reason in words."""

    file: str
    code: str
    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """The record of a quarantine `.errors.json` entry and of `--json` output."""
        return {"code": self.code, "path": self.path, "message": self.message, "file": self.file}

    def line(self) -> str:
        """The one-line form the CLI prints: `FILE: CODE PATH: message`, FILE quoted unless plain."""
        return f"{quote_name(self.file)}: {self.code} {self.path}: {self.message}"


def quote_name(name: str) -> str:
    """`name` as it is when it holds only letters, digits and `/._+-@~,`; else as a JSON (ASCII) string, so
    no file name can start a line, add one or pose as another problem."""
    return name if _PLAIN_NAME.fullmatch(name) else json.dumps(name, ensure_ascii=True)
