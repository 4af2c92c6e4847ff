"""The only module that imports great_expectations: one ephemeral context per gate run."""

from __future__ import annotations

import copy
import importlib
import os
import sys
import types
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd

from expectations.checks import Check, Frame


@dataclass
class FrameOutcome:
    """GX results of one frame, as plain JSON dicts, plus the statistics GX reported."""

    frame: Frame
    rows: int
    results: list[dict[str, Any]]
    statistics: dict[str, Any]
    index_columns: list[str]


#: Libraries GX's modules import at start-up only for expectations the gates never use (KL divergence,
#: KS tests and their charts): GX gets a stand-in that imports the library on first use.
DEFERRED_IMPORTS = ("scipy.stats", "altair")
#: Optional GX dependency for SQL data sources (the gates validate pandas frames): if nothing imported it
#: yet, GX starts as without it installed.
SQL_LIBRARY = "sqlalchemy"


class DeferredModule(types.ModuleType):
    """Stands in for a module while GX is imported; the first attribute asked for imports the real one."""

    def __getattr__(self, name: str):
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def import_gx():
    """Import great_expectations with analytics off (unless the caller set GX_ANALYTICS_ENABLED), without
    importing DEFERRED_IMPORTS and SQL_LIBRARY (about half of GX's import time) unless already imported.

    The stand-ins live only in the GX modules that hold them: afterwards `import scipy.stats`,
    `import altair` or `import sqlalchemy` elsewhere import the real library, as before."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    if "great_expectations" in sys.modules:
        return sys.modules["great_expectations"]
    installed = [name for name in (*DEFERRED_IMPORTS, SQL_LIBRARY) if name not in sys.modules]
    for name in installed:
        sys.modules[name] = None if name == SQL_LIBRARY else DeferredModule(name)
    try:
        import great_expectations as gx
    finally:
        for name in installed:
            stand_in = sys.modules.get(name, False)
            if stand_in is None or isinstance(stand_in, DeferredModule):
                del sys.modules[name]
    return gx


#: GX fingerprints each batch DataFrame smaller than this many bytes (an md5 over pandas' hash of every row) for
#: the batch markers of a suite result, which the gates never read; 0: never fingerprinted.
BATCH_FINGERPRINT_BYTES = 0


def tune_gx() -> None:
    """Set GX's pandas engine to skip the batch fingerprint (BATCH_FINGERPRINT_BYTES), let
    `configurations_built_once` cache `Expectation.configuration` and `ExpectationConfiguration.to_domain_obj`,
    and let GX's metric ids take plain JSON kwargs as they are (`_plain_as_is`); all idempotent."""
    from great_expectations.core import id_dict
    from great_expectations.execution_engine import pandas_execution_engine
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    pandas_execution_engine.HASH_THRESHOLD = BATCH_FINGERPRINT_BYTES
    if not getattr(id_dict.convert_to_json_serializable, "plain_as_is", False):
        id_dict.convert_to_json_serializable = _plain_as_is(id_dict.convert_to_json_serializable)
    if not getattr(Expectation.configuration.fget, "built_once", False):
        Expectation.configuration = property(_built_once(Expectation.configuration.fget),
                                             doc=Expectation.configuration.__doc__)
    if not getattr(ExpectationConfiguration.to_domain_obj, "built_once", False):
        ExpectationConfiguration.to_domain_obj = _built_once(ExpectationConfiguration.to_domain_obj)


def is_plain_json(value: Any) -> bool:
    """`value` is made only of str, int, bool, None, non-NaN floats, and lists, tuples and dicts (str keys) of
    them: what GX's `convert_to_json_serializable` returns unchanged but for tuples as lists (NaN: None)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return value == value
    if kind is dict:
        return all(type(key) is str and is_plain_json(item) for key, item in value.items())
    if kind is list or kind is tuple:
        return all(is_plain_json(item) for item in value)
    return False


def _plain_as_is(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """GX's `convert_to_json_serializable` for `IDDict.to_id`, which hashes `json.dumps` of what it returns: plain
    JSON (`is_plain_json`) is returned as it is (same JSON text, so the same metric ids) instead of walked by
    GX's type cascade (~10 isinstance and numpy dtype tests per value, for the ~10k metric ids of a 10k night)."""

    def convert_plain_as_is(data):
        return data if is_plain_json(data) else convert(data)

    convert_plain_as_is.plain_as_is = True
    return convert_plain_as_is


#: While `configurations_built_once` is active: id(expectation or configuration) -> (it, what it built).
_configurations: dict[int, tuple[Any, Any]] | None = None


def _built_once(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`build` (`Expectation.configuration`, `ExpectationConfiguration.to_domain_obj`) that, inside
    `configurations_built_once`, runs once per object. GX reads an expectation's configuration ~80 times per
    expectation and validation (every kwarg lookup rebuilds it from the pydantic fields) and turns each
    configuration back into an expectation object once per metric it asks for (~7 per check); the objects are
    built from the suite's configurations and not changed while validating (GX sets a copy's `batch_id`
    before its first `to_domain_obj`), and no reader changes what it gets."""

    def built(self):
        cache = _configurations
        if cache is None:
            return build(self)
        hit = cache.get(id(self))
        if hit is None:
            hit = cache[id(self)] = (self, build(self))  # holds `self`, so its id is not reused meanwhile
        return hit[1]

    built.built_once = True
    return built


@contextmanager
def configurations_built_once() -> Iterator[None]:
    """Within the block, each GX expectation object builds its configuration once, and each configuration its
    expectation object (see `_built_once`); the cache is dropped on leaving it."""
    global _configurations
    _configurations = {}
    try:
        yield
    finally:
        _configurations = None


def make_context(gx):
    """Ephemeral context, progress bars off, no Data Docs site (the report is rendered by report_html)."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def make_expectation(gx, check: Check, meta: dict[str, Any]):
    """GX expectation object for `check`; the rule goes to `meta` and to `notes` (shown in Data Docs)."""
    cls = getattr(gx.expectations, check.expectation)
    return cls(**check.kwargs, meta=meta, notes=check.rule)


#: GX's result format for the first pass over a frame: success, unexpected count and up to 20 values.
COUNTS_FORMAT = "BASIC"
#: ... and for the checks that failed it: also the keys of the unexpected rows and the value counts, which the
#: failure sentences and the report show.
EXAMPLES_FORMAT = "SUMMARY"


class GateValidator:
    """One ephemeral GX context and pandas data source for one gate run; validates frame after frame.

    GX's Data Docs are not built: they load assets from public CDNs, which a release must not (the
    runner renders the report itself, `expectations/report_html.py`).
    """

    def __init__(self, layer: str):
        self.layer = layer
        self.gx = import_gx()
        tune_gx()
        self.ctx = make_context(self.gx)
        self.source = self.ctx.data_sources.add_pandas(name=f"sealreg_{layer}")
        # One data asset and batch definition for every frame of the gate: each frame's rows come in as
        # batch parameters, and the batch cache is dropped after each chunk. (GX serialises the whole
        # context configuration on each asset or batch definition it adds: one pair per frame cost
        # ~35 ms a frame, growing with the frames already added.)
        self.batch_definition = self.source.add_dataframe_asset(name="frame").add_batch_definition_whole_dataframe(
            "whole")

    def suite(self, frame: Frame, only: Collection[int] | None = None):
        """The frame's suite: one GX expectation per check (or per check index in `only`), `meta` naming the
        rule, check index and arguments.

        Not added to the context's store (nothing reads it back; adding costs a serialisation per expectation)."""
        gx = self.gx
        expectations = []
        for i, check in enumerate(frame.checks):
            if only is not None and i not in only:
                continue
            meta = {"rule": check.rule, "check": i, "args": check.label}
            if check.hint:
                meta["hint"] = check.hint
            expectations.append(make_expectation(gx, check, meta))
        return gx.ExpectationSuite(name=f"{self.layer}.{frame.name}", expectations=expectations)

    def validate(self, frame: Frame, read: Callable[..., Iterable[pd.DataFrame]]) -> FrameOutcome:
        """Validate every row of `frame` (`read()` delivers them in chunks); results merged over chunks.

        Every check is evaluated with COUNTS_FORMAT; the checks that fail are evaluated again over a
        second read, `read(in_order=True)` (the rows in the same order on every run, so the same examples),
        with EXAMPLES_FORMAT, and their results replace the first ones, so a failure is reported exactly as
        if every check had asked GX for its examples.
        """
        results, rows, index_columns = self._run(frame, self.suite(frame), read(), COUNTS_FORMAT)
        failed = [_check_index(r) for r in results if not r.get("success")]
        if failed:
            again, _, _ = self._run(frame, self.suite(frame, failed), read(in_order=True), EXAMPLES_FORMAT)
            by_check = {_check_index(r): r for r in again}
            results = [by_check.get(_check_index(r), r) for r in results]
        return FrameOutcome(frame, rows, results, statistics_of(results), index_columns)

    def _run(self, frame: Frame, suite, chunks: Iterable[pd.DataFrame], result_format: str):
        """(results merged over `chunks`, rows, index columns) of `suite`.

        Each chunk is validated by GX's validator on the batch definition (what a validation definition
        runs, without a checkpoint or a results store: they add per-run overhead and store results
        nobody reads) and dropped from GX's batch cache right after, so GX holds one chunk at a time.
        """
        from great_expectations.validator.v1_validator import Validator

        batch_definition = self.batch_definition
        parts: list[list[dict[str, Any]]] = []
        rows = 0
        index_columns: list[str] = []
        for df in chunks:
            if not parts:
                index_columns = [c for c in frame.keys if c in df.columns]
            options: dict[str, Any] = {"result_format": result_format}
            if index_columns and result_format == EXAMPLES_FORMAT:
                options["unexpected_index_column_names"] = index_columns
            rows += len(df)
            validator = Validator(batch_definition=batch_definition, batch_parameters={"dataframe": df},
                                  result_format=options)
            with configurations_built_once():
                outcome = validator.validate_expectation_suite(suite)
            # each result as JSON (what the suite result's `to_json_dict` lists, without deep-copying the
            # whole suite result and serialising its batch metadata first)
            parts.append(sorted((r.to_json_dict() for r in outcome.results), key=_check_index))
            del df, validator, outcome
            self._drop_cached_batches()
        return merge_results(parts, rows), rows, index_columns

    def _drop_cached_batches(self) -> None:
        """GX's execution engine caches every batch's DataFrame for the life of the context: drop them."""
        batches = self.source.get_execution_engine().batch_manager
        batches.batch_data_cache.clear()
        batches.reset_batch_cache()


def _check_index(result: dict[str, Any]) -> int:
    return (result.get("expectation_config") or {}).get("meta", {}).get("check", 0)


# GX reports at most this many unexpected values per expectation in its SUMMARY format; merged chunks too.
PARTIAL_MAX = 20
_SUMMED = ("element_count", "missing_count", "unexpected_count")
_LISTED = ("partial_unexpected_list", "partial_unexpected_index_list", "partial_unexpected_counts")


def merge_results(parts: list[list[dict[str, Any]]], rows: int) -> list[dict[str, Any]]:
    """One result per expectation from its results over the chunks of a frame.

    Row-level expectations: success if every chunk succeeded, counts summed, unexpected examples
    concatenated (at most PARTIAL_MAX), the first exception kept. Table-level expectations see every
    chunk's columns; the row-count one is decided again on the frame's total `rows`.
    """
    merged: list[dict[str, Any]] = []
    for i, first in enumerate(parts[0]):
        out = copy.deepcopy(first)
        cfg = out.get("expectation_config") or {}
        if cfg.get("type") == "expect_table_row_count_to_be_between":
            kwargs = cfg.get("kwargs") or {}
            lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
            out["result"] = {"observed_value": rows}
            out["success"] = (lo is None or rows >= lo) and (hi is None or rows <= hi)
            merged.append(out)
            continue
        res = out.setdefault("result", {})
        for part in parts[1:]:
            other = part[i]
            out["success"] = bool(out.get("success")) and bool(other.get("success"))
            info = other.get("exception_info") or {}
            if not _raised(out.get("exception_info")) and _raised(info):
                out["exception_info"] = info
            o = other.get("result") or {}
            for key in _SUMMED:
                if key in res or key in o:
                    res[key] = int(res.get(key) or 0) + int(o.get(key) or 0)
            for key in _LISTED:
                if key in res or key in o:
                    res[key] = (list(res.get(key) or []) + list(o.get(key) or []))[:PARTIAL_MAX]
        if len(parts) > 1 and res.get("element_count"):
            n = res["element_count"]
            nonmissing = n - int(res.get("missing_count") or 0)
            res["unexpected_percent"] = 100.0 * res.get("unexpected_count", 0) / nonmissing if nonmissing else None
        merged.append(out)
    return merged


def _raised(info: Any) -> bool:
    if not isinstance(info, dict):
        return False
    items = [info, *(v for v in info.values() if isinstance(v, dict))]
    return any(item.get("raised_exception") for item in items)


def statistics_of(results: list[dict[str, Any]]) -> dict[str, int]:
    """GX-style statistics of merged results."""
    ok = sum(1 for r in results if r.get("success"))
    return {"evaluated_expectations": len(results), "successful_expectations": ok,
            "unsuccessful_expectations": len(results) - ok}


def validate_frames(layer: str, frames: list[Frame], data: dict[str, pd.DataFrame]) -> list[FrameOutcome]:
    """Validate whole in-memory frames (each popped from `data`, so freed once validated)."""
    validator = GateValidator(layer)
    return [validator.validate(frame, _reader(data.pop(frame.name))) for frame in frames]


def _reader(df: pd.DataFrame) -> Callable[..., list[pd.DataFrame]]:
    return lambda in_order=False: [df]
