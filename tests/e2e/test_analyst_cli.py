"""The analyst guide works as written: the DuckDB CLI that `make install` puts in .venv/bin opens a release.

The commands are taken from README.md and from the refresh summary's "Query it" lines, and run in a
fresh shell with an empty environment (no activated venv, no PATH beyond the system's).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.helpers import REPO, query

CLI = Path(sys.executable).parent / "duckdb"
README = (REPO / "README.md").read_text()
ANALYST_GUIDE = README.split("## Analyst guide", 1)[1].split("\n## ", 1)[0]
SHELL_COMMANDS = [line for block in re.findall(r"```bash\n(.*?)```", ANALYST_GUIDE, flags=re.S)
                  for line in block.splitlines() if line.strip()]
SQL_QUERIES = re.findall(r"```sql\n(.*?)```", ANALYST_GUIDE, flags=re.S)
#: What an analyst types at the interactive CLI's prompt.
TYPED = ".mode csv\nselect count(*) as n from services;\n"


def fresh_shell(command: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    """`command` in a new bash with an empty environment, as pasted into a new terminal."""
    return subprocess.run(["/usr/bin/env", "-i", "PATH=/usr/bin:/bin", f"HOME={cwd}", "bash", "--noprofile",
                           "--norc", "-c", command], cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=120)


def services_count(home: Path) -> int:
    return query(home, "select count(*) from services")[0][0]


@pytest.fixture(scope="module")
def analyst_dir(sample_home, tmp_path_factory) -> Path:
    """A checkout as the README assumes it: `.venv/` and `registry_home/` (the sample release) side by side."""
    root = tmp_path_factory.mktemp("analyst")
    (root / ".venv").symlink_to(Path(sys.executable).parent.parent)
    (root / "registry_home").symlink_to(sample_home)
    return root


def test_make_install_puts_the_duckdb_1_5_cli_in_the_venv():
    assert CLI.is_file(), f"{CLI} missing: duckdb-cli is not installed with the project"
    proc = subprocess.run([str(CLI), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("v1.5."), proc.stdout + proc.stderr


def test_the_duckdb_cli_opens_the_release_and_reads_every_table(sample_home):
    db = sample_home / "current" / "registry.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    try:
        expected = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0]
                    for (t,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()}
    finally:
        con.close()
    sql = " union all ".join(f"select '{t}' as t, count(*) as n from \"{t}\"" for t in expected)
    proc = subprocess.run([str(CLI), "-readonly", "-json", str(db), "-c", sql],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert {r["t"]: r["n"] for r in json.loads(proc.stdout)} == expected


def test_the_analyst_guide_has_its_shell_commands():
    assert len(SHELL_COMMANDS) == 3 and SHELL_COMMANDS[0].startswith(".venv/bin/duckdb -readonly")


@pytest.mark.parametrize("number", range(1, len(SHELL_COMMANDS) + 1))
def test_readme_shell_command_runs_as_written_in_a_new_shell(sample_home, analyst_dir, number):
    proc = fresh_shell(SHELL_COMMANDS[number - 1], analyst_dir, stdin=TYPED)
    assert proc.returncode == 0, proc.stderr
    assert "Error" not in proc.stderr, proc.stderr
    out = proc.stdout
    # the interactive CLI answers what was typed; the one-shot commands print the first services rows
    first_service = query(sample_home, "select service_id from services limit 1")[0][0]
    assert f"n\n{services_count(sample_home)}" in out or ("service_id" in out and first_service in out), out


@pytest.mark.parametrize("number", range(1, len(SQL_QUERIES) + 1))
def test_readme_query_gives_the_same_rows_in_the_duckdb_cli(sample_home, number):
    db = sample_home / "current" / "registry.duckdb"
    rows = query(sample_home, SQL_QUERIES[number - 1])
    proc = subprocess.run([str(CLI), "-readonly", "-csv", "-noheader", str(db)], input=SQL_QUERIES[number - 1],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    assert len(proc.stdout.splitlines()) == len(rows)
    first_ids = [line.split(",")[0] for line in proc.stdout.splitlines()]
    assert first_ids == [str(r[0]) for r in rows]


def test_the_refresh_summarys_query_hints_work_in_a_new_shell(sample_home, tmp_path):
    printed = (sample_home / "refresh-output.txt").read_text().splitlines()
    start = next(i for i, line in enumerate(printed) if line.startswith("Query it"))
    hints = [line.strip() for line in printed[start + 1:start + 3]]
    assert hints[0].startswith(str(CLI)) and "-readonly" in hints[0], hints
    n = services_count(sample_home)
    cli = fresh_shell(hints[0], tmp_path, stdin=TYPED)  # another working directory, nothing on PATH
    assert cli.returncode == 0 and f"n\n{n}" in cli.stdout, cli.stdout + cli.stderr
    python = fresh_shell(hints[1], tmp_path)
    assert python.returncode == 0 and "service_id" in python.stdout, python.stdout + python.stderr
