"""Full-page screenshots of a release's static site (home page and the most-flagged service page).

Usage: python scripts/site_screenshots.py [RELEASE_DIR] [--out site-screenshots]
RELEASE_DIR defaults to registry_home/current. Uses Debian's Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
from playwright.sync_api import sync_playwright

from sealreg.publish.chromium import CHROMIUM, CHROMIUM_ARGS

WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}


def most_flagged_service(release_dir: Path) -> str | None:
    """Service with the most washing flags (ties: smallest id); any service if nobody is flagged."""
    con = duckdb.connect(str(release_dir / "registry.duckdb"), read_only=True)
    try:
        row = con.execute(
            "select s.service_id, count(f.flag) as n from services s "
            "left join washing_flags f using (service_id) group by s.service_id "
            "order by n desc, s.service_id limit 1"
        ).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def take(release_dir: Path, out_dir: Path) -> list[Path]:
    """Save desktop and phone screenshots of index.html and one service page; return the files."""
    site = (release_dir / "site").resolve()
    if not (site / "index.html").is_file():
        raise SystemExit(f"no site in {release_dir}: expected {site / 'index.html'}")
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: run scripts/install-chromium.sh")
    pages = {"home": site / "index.html"}
    service_id = most_flagged_service(release_dir)
    if service_id and (site / "services" / f"{service_id}.html").is_file():
        pages[f"service-{service_id}"] = site / "services" / f"{service_id}.html"
    out_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for label, (width, height) in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
                page = context.new_page()
                for name, path in pages.items():
                    page.goto(path.as_uri())
                    target = out_dir / f"{name}-{label}.png"
                    page.screenshot(path=str(target), full_page=True)
                    saved.append(target)
                context.close()
        finally:
            browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("release_dir", nargs="?", default="registry_home/current", type=Path)
    parser.add_argument("--out", default="site-screenshots", type=Path)
    args = parser.parse_args(argv)
    for path in take(args.release_dir, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
