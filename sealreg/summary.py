"""The end-of-run summary printed by `sealreg refresh`."""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sealreg.config import RunContext
from sealreg.queries import open_current
from sealreg.refresh import RefreshResult


def release_counts(ctx: RunContext) -> dict:
    """Counts an operator wants after a run, read from the current release."""
    with open_current(ctx.home) as con:
        by_seal = dict(con.execute("select seal, count(*) from services group by seal").fetchall())
        by_ual = dict(con.execute("select ual, count(*) from services group by ual").fetchall())
        by_status = dict(con.execute("select status, count(*) from services group by status").fetchall())
        providers = con.execute("select count(*) from providers").fetchone()[0]
        by_flag = dict(con.execute("select flag, count(*) from washing_flags group by flag order by flag").fetchall())
        reference_rejections = con.execute(
            "select file, code, path from rejections where code like 'R%' order by all").fetchall()
        review_items = con.execute("select count(*) from review_items").fetchone()[0]
        still_rejected = con.execute("select distinct file, provider_id, rejected_since from rejections "
                                     "where still_rejected and code like 'E%' order by all").fetchall()
        capped = con.execute("select service_id, reason from washing_flags where flag = 'W8-dependency' "
                             "order by service_id").fetchall()
        has_freshness = con.execute("select count(*) from duckdb_tables() where schema_name = 'main' "
                                    "and table_name = 'source_freshness'").fetchone()[0]
        stale = con.execute("select kind, source, file, stale_reason from source_freshness where freshness <> 'fresh' "
                            "order by kind = 'disclosure', loaded_on nulls first, kind, source").fetchall() \
            if has_freshness else []
    return {"providers": providers, "services": sum(by_seal.values()), "by_seal": by_seal,
            "by_ual": by_ual, "by_status": by_status, "washing_flags": sum(by_flag.values()), "by_flag": by_flag,
            "reference_rejections": reference_rejections, "review_items": review_items, "dependency_capped": capped,
            "stale_sources": stale, "still_rejected": still_rejected}


SHOWN_DEPENDENCY_CAPS = 10
SHOWN_STILL_REJECTED = 10


def _print_dependency_caps(console: Console, capped: list[tuple[str, str]]) -> None:
    """The W8-dependency flags of the release: how many, and the first few with their reasons."""
    if not capped:
        return
    console.print(f"  capped by what they run on (W8-dependency): {len(capped)} services")
    for service_id, reason in capped[:SHOWN_DEPENDENCY_CAPS]:
        console.print(f"    {service_id}: {reason}", markup=False, highlight=False, soft_wrap=True)
    if len(capped) > SHOWN_DEPENDENCY_CAPS:
        console.print(f"    ... and {len(capped) - SHOWN_DEPENDENCY_CAPS} more (table washing_flags)")


def _print_disclosures(console: Console, ctx: RunContext, ingest: dict, still: list[tuple]) -> None:
    """Accepted and rejected disclosures; new rejections are quarantined, unchanged ones are named with their date."""
    rejected, new = ingest.get("rejected", 0), ingest.get("rejected_new", ingest.get("rejected", 0))
    line = f"  disclosures: {ingest.get('accepted', 0)} accepted, {rejected} rejected"
    if rejected:
        parts = [f"{new} new, quarantined in {ctx.quarantine_dir}" if new else "0 new"]
        if still:
            parts.append(f"{len(still)} still rejected, unchanged, not quarantined again")
        line += f" ({'; '.join(parts)}; details and feedback letters: sealreg rejections)"
    console.print(line, markup=False, highlight=False, soft_wrap=True)
    for file, provider_id, since in still[:SHOWN_STILL_REJECTED]:
        console.print(f"    still rejected since {since}: {file}" + (f" ({provider_id})" if provider_id else ""),
                      markup=False, highlight=False, soft_wrap=True)
    if len(still) > SHOWN_STILL_REJECTED:
        console.print(f"    ... and {len(still) - SHOWN_STILL_REJECTED} more (sealreg rejections)")


def duckdb_cli() -> str:
    """The DuckDB CLI to name in hints: the one installed beside this Python (`make install`), else on PATH."""
    beside = Path(sys.executable).parent / "duckdb"
    if beside.is_file():
        return str(beside)
    return shutil.which("duckdb") or "duckdb"


def query_hints(database: Path) -> list[str]:
    """Shell commands that open a release's DuckDB file read-only, runnable as they are from a new shell.

    Absolute paths throughout (no activated venv, any working directory), each word shell-quoted.
    """
    db = str(database.absolute())
    python_code = (f"import duckdb; print(duckdb.connect({json.dumps(db)}, read_only=True)"
                   '.sql("from services limit 5"))')
    return [f"{shlex.quote(duckdb_cli())} -readonly {shlex.quote(db)}",
            f"{shlex.quote(sys.executable)} -c {shlex.quote(python_code)}"]


SHOWN_STALE_DISCLOSURES = 5


def _print_stale_sources(console: Console, stale: list[tuple[str, str, str | None, str]]) -> None:
    """Reference sources older than their maximum age (or never loaded), each; stale disclosures counted,
    the oldest few named (table source_freshness)."""
    disclosures = [row for row in stale if row[0] == "disclosure"]
    for _kind, source, file, reason in (row for row in stale if row[0] != "disclosure"):
        console.print(f"  stale source: {source}" + (f" ({file})" if file else "") + f": {reason}",
                      style="bold yellow", markup=False, highlight=False, soft_wrap=True)
    if disclosures:
        console.print(f"  stale disclosures: {len(disclosures)} provider(s), oldest first (table source_freshness)",
                      style="bold yellow")
        for _kind, source, _file, reason in disclosures[:SHOWN_STALE_DISCLOSURES]:
            console.print(f"    {source}: {reason}", markup=False, highlight=False, soft_wrap=True)
        if len(disclosures) > SHOWN_STALE_DISCLOSURES:
            console.print(f"    ... and {len(disclosures) - SHOWN_STALE_DISCLOSURES} more")


def print_summary(console: Console, ctx: RunContext, result: RefreshResult) -> None:
    ingest = result.steps.get("ingest", {})
    publish = result.steps.get("publish", {})
    counts = release_counts(ctx)
    console.print()
    console.print(f"Published release {publish.get('release_id')} in {sum(result.timings.values()):.1f} s",
                  style="bold green")
    if publish.get("backfill"):
        console.print(f"  backfill: evaluated as of {ctx.as_of}, older than the current release "
                      f"(as of {publish.get('current_as_of')}), so it was published but NOT made current",
                      style="bold yellow")
    _print_disclosures(console, ctx, ingest, counts["still_rejected"])
    by_flag = ", ".join(f"{flag} {n}" for flag, n in counts["by_flag"].items())
    console.print(f"  providers: {counts['providers']}, services: {counts['services']}, "
                  f"washing flags: {counts['washing_flags']}" + (f" ({by_flag})" if by_flag else ""))
    for file, code, path in counts["reference_rejections"]:
        console.print(f"  reference file rejected: {file} {code} at {path} (its source keeps its last snapshot)")
    _print_stale_sources(console, counts["stale_sources"])
    if counts["review_items"]:
        console.print(f"  review queue: {counts['review_items']} change(s) in the reference evidence "
                      "since the previous evaluation (sealreg review)")
    table = Table(title="Services by level")
    table.add_column("level")
    table.add_column("SEAL", justify="right")
    table.add_column("UAL", justify="right")
    for level in range(5):
        table.add_row(str(level), str(counts["by_seal"].get(level, 0)), str(counts["by_ual"].get(level, 0)))
    console.print(table)
    console.print("  by status: " + ", ".join(f"{k} {v}" for k, v in sorted(counts["by_status"].items())))
    _print_dependency_caps(console, counts["dependency_capped"])
    current = ctx.paths.current
    console.print(f"\nRelease: {current} -> {publish.get('release_dir')}")
    console.print("Query it (read-only, from any shell):")
    for hint in query_hints(ctx.paths.current_database):
        console.print(f"  {hint}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"Site: {current}/site/index.html")
