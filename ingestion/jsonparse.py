"""Strict JSON decoding: size, UTF-8 (BOM stripped), duplicate keys, NaN/Infinity, depth, lone surrogates."""

from __future__ import annotations

import json
import math
import re

from ingestion.problems import child, json_type
from ingestion.rulebook import MAX_DEPTH, MAX_FILE_BYTES

Issue = tuple[str, str, str]  # (code, path, message)

_BOM = b"\xef\xbb\xbf"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_BIG_EXPONENT = re.compile(r"[eE][+-]?[0-9]{3,}")


class _DupDict(dict):
    """A parsed object that had repeated keys: the repeats are kept aside so they can be reported."""

    __slots__ = ("duplicates",)


class _BadConstant(ValueError):
    pass


def _pairs(pairs: list[tuple[str, object]]) -> dict:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    dup = _DupDict()
    seen: set[str] = set()
    dup.duplicates = sorted({k for k, _ in pairs if k in seen or seen.add(k)})
    for k, v in pairs:  # the first occurrence wins, but the file is rejected anyway
        dup.setdefault(k, v)
    return dup


def _constant(name: str) -> float:
    raise _BadConstant(name)


def too_big(size: int) -> Issue:
    """E015 for a file of `size` bytes, over the per-file limit."""
    return ("E015", "$", f"file is {size} bytes; the limit is {MAX_FILE_BYTES} ({MAX_FILE_BYTES >> 20} MiB)")


def parse_json(data: bytes) -> tuple[object, list[Issue]]:
    """Parse `data`; any issue (E001/E015) means the value must not be used."""
    if len(data) > MAX_FILE_BYTES:
        return None, [too_big(len(data))]
    data = data.removeprefix(_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [("E001", "$", f"not valid UTF-8 (byte offset {exc.start}); save the file as UTF-8")]
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except _BadConstant as exc:
        return None, [("E001", "$", f"{exc} is not valid JSON; numbers must be finite")]
    except RecursionError:
        return None, [("E015", "$", f"nested too deep (limit {MAX_DEPTH} levels)")]
    except json.JSONDecodeError as exc:
        return None, [("E001", "$", _decode_error(text, exc))]
    except ValueError:  # integers over the interpreter's digit limit (4300)
        return None, [("E001", "$", "not valid JSON: a number has too many digits")]
    if not isinstance(value, dict):
        return None, [("E001", "$", f"the document must be a JSON object, got {json_type(value)}")]
    deep = bool(_SURROGATE_ESCAPE.search(text) or _BIG_EXPONENT.search(text))
    issues = _scan(value, deep) if deep or not _fast_scan_ok(value) else []
    return (None if issues else value), issues


def decode_accepted(data: bytes) -> object:
    """The value of bytes that `parse_json` accepted, decoded without its checks (the same value: it accepts
    no duplicate key, non-finite number or lone surrogate, where the plain decoder would differ)."""
    return json.loads(data.removeprefix(_BOM).decode("utf-8"))


def _decode_error(text: str, exc: json.JSONDecodeError) -> str:
    """The E001 message of a parser error in plain words; a file cut short says so, with where it ends."""
    body = text.rstrip()
    if not body:
        return "the file is empty; send the complete disclosure"
    if exc.pos >= len(body) or exc.msg.startswith("Unterminated string"):  # no closing quote before the end
        line = body.count("\n") + 1
        column = len(body) - (body.rfind("\n") + 1)
        return (f"the file ends early, after line {line} column {column}, before the JSON document is complete; "
                "it may have been cut off while saving or uploading: send the complete file")
    return f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"


def _fast_scan_ok(root: object) -> bool:
    """True if no container is deeper than the limit or has duplicate keys (no paths built: the common case)."""
    stack: list[tuple[object, int]] = [(root, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH or type(value) is _DupDict:
            return False
        for item in value.values() if isinstance(value, dict) else value:
            if isinstance(item, (dict, list)):
                stack.append((item, depth + 1))
    return True


def _scan(root: object, deep: bool) -> list[Issue]:
    """One iterative pass over containers: depth limit, duplicate keys and (if `deep`) bad scalars."""
    issues: list[Issue] = []
    stack: list[tuple[object, str, int]] = [(root, "$", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = ((i, v) for i, v in enumerate(value))
        else:
            if deep and _bad_scalar(value):
                issues.append(("E001", path, _bad_scalar(value)))
            continue
        if depth > MAX_DEPTH:
            return [("E015", path, f"nested too deep (limit {MAX_DEPTH} levels)")]
        if isinstance(value, _DupDict):
            for key in value.duplicates:
                issues.append(("E001", child(path, key), "duplicate key; each key may appear once"))
        for key, item in items:
            if isinstance(key, str):
                if deep and _bad_scalar(key):
                    issues.append(("E001", child(path, key), _bad_scalar(key)))
                sub = child(path, key)
            else:
                sub = f"{path}[{key}]"
            if deep or isinstance(item, (dict, list)):
                stack.append((item, sub, depth + 1))
    return issues


def _bad_scalar(value: object) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return "number too large to be represented"
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "string contains an unpaired UTF-16 surrogate escape"
    return None
