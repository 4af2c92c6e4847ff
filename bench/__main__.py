"""sealreg benchmark at regulator scale: `python -m bench [--sizes 1000,10000] [--seed 7] [--keep]`.

For each size: generate an inbox (bench/out/<size>/inbox), run a full refresh in a subprocess
(peak RSS of the whole process tree sampled every 50 ms), time the floor (bench/floor.sql on a copy
of the refreshed warehouse, checked against the dbt marts), then re-submit 1 % of the providers and
time the next night's refresh on the same home. Fixed overhead = a refresh of a 1-provider inbox
(an empty inbox fails the raw gate by design). Prints a table and writes bench/results/<today>.json
(<today>-2.json, -3 ... for later runs of the same day).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from bench.generate import generate, mutate
from bench.reference_load import bench_references, print_references
from ingestion.rulebook import MAX_SERVICES_PER_RUN
from sealreg.config import RegistryHome
from sealreg.publish.chain import published_releases

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
RESULTS = BENCH / "results"
AS_OF = dt.date(2026, 11, 28)
NEXT_NIGHT = AS_OF + dt.timedelta(days=1)
STAGES = ("ingest", "validate_raw", "build", "validate_final", "publish", "record_history")
STAGE_LABELS = {"ingest": "ingest (validate+load)", "validate_raw": "GX raw", "build": "dbt build",
                "validate_final": "GX final", "record_history": "history", "publish": "publish"}
#: issue 13's targets (10,000 providers unless named otherwise); printed, never asserted in tests
TARGETS = {"full_10k_s": 40.0, "rss_gib": 1.5, "fixed_overhead_s": 30.0, "linear_ratio": 12.0,
           "floor_ratio": 10.0, "incremental_share": 0.25, "new_bytes_share": 0.05, "site_kib_per_service": 12.0,
           "full_100k_s": 480.0, "rss_100k_gib": 4.0}


# --- process-tree sampling -----------------------------------------------------------------------
def _tree_rss_psutil(proc) -> tuple[int, list]:
    """(total RSS of proc and its descendants, [(rss, process name)] largest first)."""
    import psutil

    parts = []
    try:
        members = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0, []
    for p in members:
        try:
            cmd = p.cmdline()
            label = " ".join(Path(c).name for c in cmd[1:3]) if len(cmd) > 1 else p.name()
            parts.append((p.memory_info().rss, label))
        except psutil.Error:
            pass
    parts.sort(reverse=True)
    return sum(r for r, _ in parts), parts


def _tree_rss_proc(pid: int) -> tuple[int, list]:
    """Sum of VmRSS over pid and its descendants, from /proc (fallback without psutil)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total, []


def run_refresh(inbox: Path, home: Path, as_of: dt.date, work: Path, tag: str, profile: bool = False,
                services: int = 0) -> dict:
    """One refresh via bench.driver in a subprocess; returns its JSON plus wall time and peak tree RSS.

    The run's service budget (E015) is raised to twice the `services` generated when the default is smaller."""
    work.mkdir(parents=True, exist_ok=True)
    out_json = work / f"{tag}.json"
    cmd = [sys.executable, "-m", "bench.driver", "--inbox", str(inbox), "--home", str(home),
           "--as-of", as_of.isoformat(), "--out", str(out_json), "--keep-dbt", str(work / f"{tag}-dbt")]
    if profile:
        cmd += ["--profile", str(work / f"{tag}.prof")]
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    if 2 * services > MAX_SERVICES_PER_RUN:
        env["SEALREG_MAX_SERVICES_PER_RUN"] = str(2 * services)
    try:
        import psutil
    except ImportError:
        psutil = None
    log = open(work / f"{tag}.log", "wb")
    ru_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    if psutil is not None:
        proc = psutil.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        sample = lambda: _tree_rss_psutil(proc)  # noqa: E731
    else:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        sample = lambda: _tree_rss_proc(proc.pid)  # noqa: E731
    peak, peak_parts, timeline = 0, [], []
    while proc.poll() is None:
        rss, parts = sample()
        timeline.append((time.time(), rss))
        if rss > peak:
            peak, peak_parts = rss, parts
        time.sleep(0.05)
    wall = time.perf_counter() - started
    ru_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    log.close()
    if not out_json.exists():
        raise RuntimeError(f"refresh {tag} produced no result; see {work / (tag + '.log')}")
    data = json.loads(out_json.read_text())
    if not data["ok"]:
        raise RuntimeError(f"refresh {tag} failed at {data['failed_step']}: {data['error']}")
    data["wall_s"] = wall
    data["cpu_s"] = (ru_after.ru_utime + ru_after.ru_stime) - (ru_before.ru_utime + ru_before.ru_stime)
    data["peak_rss_bytes"] = peak
    data["peak_rss_processes"] = [{"mib": round(r / 2**20), "process": label} for r, label in peak_parts[:4]]
    data["peak_rss_mib_by_step"] = {
        step: round(max((r for t, r in timeline if start <= t <= end), default=0) / 2**20)
        for step, (start, end) in data.get("spans", {}).items()
    }
    data["slowest_dbt_nodes"] = _slowest_nodes(work / f"{tag}-dbt" / "run_results.json")
    data["supply_chain_dbt"] = _supply_chain_share(work / f"{tag}-dbt" / "run_results.json")
    return data


SUPPLY_CHAIN_NODES = ("own_levels", "service_dependencies", "supply_chain")  # name parts of the §7 nodes


def _supply_chain_share(path: Path) -> dict:
    """Seconds of the §7 nodes (closure, caps, levels, the service_dependencies mart and their tests) and
    their share of the summed execution time of every dbt node of the build."""
    if not path.exists():
        return {}
    results = json.loads(path.read_text()).get("results", [])
    total = sum(r.get("execution_time") or 0.0 for r in results)
    mine = {r["unique_id"]: r.get("execution_time") or 0.0 for r in results
            if any(part in r["unique_id"] for part in SUPPLY_CHAIN_NODES)}
    return {"seconds": round(sum(mine.values()), 3), "all_nodes_seconds": round(total, 3),
            "share": round(sum(mine.values()) / total, 4) if total else None,
            "nodes": {k.split(".", 2)[-1]: round(v, 3) for k, v in sorted(mine.items(), key=lambda kv: -kv[1])[:8]}}


def _slowest_nodes(path: Path, n: int = 8) -> list[dict]:
    if not path.exists():
        return []
    results = json.loads(path.read_text()).get("results", [])
    rows = [{"node": r["unique_id"].split(".", 2)[-1] if r["unique_id"].startswith("model.")
             else r["unique_id"].split(".")[0] + ":" + r["unique_id"].split(".")[2],
             "seconds": round(r.get("execution_time") or 0.0, 3)} for r in results]
    total = sum(r["seconds"] for r in rows)
    rows.sort(key=lambda r: -r["seconds"])
    return [{"node": "(all nodes, sum)", "seconds": round(total, 3), "count": len(rows)}] + rows[:n]


# --- floor ---------------------------------------------------------------------------------------
def run_floor(warehouse: Path, work: Path, as_of: dt.date, repeats: int = 3) -> dict:
    """Time bench/floor.sql on a copy of `warehouse` (best of `repeats`), then compare with the marts."""
    copy = work / "floor-copy.duckdb"
    sql = (BENCH / "floor.sql").read_text().replace("{as_of}", as_of.isoformat()).replace(
        "{weights_version}", "calculator-2026")
    times = []
    for _ in range(repeats):
        shutil.copyfile(warehouse, copy)
        started = time.perf_counter()
        con = duckdb.connect(str(copy))
        con.execute(sql)
        con.close()
        times.append(time.perf_counter() - started)
    con = duckdb.connect(str(copy), read_only=True)
    try:
        check = compare_floor(con)
    finally:
        con.close()
    return {"seconds": min(times), "all_seconds": times, **check}


def compare_floor(con) -> dict:
    """Differences between the floor tables and the dbt marts of the same warehouse (all 0 = same results)."""
    q = lambda s: con.execute(s).fetchone()[0]  # noqa: E731
    return {
        "services": q("select count(*) from floor.services"),
        "services_mart": q("select count(*) from main.services"),
        "service_mismatches": q("""
            select count(*) from floor.services f full join main.services m using (service_id)
                left join (select service_id, min(cap_ual) as dependency_cap_ual
                           from main.service_dependencies group by all) c using (service_id)
            where f.service_id is null or m.service_id is null
               or abs(f.sovereignty_score - m.sovereignty_score) > 1e-9
               or f.seal is distinct from m.seal_own or f.ual is distinct from m.ual_own
               or (m.ual = m.ual_own and coalesce(c.dependency_cap_ual, 4) >= 2
                   and f.status is distinct from m.status)"""),
        "objective_mismatches": q("""
            select count(*) from floor.objective_results f full join main.objective_results m
                using (service_id, objective)
            where f.service_id is null or m.service_id is null
               or abs(f.score_pct - m.score_pct) > 1e-9 or f.seal is distinct from m.seal
               or f.cap is distinct from m.cap"""),
        "criterion_mismatches": q("""
            select count(*) from floor.criterion_results f full join main.criterion_results m
                using (service_id, criterion_id)
            where f.service_id is null or m.service_id is null
               or f.rung is distinct from m.rung or f.points is distinct from m.points
               or f.seal is distinct from m.seal"""),
        "provider_mismatches": q("""
            select count(*) from floor.providers f full join main.providers m using (provider_id)
            where f.provider_id is null or m.provider_id is null
               or f.ultimate_controller_id is distinct from m.ultimate_controller_id
               or f.third_country_control is distinct from m.third_country_control
               or f.control_chain is distinct from m.control_chain
               or f.ownership_ok is distinct from m.ownership_ok"""),
    }


# --- release sizes -------------------------------------------------------------------------------
def release_bytes(release: Path) -> dict:
    """Bytes of a release folder: all of it, what is new (a file with one name), the site, per part."""
    total = new = site = 0
    parts: dict[str, int] = {}
    new_parts: dict[str, int] = {}
    for dirpath, _dirs, files in os.walk(release):
        for name in files:
            st = os.lstat(os.path.join(dirpath, name))
            rel = Path(dirpath, name).relative_to(release)
            part = rel.parts[0] if len(rel.parts) > 1 else "(top)"
            total += st.st_size
            parts[part] = parts.get(part, 0) + st.st_size
            if st.st_nlink == 1:  # a hard link shares its bytes with the previous release
                new += st.st_size
                new_parts[part] = new_parts.get(part, 0) + st.st_size
            if rel.parts[0] == "site":
                site += st.st_size
    return {"total": total, "new": new, "site": site, "parts": parts, "new_parts": new_parts}


def _releases(home: Path) -> list[Path]:
    return [path for path, _manifest in published_releases(RegistryHome(home).releases)]


# --- one size ------------------------------------------------------------------------------------
def bench_size(n: int, seed: int, work: Path, profile: bool, night: bool = True) -> dict:
    """Generate n providers, run a full refresh and the floor, then (unless `night` is False) a 1 %-changed night."""
    if work.exists():
        shutil.rmtree(work)
    inbox, home = work / "inbox", work / "home"
    started = time.perf_counter()
    gen = generate(inbox, n, seed)
    gen["seconds"] = time.perf_counter() - started
    gen["inbox_bytes"] = sum(p.stat().st_size for p in inbox.glob("*.json"))
    print(f"[{n}] generated {gen['valid_files']} valid + {gen['invalid_files']} invalid files, "
          f"{gen['services']} services in {gen['seconds']:.1f} s; full refresh ...", flush=True)
    load_before = os.getloadavg()
    full = run_refresh(inbox, home, AS_OF, work, "full", profile=profile, services=gen["services"])
    print(f"[{n}] full refresh {full['wall_s']:.1f} s wall, peak RSS {full['peak_rss_bytes'] / 2**20:.0f} MiB; "
          "floor ...", flush=True)
    floor = run_floor(RegistryHome(home).baseline_warehouse, work, AS_OF)
    full_bytes = release_bytes(_releases(home)[-1])
    t = full["timings"]
    criterion_rows = gen["services"] * 48
    figures = {
        "providers": n,
        "generate": gen,
        "full": full,
        "floor": floor,
        "criterion_rows": criterion_rows,
        "rows_per_s": criterion_rows / full["wall_s"],
        "floor_ratio": (t["build"] + t["validate_final"]) / floor["seconds"],
        "site_kib_per_service": full_bytes["site"] / 1024 / gen["services"],
        "loadavg_before": load_before,
    }
    if not night:
        return {**figures, "release_bytes": {"full": full_bytes}, "loadavg_after": os.getloadavg()}
    changed = mutate(inbox, 0.01, seed + 1, dt.datetime.combine(NEXT_NIGHT, dt.time(1, 30), tzinfo=dt.UTC))
    print(f"[{n}] floor {floor['seconds']:.2f} s; first night ({len(changed)} re-submissions) ...", flush=True)
    first = run_refresh(inbox, home, NEXT_NIGHT, work, "first-night", services=gen["services"])
    first_bytes = release_bytes(_releases(home)[-1])
    steady_night = NEXT_NIGHT + dt.timedelta(days=1)
    changed = mutate(inbox, 0.01, seed + 2, dt.datetime.combine(steady_night, dt.time(1, 30), tzinfo=dt.UTC))
    print(f"[{n}] first night {first['wall_s']:.1f} s; second night ({len(changed)} re-submissions) ...", flush=True)
    incr = run_refresh(inbox, home, steady_night, work, "incremental", services=gen["services"])
    night_bytes = release_bytes(_releases(home)[-1])
    return {
        **figures,
        "first_night": {**first, "new_bytes": first_bytes["new"],
                        "new_bytes_share": first_bytes["new"] / full_bytes["total"]},
        "incremental": {**incr, "resubmitted": len(changed)},
        "incremental_share": incr["wall_s"] / full["wall_s"],
        "incremental_share_cpu": incr["cpu_s"] / full["cpu_s"],
        "release_bytes": {"full": full_bytes, "night": night_bytes},
        "new_bytes_share": night_bytes["new"] / full_bytes["total"],
        "loadavg_after": os.getloadavg(),
    }


def fixed_overhead(seed: int, work: Path) -> dict:
    if work.exists():
        shutil.rmtree(work)
    generate(work / "inbox", 1, seed, invalid_share=0.0)
    res = run_refresh(work / "inbox", work / "home", AS_OF, work, "fixed")
    print(f"[fixed] 1-provider refresh {res['wall_s']:.1f} s", flush=True)
    return res


# --- report --------------------------------------------------------------------------------------
def _gib(b: int) -> float:
    return b / 2**30


def verdicts(fixed: dict, sizes: dict[int, dict]) -> dict:
    out: dict[str, dict] = {"fixed_overhead_s": {"value": fixed["wall_s"], "target": TARGETS["fixed_overhead_s"]}}
    out["fixed_overhead_s"]["met"] = fixed["wall_s"] <= TARGETS["fixed_overhead_s"]
    peak = max([fixed["peak_rss_bytes"]] + [s["full"]["peak_rss_bytes"] for n, s in sizes.items() if n <= 10000]
               + [s["incremental"]["peak_rss_bytes"] for n, s in sizes.items() if n <= 10000 and "incremental" in s])
    out["rss_gib"] = {"value": _gib(peak), "target": TARGETS["rss_gib"], "met": _gib(peak) <= TARGETS["rss_gib"]}
    if 10000 in sizes:
        v = sizes[10000]["full"]["wall_s"]
        out["full_10k_s"] = {"value": v, "target": TARGETS["full_10k_s"], "met": v <= TARGETS["full_10k_s"]}
    if 1000 in sizes and 10000 in sizes:
        v = sizes[10000]["full"]["wall_s"] / sizes[1000]["full"]["wall_s"]
        out["linear_ratio"] = {"value": v, "target": TARGETS["linear_ratio"], "met": v <= TARGETS["linear_ratio"]}
        v = sizes[10000]["full"]["cpu_s"] / sizes[1000]["full"]["cpu_s"]
        out["linear_ratio_cpu"] = {"value": v, "target": TARGETS["linear_ratio"], "met": v <= TARGETS["linear_ratio"]}
    nights = {n: r for n, r in sizes.items() if "incremental" in r}
    ref = 10000 if 10000 in sizes else max(sizes)  # the targets are figures at 10,000 providers
    v = sizes[ref]["floor_ratio"]
    out["floor_ratio"] = {"value": v, "target": TARGETS["floor_ratio"], "met": v <= TARGETS["floor_ratio"], "size": ref}
    v = sizes[ref]["site_kib_per_service"]
    out["site_kib_per_service"] = {"value": v, "target": TARGETS["site_kib_per_service"],
                                   "met": v <= TARGETS["site_kib_per_service"], "size": ref}
    if nights:
        night_ref = ref if ref in nights else max(nights)
        night = nights[night_ref]
        for key, v in (("incremental_share", night["incremental_share"]),
                       ("incremental_share_cpu", night["incremental_share_cpu"]),
                       ("new_bytes_share", night["new_bytes_share"])):
            target = TARGETS["new_bytes_share" if key == "new_bytes_share" else "incremental_share"]
            out[key] = {"value": v, "target": target, "met": v <= target, "size": night_ref}
    if 100000 in sizes:
        big = sizes[100000]
        out["full_100k_s"] = {"value": big["full"]["wall_s"], "target": TARGETS["full_100k_s"],
                              "met": big["full"]["wall_s"] <= TARGETS["full_100k_s"]}
        v = _gib(big["full"]["peak_rss_bytes"])
        out["rss_100k_gib"] = {"value": v, "target": TARGETS["rss_100k_gib"], "met": v <= TARGETS["rss_100k_gib"]}
        if 10000 in sizes:
            v = big["full"]["cpu_s"] / sizes[10000]["full"]["cpu_s"]
            out["linear_ratio_100k_cpu"] = {"value": v, "target": TARGETS["linear_ratio"],
                                            "met": v <= TARGETS["linear_ratio"]}
    return out


def print_table(fixed: dict, sizes: dict[int, dict], verdict: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(120, 40 + 22 * len(sizes)))
    table = Table(title=f"sealreg benchmark {dt.date.today()} (load {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores)")
    table.add_column("figure")
    for n in sizes:
        table.add_column(f"{n:,} providers", justify="right")

    def row(label, fn):
        table.add_row(label, *[fn(s) for s in sizes.values()])

    def night_row(label, fn):
        table.add_row(label, *[fn(s) if "incremental" in s else "(--full-only)" for s in sizes.values()])

    row("files (valid+invalid) / services",
        lambda s: f"{s['generate']['valid_files'] + s['generate']['invalid_files']:,} / {s['generate']['services']:,}")
    row("criterion rows (services×48)", lambda s: f"{s['criterion_rows']:,}")
    row("fixed overhead, 1 provider (s)", lambda s: f"{fixed['wall_s']:.1f} (cpu {fixed['cpu_s']:.0f})")
    for st in STAGES:
        row(f"  {STAGE_LABELS[st]} (s, wall / cpu)",
            lambda s, st=st: f"{s['full']['timings'][st]:.1f} / {s['full']['cpu'].get(st, 0):.1f}")
    row("  interpreter + imports + run id (s)", lambda s: f"{s['full']['wall_s'] - s['full']['refresh_s']:.1f}")
    row("full refresh, wall (s)", lambda s: f"{s['full']['wall_s']:.1f}")
    row("full refresh, CPU user+sys (s)", lambda s: f"{s['full']['cpu_s']:.1f}")
    row("peak RSS, process tree (MiB)", lambda s: f"{s['full']['peak_rss_bytes'] / 2**20:.0f}")
    row("  step with the peak (MiB)", lambda s: "{} ({})".format(*max(
        s["full"]["peak_rss_mib_by_step"].items(), key=lambda kv: kv[1], default=("?", 0))))
    row("criterion rows / s", lambda s: f"{s['rows_per_s']:,.0f}")
    row("floor, plain SQL (s)", lambda s: f"{s['floor']['seconds']:.2f}")
    row("floor = marts? (mismatches)",
        lambda s: str(sum(v for k, v in s["floor"].items() if k.endswith("_mismatches"))))
    row("(dbt build + GX final) / floor", lambda s: f"{s['floor_ratio']:.1f}×")
    night_row("first night after the full refresh, 1 % (s)",
              lambda s: f"{s['first_night']['wall_s']:.1f} (cpu {s['first_night']['cpu_s']:.0f})")
    night_row("  its new bytes (MiB, % of the full release)", lambda s: (
        f"{s['first_night']['new_bytes'] / 2**20:.1f} ({100 * s['first_night']['new_bytes_share']:.1f} %)"))
    night_row("incremental night (the second), 1 % (s)",
        lambda s: f"{s['incremental']['wall_s']:.1f} (cpu {s['incremental']['cpu_s']:.0f})")
    for st in STAGES:
        night_row(f"  {STAGE_LABELS[st]} (s, wall / cpu)", lambda s, st=st: (
            f"{s['incremental']['timings'][st]:.1f} / {s['incremental']['cpu'].get(st, 0):.1f}"))
    night_row("incremental / full, wall", lambda s: f"{100 * s['incremental_share']:.0f} %")
    night_row("incremental / full, CPU", lambda s: f"{100 * s['incremental_share_cpu']:.0f} %")
    row("full release size (MiB)", lambda s: f"{s['release_bytes']['full']['total'] / 2**20:.1f}")
    row("  site / csv / parquet / duckdb (MiB)", lambda s: " / ".join(
        f"{s['release_bytes']['full']['parts'].get(k, 0) / 2**20:.1f}" for k in ("site", "csv", "parquet"))
        + f" / {s['release_bytes']['full']['parts'].get('(top)', 0) / 2**20:.1f}")
    night_row("night's new bytes (MiB)", lambda s: f"{s['release_bytes']['night']['new'] / 2**20:.1f}")
    night_row("new bytes / full release", lambda s: f"{100 * s['new_bytes_share']:.1f} %")
    night_row("  by part (MiB; (top) = registry.duckdb, manifest, sums ...)", lambda s: ", ".join(
        f"{part} {size / 2**20:.1f}" for part, size in sorted(
            s["release_bytes"]["night"]["new_parts"].items(), key=lambda kv: -kv[1]) if size >= 2**16))
    row("site bytes per service (KiB)", lambda s: f"{s['site_kib_per_service']:.1f}")
    row("load avg before → after", lambda s: f"{s['loadavg_before'][0]:.1f} → {s['loadavg_after'][0]:.1f}")
    console.print(table)
    targets = Table(title="targets")
    for col in ("target", "value", "limit", "met"):
        targets.add_column(col)
    for key, v in verdict.items():
        targets.add_row(key, f"{v['value']:.2f}", f"{v['target']}", "yes" if v["met"] else "NO")
    console.print(targets)


def _results_path(day: dt.date) -> Path:
    """results/<day>.json, or <day>-2.json, -3 ... when a run of the same day already wrote one."""
    path, n = RESULTS / f"{day.isoformat()}.json", 1
    while path.exists():
        n += 1
        path = RESULTS / f"{day.isoformat()}-{n}.json"
    return path


def _strip(res: dict) -> dict:
    """Keep the results JSON small: drop per-step dicts that carry paths."""
    return {k: v for k, v in res.items() if k not in ("steps",)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated provider counts")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep bench/out/<size>/ (inboxes, homes, logs)")
    ap.add_argument("--profile", action="store_true", help="cProfile the in-process steps of each full refresh")
    ap.add_argument("--full-only", default="", metavar="SIZES",
                    help="comma-separated sizes measured without the 1 %%-changed night (e.g. 100000)")
    ap.add_argument("--no-results", action="store_true", help="do not write bench/results/<date>.json")
    ap.add_argument("--references", action="store_true",
                    help="also measure the reference load (GLEIF Level 1/2 at GLEIF's size; bench/reference_load.py)")
    ap.add_argument("--references-only", action="store_true", help="measure only the reference load")
    ap.add_argument("--reference-rows", type=int, default=3_000_000, help="Level 1 records (default: GLEIF's size)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    uptime_before = _uptime()
    print(f"uptime: {uptime_before}", flush=True)
    if args.references_only:
        return _references_only(args, argv, uptime_before)
    references = bench_references(OUT / "references", args.reference_rows, args.seed) if args.references else None
    fixed = fixed_overhead(args.seed, OUT / "fixed")
    full_only = {int(s) for s in args.full_only.split(",") if s.strip()}
    results = {n: bench_size(n, args.seed, OUT / str(n), args.profile, night=n not in full_only) for n in sizes}
    verdict = verdicts(fixed, results)
    print_table(fixed, results, verdict)
    if references is not None:
        print_references(references)
    uptime_after = _uptime()
    print(f"uptime: {uptime_after}")
    if not args.no_results:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = _results_path(dt.date.today())
        doc = {
            "date": dt.date.today().isoformat(),
            "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
            "seed": args.seed,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "duckdb": duckdb.__version__,
                        "platform": platform.platform(), "uptime_before": uptime_before,
                        "uptime_after": uptime_after,
                        "note": "shared 2-core machine, other test suites running concurrently: timings are noisy"},
            "fixed_overhead": _strip(fixed),
            "sizes": {str(n): {**r, **{k: _strip(r[k]) for k in ("full", "first_night", "incremental") if k in r}}
                      for n, r in results.items()},
            "targets": verdict,
            **({"references": references} if references is not None else {}),
        }
        path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
        print(f"results: {path.relative_to(REPO)}")
    if not args.keep:
        shutil.rmtree(OUT, ignore_errors=True)
    return 0


def _references_only(args, argv: list[str] | None, uptime_before: str) -> int:
    """`--references-only`: the reference-load figure alone, written to bench/results/<date>-references.json."""
    figures = bench_references(OUT / "references", args.reference_rows, args.seed)
    print_references(figures)
    uptime_after = _uptime()
    print(f"uptime: {uptime_after}")
    if not args.no_results:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{dt.date.today().isoformat()}-references.json"
        doc = {"date": dt.date.today().isoformat(),
               "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "duckdb": duckdb.__version__,
                           "uptime_before": uptime_before, "uptime_after": uptime_after,
                           "note": "shared 2-core machine, other test suites running concurrently: read the CPU "
                                   "seconds and the load average"},
               "references": figures}
        path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
        print(f"results: {path.relative_to(REPO)}")
    if not args.keep:
        shutil.rmtree(OUT / "references", ignore_errors=True)
    return 0


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
