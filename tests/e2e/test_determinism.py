"""Same inputs, decisions and as-of date → byte-identical CSV exports, even in another home."""

from __future__ import annotations

import json


def test_two_homes_publish_byte_identical_csv(sample_home, nightly_run):
    """The other home is the one the session's DAG run of the same samples published into (tests/e2e/conftest.py;
    test_dag_lock.py refreshes it once more on the same date, which must not change a byte either)."""
    other = nightly_run["home"]
    assert nightly_run["run"].state == "success"
    first, second = sample_home / "current" / "csv", other / "current" / "csv"
    names = sorted(p.name for p in first.glob("*.csv.gz"))
    assert names == sorted(p.name for p in second.glob("*.csv.gz"))
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    m1 = json.loads((sample_home / "current" / "manifest.json").read_text())
    m2 = json.loads((other / "current" / "manifest.json").read_text())
    assert m1["row_counts"] == m2["row_counts"]
