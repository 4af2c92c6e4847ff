"""sealreg prune: old releases and quarantine folders go; current, the anchors, the latest and history stay."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sealreg.publish.keys import rotate
from sealreg.publish.prune import prune
from sealreg.publish.release import build_release
from sealreg.publish.switch import switch_current
from sealreg.publish.verify import verify_release
from sealreg.queries import lookup
from tests.helpers import sealreg_cli

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.timezone.utc)


def _days_ago(n: int) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def _quarantine(home: Path, run_id: str, age_days: int) -> Path:
    folder = home / "quarantine" / run_id
    folder.mkdir(parents=True)
    (folder / "bad.json").write_text("{}\n")
    stamp = _days_ago(age_days).timestamp()
    os.utime(folder, (stamp, stamp))
    return folder


def _nights(ctx) -> dict[str, Path]:
    r1 = build_release(ctx, built_at=_days_ago(200))  # first release: chain anchor
    r2 = build_release(ctx, built_at=_days_ago(100))
    rotate(ctx.paths.keys)
    r3 = build_release(ctx, built_at=_days_ago(99))  # first release of the new key: anchor
    r4 = build_release(ctx, built_at=_days_ago(50))
    switch_current(ctx, r4)
    r5 = build_release(ctx, built_at=_days_ago(1))  # latest (not made current here)
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5}


def test_prune_keeps_current_anchors_latest_and_young_releases(ctx):
    rel = _nights(ctx)
    old_q = _quarantine(ctx.home, "2026-06-01-aaaaaaaaaaaa", 180)
    young_q = _quarantine(ctx.home, "2026-11-30-bbbbbbbbbbbb", 2)
    current_run_q = ctx.home / "quarantine" / ctx.run_id  # the current release's rejections
    current_run_q.mkdir(parents=True)
    os.utime(current_run_q, (_days_ago(60).timestamp(),) * 2)
    before = {p: p.read_bytes() for p in (ctx.paths.decisions_log, ctx.paths.keys / "signing_key.pem")}

    result = prune(ctx, keep_days=30, now=NOW)
    assert result.removed == [rel["r2"], old_q]
    assert not rel["r2"].exists() and not old_q.exists()
    assert result.kept[rel["r1"].name].startswith("chain anchor: first release")
    assert result.kept[rel["r3"].name].startswith("chain anchor: first release signed by key")
    assert result.kept[rel["r4"].name] == "current"
    assert result.kept[rel["r5"].name].startswith("latest release")
    assert young_q.exists() and current_run_q.exists()
    assert result.bytes_freed > 0
    assert ctx.paths.current_release() == rel["r4"].resolve()
    for name in ("r1", "r3", "r4", "r5"):
        assert verify_release(rel[name]) == [], name
    assert {p: p.read_bytes() for p in before} == before  # decisions and keys untouched
    # the history `lookup --as-of` answers from lives in the current release
    assert lookup(ctx.home, "svc-a", dt.date(2026, 2, 15))["seal"] == 2
    assert not list(ctx.paths.releases.glob(".tmp-*"))


def test_prune_never_removes_anything_younger_than_keep_days(ctx):
    rel = _nights(ctx)
    result = prune(ctx, keep_days=365, now=NOW)
    assert result.removed == []
    assert all(p.exists() for p in rel.values())


def test_prune_command_dry_run_and_configured_default(ctx):
    rel = _nights(ctx)
    dry = sealreg_cli("prune", "--home", str(ctx.home), "--keep-days", "30", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"would remove releases/{rel['r2'].name}" in dry.stdout and rel["r2"].exists()
    # without --keep-days the configuration decides ($SEALREG_KEEP_DAYS)
    kept = sealreg_cli("prune", "--home", str(ctx.home), env={"SEALREG_KEEP_DAYS": "100000"})
    assert kept.returncode == 0 and "0 folder(s) removed" in kept.stdout
    bad = sealreg_cli("prune", "--home", str(ctx.home), env={"SEALREG_KEEP_DAYS": "soon"})
    assert bad.returncode == 2 and "SEALREG_KEEP_DAYS" in bad.stderr
    assert sealreg_cli("prune", "--home", str(ctx.home), "--keep-days", "-1").returncode == 2


def test_a_keep_days_beyond_the_calendar_keeps_everything(ctx):
    """A retention longer than the calendar reaches ("keep for ever", 18 digits) removes nothing; it crashed
    with OverflowError when the cutoff fell before year 1."""
    rel = _nights(ctx)
    old_q = _quarantine(ctx.home, "2026-06-01-aaaaaaaaaaaa", 180)
    for days in (800_000, 10**9, 10**17):
        result = prune(ctx, keep_days=days, now=NOW)
        assert result.removed == [] and result.kept[rel["r2"].name] == f"younger than {days} days"
    assert old_q.exists()
    done = sealreg_cli("prune", "--home", str(ctx.home), "--keep-days", "99999999999")
    assert done.returncode == 0 and "0 folder(s) removed" in done.stdout, done.stderr
    done = sealreg_cli("prune", "--home", str(ctx.home), env={"SEALREG_KEEP_DAYS": "9" * 18})
    assert done.returncode == 0 and "0 folder(s) removed" in done.stdout, done.stderr


def test_keep_days_on_the_command_line_follows_the_settings_rule(ctx):
    """--keep-days takes what $SEALREG_KEEP_DAYS takes: ASCII digits only (an Arabic-Indic "١٢" was 12)."""
    for bad in ("\u0661\u0662", "\u00b2", "+3", "9" * 5000):
        proc = sealreg_cli("prune", "--home", str(ctx.home), "--keep-days", bad, "--dry-run")
        assert proc.returncode == 2 and "whole number of days" in proc.stderr, (bad, proc.stderr[-300:])
        assert "Traceback" not in proc.stderr
