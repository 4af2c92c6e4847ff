"""Reuse never trusts a previous release's file by its name: a file replaced there by a symlink or by another
inode (its mtime set back, after the switch recorded the stamps) is read again or refused, never linked blindly."""

from __future__ import annotations

import os
import shutil

import duckdb

from sealreg.publish.release import build_release
from sealreg.publish.switch import switch_current
from sealreg.publish.verify import verify_release

PAGE = "site/services/svc-a.html"


def _next_night(ctx) -> None:
    con = duckdb.connect(str(ctx.run_warehouse))
    try:
        con.execute("UPDATE services SET evaluated_on = evaluated_on + INTERVAL 1 DAY")
    finally:
        con.close()


def test_a_previous_page_replaced_by_a_symlink_to_the_same_bytes_is_not_carried_over(ctx, real_site, tmp_path):
    first = build_release(ctx)
    switch_current(ctx, first)  # stamps recorded
    outside = tmp_path / "outside.html"
    shutil.copyfile(first / PAGE, outside)
    (first / PAGE).unlink()
    (first / PAGE).symlink_to(outside)
    _next_night(ctx)
    second = build_release(ctx)
    page = second / PAGE
    assert not page.is_symlink() and not os.path.samefile(page, outside)
    assert page.read_bytes() == outside.read_bytes()
    assert verify_release(second) == []
    assert os.path.samefile(first / "site/services/svc-b.html", second / "site/services/svc-b.html")


def test_a_previous_page_replaced_by_another_inode_with_its_size_and_mtime_is_read_not_linked(ctx, real_site):
    first = build_release(ctx)
    switch_current(ctx, first)
    page = first / PAGE
    before = page.stat()
    data = bytearray(page.read_bytes())
    data[-10] ^= 1
    swapped = page.with_name(".swap")
    swapped.write_bytes(bytes(data))  # same size, other bytes, a new inode
    os.utime(swapped, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(swapped, page)
    _next_night(ctx)
    second = build_release(ctx)
    assert not os.path.samefile(page, second / PAGE)
    assert verify_release(second) == []


def test_building_the_next_release_writes_nothing_through_a_name_it_shares_with_the_current_one(ctx, real_site):
    """Pages of the new release are hard links of the current one's or new files: a page rendered anew is
    never written into an inode the current release also names."""
    first = build_release(ctx)
    switch_current(ctx, first)
    _next_night(ctx)
    con = duckdb.connect(str(ctx.run_warehouse))
    try:
        con.execute("UPDATE services SET name = name || ' renamed' WHERE service_id = 'svc-a'")
    finally:
        con.close()
    second = build_release(ctx)
    assert verify_release(first) == [] and verify_release(second) == []
    assert not os.path.samefile(first / PAGE, second / PAGE)
    assert (first / PAGE).read_bytes() != (second / PAGE).read_bytes()
