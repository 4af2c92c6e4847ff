"""Same inputs, decisions and as-of date → byte-identical CSV exports, even in another home."""

from __future__ import annotations

import json

from tests.helpers import SAMPLE_AS_OF, SAMPLE_REFERENCES, SAMPLES, sealreg_cli


def test_two_homes_publish_byte_identical_csv(sample_home, tmp_path):
    other = tmp_path / "other-home"
    proc = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--references", str(SAMPLE_REFERENCES),
                       "--home", str(other), "--as-of", SAMPLE_AS_OF)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    first, second = sample_home / "current" / "csv", other / "current" / "csv"
    names = sorted(p.name for p in first.glob("*.csv.gz"))
    assert names == sorted(p.name for p in second.glob("*.csv.gz"))
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    m1 = json.loads((sample_home / "current" / "manifest.json").read_text())
    m2 = json.loads((other / "current" / "manifest.json").read_text())
    assert m1["row_counts"] == m2["row_counts"]
