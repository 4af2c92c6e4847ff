"""`reuse.link_file`: a new name costs one link(2); a name already taken is replaced atomically, never followed."""

from __future__ import annotations

import os

from sealreg.publish.reuse import link_file


def test_a_new_name_becomes_a_second_name_of_the_same_bytes_and_leaves_no_temporary(tmp_path):
    source = tmp_path / "old" / "page.html"
    source.parent.mkdir()
    source.write_bytes(b"<p>page")
    target = tmp_path / "new" / "page.html"
    target.parent.mkdir()

    assert link_file(source, target)
    assert os.path.samefile(source, target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["page.html"]


def test_a_taken_name_is_replaced_and_a_symlink_there_is_not_followed(tmp_path):
    source = tmp_path / "page.html"
    source.write_bytes(b"<p>page")
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep")
    site = tmp_path / "site"
    site.mkdir()
    (site / "file.html").write_bytes(b"stale")
    (site / "link.html").symlink_to(outside)

    assert link_file(source, site / "file.html")
    assert link_file(source, site / "link.html")

    assert os.path.samefile(source, site / "file.html")
    assert not (site / "link.html").is_symlink() and os.path.samefile(source, site / "link.html")
    assert outside.read_bytes() == b"keep"
    assert sorted(p.name for p in site.iterdir()) == ["file.html", "link.html"]


def test_a_source_that_is_gone_gives_false_and_writes_nothing(tmp_path):
    target = tmp_path / "page.html"
    assert not link_file(tmp_path / "missing.html", target)
    assert not target.exists() and list(tmp_path.iterdir()) == []
