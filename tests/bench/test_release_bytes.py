"""The bench's release-size figures: a hard-linked file is not new bytes."""

from __future__ import annotations

import os

from bench.__main__ import release_bytes


def test_new_bytes_leave_out_hard_links_of_the_previous_release(tmp_path):
    old, new = tmp_path / "r1", tmp_path / "r2"
    for r in (old, new):
        (r / "site" / "services").mkdir(parents=True)
    (old / "site" / "services" / "a.html").write_bytes(b"x" * 100)
    os.link(old / "site" / "services" / "a.html", new / "site" / "services" / "a.html")
    (new / "site" / "index.html").write_bytes(b"y" * 30)
    (new / "registry.duckdb").write_bytes(b"z" * 7)
    figures = release_bytes(new)
    assert figures["total"] == 137 and figures["new"] == 37 and figures["site"] == 130
    assert figures["parts"] == {"site": 130, "(top)": 7}
