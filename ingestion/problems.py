"""Building ingestion's problems (`sealreg.errors.Problem`): codes, JSON paths, value renderings, and the
merged, capped list a file gets."""

from __future__ import annotations

import json
import re

from sealreg.errors import Problem

MAX_PROBLEMS_PER_FILE = 100
CODES = tuple(f"E{n:03d}" for n in range(1, 23))
INTERNAL_ERROR = "E018"  # the validator itself failed on the file: reported, logged with its traceback

_INDEX = re.compile(r"\[(\d+)\]")
_SAFE_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


def child(path: str, key: str) -> str:
    """Path of `key` inside the object at `path`; odd keys are quoted (JSON, ASCII) so paths stay one line."""
    if _SAFE_KEY.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{show(key)}]"


def show(value: object, limit: int = 60) -> str:
    """Short, single-line, ASCII rendering of a submitted value for messages."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[:limit] + "..."
        return json.dumps(text, ensure_ascii=True)
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        text = json.dumps(value) if not isinstance(value, int) or abs(value) < 10**30 else "a huge integer"
        return text
    return f"an {json_type(value)}" if isinstance(value, (dict, list)) else "a value"


def json_type(value: object) -> str:
    """JSON type name of a parsed value (bool is not a number)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null" if value is None else type(value).__name__


def _path_key(path: str) -> str:
    return _INDEX.sub(lambda m: f"[{int(m.group(1)):010d}]", path)


def finalize(problems: list[Problem], cap: int = MAX_PROBLEMS_PER_FILE) -> list[Problem]:
    """One problem per (file, code, path) (messages joined), sorted by file, path (numeric indices), code;
    at most `cap` per file."""
    merged: dict[tuple[str, str, str], set[str]] = {}
    for p in problems:
        merged.setdefault((p.file, p.code, p.path), set()).add(p.message)
    ordered = sorted(merged, key=lambda k: (k[0], _path_key(k[2]), k[1]))
    out: list[Problem] = []
    counts: dict[str, int] = {}
    for file, code, path in ordered:
        n = counts.get(file, 0)
        if n < cap:
            out.append(Problem(file, code, path, "; ".join(sorted(merged[file, code, path]))))
        counts[file] = n + 1
    return out
