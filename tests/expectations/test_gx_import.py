"""GX starts without the libraries the gates never use, and those libraries still work for everyone else."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
UNUSED = ("scipy.stats", "altair", "sqlalchemy")

GATES_IN_A_FRESH_PROCESS = """
import json, sys
from pathlib import Path
from expectations.runner import run_gate
results = [run_gate(layer, Path(sys.argv[1]), Path(sys.argv[2]) / layer).success for layer in ("raw", "final")]
loaded = [name for name in sys.argv[3:] if name in sys.modules]
import scipy.stats, sqlalchemy, altair
from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
print(json.dumps({"gates": results, "loaded_by_the_gates": loaded,
                  "real_after": [type(m).__name__ for m in (scipy.stats, sqlalchemy, altair)],
                  "gx_stats_works": float(kl.stats.entropy([0.5, 0.5], [0.5, 0.5])),
                  "sqlalchemy_works": str(sqlalchemy.select(sqlalchemy.literal(1)).compile())}))
"""


def test_the_gates_run_without_importing_scipy_stats_altair_or_sqlalchemy(good_warehouse, tmp_path):
    out = subprocess.run([sys.executable, "-c", GATES_IN_A_FRESH_PROCESS, str(good_warehouse), str(tmp_path),
                          *UNUSED], capture_output=True, text=True, cwd=REPO, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["gates"] == [True, True]
    assert seen["loaded_by_the_gates"] == []
    # afterwards the libraries import for real, and GX's own reference to scipy.stats reaches it
    assert seen["real_after"] == ["module", "module", "module"]
    assert seen["gx_stats_works"] == 0.0
    assert seen["sqlalchemy_works"].startswith("SELECT")


def test_libraries_imported_before_gx_are_left_as_they_are(tmp_path):
    code = ("import sqlalchemy, sys; from expectations.gx_run import import_gx; gx = import_gx(); "
            "from great_expectations.compatibility import sqlalchemy as compat; "
            "print(sys.modules['sqlalchemy'] is sqlalchemy, compat.sqlalchemy is sqlalchemy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.split() == ["True", "True"]
