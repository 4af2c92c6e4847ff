"""Static public registry site: reads a release's registry.duckdb, writes <release>/site/.

Pages are Jinja2 templates (autoescaped: disclosure text is untrusted), charts are inline SVG, the
only script is a small local file for search and sort. No network, no clock: same tables, same bytes.

Modules: `data` (reading the release's tables), `pages` (what each page shows), `rows` (long tables
rendered straight to escaped markup), `filters` (Jinja filters and badges), `parallel` (worker
processes for large sites), `writer` (safe file names, bytes and digests on disk).
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb

from sealreg.publish.reuse import PreviousRelease, entry_key
from sealreg.publish.site import inputs
from sealreg.publish.site.data import Tables
from sealreg.publish.site.pages import STATIC_DIR, Site, signing_fingerprint
from sealreg.publish.site.parallel import RenderWorkers
from sealreg.publish.site.writer import Writer

__all__ = ["build_site", "release_id_of"]

log = logging.getLogger(__name__)

RELEASE_ID = re.compile(r"\d{4}-\d{2}-\d{2}-\d{3}")


def build_site(
    release_dir: Path, digests: dict[str, dict[str, Any]] | None = None, previous: PreviousRelease | None = None
) -> Path:
    """Render the site of one release into ``release_dir / "site"`` and return that path.

    With ``digests``, it is updated with ``{"site/<path>": {"sha256": ..., "size": ...}}`` of every
    file written (hashed from the bytes as they are written, so the publisher need not re-read them).
    With ``previous`` (the last published release), each service or provider page whose input digest
    equals the one that release recorded is hard-linked from it instead of rendered. The digests are
    written to ``release_dir / INPUTS_FILE``.
    """
    release_dir = Path(release_dir)
    has_validation = (release_dir / "validation" / "index.html").is_file()
    site = release_dir / "site"
    staging = release_dir / "site.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    out = Writer(staging)
    db_path = release_dir / "registry.duckdb"
    release_id = release_id_of(release_dir)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        pages = Site(Tables(con), release_id, has_validation, out, signing_fingerprint(release_dir))
        for folder in ("services", "providers"):
            (staging / folder).mkdir(parents=True, exist_ok=True)
        files = release_files(release_dir)
        pages.present = frozenset(path for path, _size in files)  # what the methodology page may link
        before = inputs.read_inputs(previous.root, previous.files.get(inputs.INPUTS_FILE, {})) if previous else {}
        if before:
            page_inputs = pages.page_digests()
            reused = _reuse_pages(out, page_inputs, before, previous)
            if reused:
                pages.restrict({s["service_id"] for s in pages.pending if s["href"] not in reused},
                               {pid for pid, p in pages.provider_pending if p["href"] not in reused})
        else:
            reused = set()  # nothing to reuse: every page is rendered, and digested from what it shows
        log.info("site: %d pages reused from the previous release, %d rendered",
                 len(reused), len(pages.pending) + len(pages.provider_pending))
        workers = RenderWorkers(pages, db_path)  # they render detail pages while this process writes the home pages
        try:
            pages.home_pages()
            pages.downloads_page(files)
        except BaseException:
            workers.close()
            raise
        workers.finish()
        if not before:
            page_inputs = pages.page_digests()
    finally:
        con.close()
    (release_dir / inputs.INPUTS_FILE).write_bytes(inputs.inputs_bytes(page_inputs))
    for path in sorted(STATIC_DIR.iterdir()):
        if path.is_file():
            out.write(f"static/{path.name}", path.read_bytes())
    shutil.rmtree(site, ignore_errors=True)
    staging.rename(site)
    if digests is not None:
        digests.update({f"site/{rel}": entry for rel, entry in sorted(out.digests.items())})
    return site


def _reuse_pages(out: Writer, page_inputs: dict[str, str], before: dict[str, str],
                 previous: PreviousRelease) -> set[str]:
    """Hard-link each page whose input digest the previous release recorded (`before`) unchanged, from the
    same path of that release if that file still holds the bytes its manifest lists; the pages linked."""
    reused = set()
    files = previous.files
    for rel, page_digest in page_inputs.items():
        if before.get(rel) != page_digest:
            continue
        entry = files.get(f"site/{rel}")
        key = entry_key(entry) if entry is not None else None
        source = previous.holding(f"site/{rel}", key) if key is not None else None
        if source is not None and out.link(rel, source, entry):
            reused.add(rel)
    return reused


def release_files(release_dir: Path) -> list[tuple[str, int]]:
    """The release's downloadable files (path relative to the release, size in bytes), the site and the
    gates' report and the page digests aside; the signed manifest is written after the site, so it is named
    on the page only."""
    skip = ("site", "site.tmp", "validation", inputs.INPUTS_FILE)
    return sorted(
        (p.relative_to(release_dir).as_posix(), p.stat().st_size)
        for p in release_dir.rglob("*")
        if p.is_file() and p.relative_to(release_dir).parts[0] not in skip
    )


def release_id_of(release_dir: Path) -> str:
    """Release id from the folder name; the publisher builds in `.tmp-<release_id>` before renaming."""
    match = RELEASE_ID.search(release_dir.name)
    return match.group(0) if match else release_dir.name.lstrip(".").removeprefix("tmp-")
