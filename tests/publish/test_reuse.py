"""Incremental publish: unchanged files are hard links of the previous release, unchanged pages are not rendered,
and every release stays complete on its own."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import duckdb

from sealreg.publish.chain import read_manifest
from sealreg.publish.release import build_release
from sealreg.publish.site import inputs
from sealreg.publish.verify import verify_release


def _same(a: Path, b: Path) -> bool:
    return os.path.samefile(a, b)


def _next_night(ctx, sql: str = "") -> None:
    """The warehouse of the next night: the evaluation date one day later, plus the given change."""
    con = duckdb.connect(str(ctx.run_warehouse))
    try:
        con.execute("UPDATE services SET evaluated_on = evaluated_on + INTERVAL 1 DAY")
        if sql:
            con.execute(sql)
    finally:
        con.close()


def test_a_quiet_night_links_every_unchanged_file_and_renders_no_detail_page(ctx, real_site):
    first = build_release(ctx)
    _next_night(ctx)  # only the evaluation date moves
    second = build_release(ctx)
    assert verify_release(second) == []
    before, after = read_manifest(first)["files"], read_manifest(second)["files"]
    same = [rel for rel, e in after.items() if before.get(rel) == e]
    assert "site/services/svc-a.html" in same and "site/providers/prov-a.html" in same
    assert "parquet/providers.parquet" in same and "csv/providers.csv.gz" in same
    assert "site/services-names.js" in same  # the search data that a new date leaves as it is
    for rel in same:
        assert _same(first / rel, second / rel), rel  # one inode, two names
    # the date lives on the index and in the one shared file, never on a detail page
    script = "site/static/release.js"
    assert (second / script).read_bytes() != (first / script).read_bytes()
    assert second.name in (second / "site" / "index.html").read_text()
    for page in (second / "site" / "services").iterdir():
        assert second.name not in page.read_text() and first.name not in page.read_text()
    recorded = inputs.read_inputs(second)
    assert recorded and recorded == inputs.read_inputs(first)


def test_a_changed_service_gets_a_new_page_and_the_others_are_linked(ctx, real_site):
    first = build_release(ctx)
    _next_night(ctx, "UPDATE services SET name = 'Alpha Object Storage II' WHERE service_id = 'svc-a'")
    second = build_release(ctx)
    assert verify_release(second) == []
    page = second / "site" / "services" / "svc-a.html"
    assert "Alpha Object Storage II" in page.read_text() and not _same(first / "site/services/svc-a.html", page)
    assert _same(first / "site/services/svc-b.html", second / "site/services/svc-b.html")
    # svc-a's provider lists its services by name: its page changes too
    assert "Alpha Object Storage II" in (second / "site/providers/prov-a.html").read_text()


def test_a_changed_detail_row_renders_its_page_anew(ctx, real_site):
    first = build_release(ctx)
    _next_night(ctx, "UPDATE criterion_results SET rung = 0 WHERE service_id = 'svc-b'")
    second = build_release(ctx)
    assert not _same(first / "site/services/svc-b.html", second / "site/services/svc-b.html")
    assert _same(first / "site/services/svc-a.html", second / "site/services/svc-a.html")


def test_deleting_the_older_release_never_breaks_the_newer_one(ctx, real_site):
    first = build_release(ctx)
    _next_night(ctx)
    second = build_release(ctx)
    shutil.rmtree(first)
    assert verify_release(second) == []
    assert (second / "site" / "services" / "svc-a.html").read_text().startswith("<!doctype html>")
    _next_night(ctx)  # and the next night builds from the release that is left
    third = build_release(ctx)
    assert verify_release(third) == []
    assert _same(second / "site/services/svc-a.html", third / "site/services/svc-a.html")


def test_a_page_altered_in_the_older_release_is_rendered_anew_not_linked(ctx, real_site):
    """Reuse checks the bytes of the file it links against the older manifest: an altered file is never
    carried into the newer release."""
    first = build_release(ctx)
    page = first / "site" / "services" / "svc-a.html"
    data = bytearray(page.read_bytes())
    data[-10] ^= 1
    page.write_bytes(bytes(data))  # same size, other bytes
    _next_night(ctx)
    second = build_release(ctx)
    assert verify_release(second) == []
    assert not _same(page, second / "site/services/svc-a.html")
    assert _same(first / "site/services/svc-b.html", second / "site/services/svc-b.html")


def test_a_site_with_reused_pages_is_byte_identical_to_one_rendered_whole(ctx, real_site, tmp_path):
    from sealreg.publish.site import build_site

    build_release(ctx)
    _next_night(ctx, "UPDATE services SET name = 'Alpha Object Storage II' WHERE service_id = 'svc-a'")
    second = build_release(ctx)
    whole = tmp_path / "copy" / second.name
    shutil.copytree(second, whole)
    shutil.rmtree(whole / "site")
    build_site(whole)  # no previous release: every page rendered

    def pages(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    built, rendered = pages(second / "site"), pages(whole / "site")
    # downloads.html lists the release's files, and the copy holds the ones written after the site
    # (trust/, SHA256SUMS, the manifest): it is the one page that may differ
    built.pop("downloads.html"), rendered.pop("downloads.html")
    assert built == rendered and "services/svc-a.html" in built
    assert (second / inputs.INPUTS_FILE).read_bytes() == (whole / inputs.INPUTS_FILE).read_bytes()


def _hashed_by_reuse(monkeypatch) -> list[Path]:
    """The files reuse reads to check them before linking (sealreg.publish.reuse.sha256_file, still computed)."""
    from sealreg.publish import reuse

    seen: list[Path] = []
    real = reuse.sha256_file

    def counting(path: Path) -> str:
        seen.append(Path(path))
        return real(path)

    monkeypatch.setattr(reuse, "sha256_file", counting)
    return seen


def test_files_the_switch_verified_are_linked_without_being_read_again(ctx, real_site, monkeypatch):
    from sealreg.publish.reuse import VERIFIED_DIR
    from sealreg.publish.switch import switch_current

    first = build_release(ctx)
    switch_current(ctx, first)
    assert (ctx.paths.releases / VERIFIED_DIR / f"{first.name}.json").is_file()
    hashed = _hashed_by_reuse(monkeypatch)
    _next_night(ctx)
    second = build_release(ctx)
    assert not [p for p in hashed if first in p.parents]  # their stamps are the ones the switch recorded
    assert _same(first / "parquet/providers.parquet", second / "parquet/providers.parquet")
    assert _same(first / "site/services/svc-a.html", second / "site/services/svc-a.html")
    switch_current(ctx, second)
    assert [p.name for p in (ctx.paths.releases / VERIFIED_DIR).iterdir()] == [f"{second.name}.json"]
    shutil.rmtree(first)
    assert verify_release(second) == []


def test_a_verified_file_altered_afterwards_is_read_and_not_linked(ctx, real_site, monkeypatch):
    """The recorded stamp includes the ctime, which any write moves (and os.utime cannot set back)."""
    from sealreg.publish.switch import switch_current

    first = build_release(ctx)
    switch_current(ctx, first)
    target = first / "csv" / "providers.csv.gz"
    st = target.stat()
    data = bytearray(target.read_bytes())
    data[-12] ^= 1
    target.write_bytes(bytes(data))  # same size, other bytes, old mtime
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    hashed = _hashed_by_reuse(monkeypatch)
    _next_night(ctx)
    second = build_release(ctx)
    assert target in hashed
    assert not _same(target, second / "csv/providers.csv.gz")
    assert _same(first / "parquet/providers.parquet", second / "parquet/providers.parquet")
    assert verify_release(second) == []


def test_page_digests_altered_in_the_older_release_never_carry_a_stale_page_over(ctx, real_site):
    """The older release's site-inputs.json.gz decides which pages are linked unrendered: it is trusted only
    with the bytes its manifest lists. Here it is edited to claim that svc-a's page was rendered from
    tonight's inputs; the page must still be rendered anew, not linked with yesterday's name."""
    first = build_release(ctx)
    _next_night(ctx, "UPDATE services SET name = 'Alpha Object Storage II' WHERE service_id = 'svc-a'")
    honest = build_release(ctx)
    tonight = inputs.read_inputs(honest)["services/svc-a.html"]
    shutil.rmtree(honest)  # the attacker knows tonight's digest; the older release is the previous one again
    recorded = first / inputs.INPUTS_FILE
    old = inputs.read_inputs(first)["services/svc-a.html"]
    assert old != tonight
    forged = gzip.decompress(recorded.read_bytes()).replace(old.encode(), tonight.encode())
    recorded.write_bytes(gzip.compress(forged, mtime=0))
    assert inputs.read_inputs(first)["services/svc-a.html"] == tonight  # well-formed: only its digest tells
    second = build_release(ctx)
    page = second / "site" / "services" / "svc-a.html"
    assert "Alpha Object Storage II" in page.read_text()
    assert not _same(first / "site/services/svc-a.html", page)
    assert _same(first / "site/services/svc-b.html", second / "site/services/svc-b.html")
    assert verify_release(second) == []


def test_a_page_and_manifest_forged_together_in_the_older_release_are_never_linked(ctx, real_site):
    """Reuse checks a file against the older manifest, so that manifest must be the one the registry signed:
    a page altered together with its manifest entry (the signature no longer verifies) is rendered anew,
    not carried into the newer release and signed there."""
    import json

    from sealreg.publish.reuse import sha256_file

    first = build_release(ctx)
    page = first / "site" / "services" / "svc-a.html"
    page.write_text(page.read_text().replace("</footer>", "<script>alert(1)</script></footer>"))
    manifest_path = first / "manifest.json"
    manifest = json.loads(manifest_path.read_bytes())
    manifest["files"]["site/services/svc-a.html"] = {"sha256": sha256_file(page), "size": page.stat().st_size}
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    assert verify_release(first) != []  # the forged manifest's signature fails
    _next_night(ctx)
    second = build_release(ctx)
    assert "alert(1)" not in (second / "site/services/svc-a.html").read_text()
    assert not _same(page, second / "site/services/svc-a.html")
    assert verify_release(second) == []


def test_a_linked_file_edited_through_the_older_release_fails_the_newer_release_verify(ctx, real_site):
    """A hard link shares the inode: an edit made through the older release's name alters the newer
    release too, and the newer release's own manifest (not a cached stamp) catches it."""
    first = build_release(ctx)
    _next_night(ctx)
    second = build_release(ctx)
    page = first / "site" / "services" / "svc-b.html"
    assert _same(page, second / "site/services/svc-b.html")
    data = bytearray(page.read_bytes())
    data[-10] ^= 1
    with open(page, "r+b") as f:  # in place: the inode both releases name
        f.write(bytes(data))
    problems = verify_release(second)
    assert [(p.code, p.file) for p in problems] == [("V005", "site/services/svc-b.html")]


def test_a_forged_verified_record_can_only_get_the_next_release_refused(ctx, real_site):
    """The stamp record is a cache: forged to vouch for a page altered since, it makes the night link that
    page unread, but the page is listed with the signed older manifest's digest, so the switch refuses it."""
    import json

    import pytest

    from sealreg.publish.reuse import VERIFIED_DIR, file_stamp
    from sealreg.publish.switch import SwitchError, switch_current

    first = build_release(ctx)
    switch_current(ctx, first)
    page = first / "site" / "services" / "svc-a.html"
    data = bytearray(page.read_bytes())
    data[-10] ^= 1
    page.write_bytes(bytes(data))  # same size, other bytes
    record_path = ctx.paths.releases / VERIFIED_DIR / f"{first.name}.json"
    record = json.loads(record_path.read_text())
    record["files"]["site/services/svc-a.html"] = file_stamp(page.stat())
    record_path.write_text(json.dumps(record))
    _next_night(ctx)
    second = build_release(ctx)
    assert _same(page, second / "site/services/svc-a.html")  # linked unread, as the forged record asked
    with pytest.raises(SwitchError, match="svc-a.html"):
        switch_current(ctx, second)
    assert os.path.realpath(ctx.paths.current) == str(first.resolve())
