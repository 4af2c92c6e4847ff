"""Hostile input: the validator never raises, always codes its problems, and ingest writes only where it may.

Complements tests/ingestion/test_property.py (600 mutated/random documents through the validator):
here hostile *files* (names and bytes) go through the real ingest, quarantine and DuckDB load.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import generate
from ingestion.ingest import run_ingest
from ingestion.problems import CODES
from ingestion.validate import validate_document
from sealreg.config import RunContext

AS_OF = dt.date(2026, 11, 28)
HOSTILE_STRINGS = ["../../x", "..", "/etc/passwd", "a\x00b", "\u202eevil", "<script>alert(1)</script>",
                   "x" * 100_000, "\ufeff", "\x1b[31m", "C:\\Windows", "%2e%2e%2f"]


def _base_document() -> dict:
    """One valid disclosure from the benchmark generator."""
    with tempfile.TemporaryDirectory() as folder:
        generate(Path(folder), 1, seed=3, invalid_share=0.0, as_of=AS_OF)
        return json.loads(next(iter(sorted(Path(folder).glob("*.json")))).read_text())


BASE = _base_document()


def _hostile_bytes(kind: str, value: str) -> bytes:
    doc = json.loads(json.dumps(BASE))
    if kind == "id":
        doc["disclosure_id"] = value
        doc["provider"]["provider_id"] = value
        doc["services"][0]["service_id"] = value
    elif kind == "name":
        doc["provider"]["legal_name"] = value
    elif kind == "deep":  # 5,000 levels: built as text, too deep for json.dumps itself
        doc["services"][0]["evidence"] = "@DEEP@"
        deep = "[" * 5000 + json.dumps(value) + "]" * 5000
        return json.dumps(doc).replace('"@DEEP@"', deep).encode()
    elif kind == "bom":
        return b"\xef\xbb\xbf" + json.dumps(doc).encode()
    elif kind == "duplicate":
        text = json.dumps(doc)
        return ('{"schema_version": "1", ' + text[1:]).encode()
    elif kind == "nan":
        return json.dumps(doc).replace('"capital_pct": ', '"capital_pct": NaN, "x": ', 1).encode()
    return json.dumps(doc).encode()


hostile_files = st.tuples(
    st.sampled_from(["id", "name", "deep", "bom", "duplicate", "nan", "plain"]),
    st.sampled_from(HOSTILE_STRINGS) | st.text(max_size=40),
)
file_names = st.sampled_from(["..json", "...json", " .json", "a b.json", "ü.json", "-rf.json", "x.json"]) | (
    st.text(alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=["Cs"]), min_size=1,
            max_size=30).map(lambda s: s + ".json"))


@settings(max_examples=200, derandomize=True, deadline=None)
@given(hostile_files)
def test_validator_never_raises_and_codes_every_problem(spec):
    data = _hostile_bytes(*spec)
    doc, problems = validate_document(data, "hostile.json", AS_OF)
    assert (doc is None) == bool(problems)
    for problem in problems:
        assert problem.code in CODES and problem.path.startswith("$") and problem.message


def _snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(file_names, hostile_files), min_size=1, max_size=4,
                unique_by=lambda t: t[0].encode("utf-8", "surrogatepass")))
def test_ingest_of_hostile_files_writes_only_to_the_run_and_quarantine_folders(tmp_path_factory, batch):
    root = tmp_path_factory.mktemp("hostile")
    inbox, home = root / "inbox", root / "home"
    inbox.mkdir()
    for name, spec in batch:
        (inbox / name).write_bytes(_hostile_bytes(*spec))
    outside_before = _snapshot(root) - {p for p in _snapshot(root) if p.startswith("home")}
    ctx = RunContext.create(home=home, inbox=inbox, as_of=AS_OF)
    result = run_ingest(ctx, decisions=[])
    assert result["accepted"] + result["rejected"] == len(list(inbox.glob("*.json")))
    outside_after = {p for p in _snapshot(root) if not p.startswith("home")}
    assert outside_after == outside_before, "ingest wrote outside the registry home"
    allowed = (str(ctx.run_dir.relative_to(root)), str(ctx.quarantine_dir.relative_to(root)))
    for path in _snapshot(home):
        full = str((home / path).relative_to(root))
        assert full.startswith(allowed) or any(a.startswith(full) for a in allowed), full
    for errors in ctx.quarantine_dir.glob("*.errors.json"):
        for problem in json.loads(errors.read_text()):
            assert problem["code"] in CODES
