"""Turn GX validation results into short sentences and a JSON summary (no GX import needed)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

MAX_EXAMPLES = 5


def _clean(value: Any) -> Any:
    """NaN -> None, integral floats -> int, lists recursively; for readable examples."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return int(value)
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _exception_message(info: Any) -> str | None:
    """First exception message in a GX `exception_info` (flat or keyed by metric)."""
    if not isinstance(info, dict):
        return None
    candidates = [info] + [v for v in info.values() if isinstance(v, dict)]
    for item in candidates:
        if item.get("raised_exception") or item.get("exception_message"):
            msg = str(item.get("exception_message") or "exception")
            return msg.strip().splitlines()[0][:300]
    return None


def _examples(result: dict[str, Any], index_columns: list[str]) -> str:
    indexed = result.get("partial_unexpected_index_list") or []
    plain = _clean(list(result.get("partial_unexpected_list") or []))
    if indexed and isinstance(indexed[0], dict) and index_columns:
        items = []
        for i, row in enumerate(indexed[:MAX_EXAMPLES]):
            keys = ", ".join(f"{c}={_clean(row.get(c))}" for c in index_columns if c in row)
            rest = {k: _clean(v) for k, v in row.items() if k not in index_columns}
            if len(rest) == 1:
                value = next(iter(rest.values()))
            elif rest:
                value = list(rest.values())
            else:  # the checked column is a key column: show the value itself
                value = plain[i] if i < len(plain) else None
            items.append(f"{value!r} ({keys})")
        return "[" + ", ".join(items) + "]"
    return repr(plain[:MAX_EXAMPLES])


def failure_detail(result: dict[str, Any], index_columns: list[str]) -> str:
    """The part after 'failed:' in a failure sentence."""
    res = result.get("result") or {}
    if "unexpected_count" in res:
        n = res["unexpected_count"]
        noun = "unexpected value" if n == 1 else "unexpected values"
        return f"{n} {noun}, e.g. {_examples(res, index_columns)}"
    mismatched = (res.get("details") or {}).get("mismatched")
    if isinstance(mismatched, dict) and mismatched.get("missing"):
        return f"missing columns {sorted(mismatched['missing'])}"
    if "observed_value" in res:
        return f"observed {_clean(res['observed_value'])!r}"
    return "no result"


def sentence(layer: str, frame: str, result: dict[str, Any], index_columns: list[str]) -> str:
    """'final/services: expect_column_values_to_be_between(seal 0..4) failed: 2 unexpected values, e.g. ...'."""
    cfg = result.get("expectation_config") or {}
    meta = cfg.get("meta") or {}
    head = f"{layer}/{frame}: {cfg.get('type')}({meta.get('args', '')})"
    error = _exception_message(result.get("exception_info"))
    if error:
        text = f"{head} could not be evaluated: {error}"
    else:
        text = f"{head} failed: {failure_detail(result, index_columns)}"
    if meta.get("hint"):
        text += f" -- {meta['hint']}"
    return text


def write_summary(path: Path, payload: dict[str, Any]) -> Path:
    """Write the gate's JSON summary (sorted keys, UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True, default=str, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path
