"""The site writer's page paths: plain names under the site folder only, checked without touching the disk."""

from __future__ import annotations

import os

import pytest

from sealreg.publish.site.writer import Writer, safe_target

HOSTILE = ["../x.html", "services/../../x.html", "/etc/x.html", "services//x.html", "services/./x.html",
           "services/x.y.html", "static/.html", "other/x.html", "services/x.html/", "services/X.html",
           "services/x.sh", "services\\..\\x.html", "services/x\0.html", ""]


@pytest.mark.parametrize("rel", HOSTILE)
def test_a_path_that_is_not_a_plain_page_name_is_refused(tmp_path, rel):
    with pytest.raises(ValueError, match="unsafe page path"):
        safe_target(tmp_path, rel)
    with pytest.raises(ValueError):
        Writer(tmp_path / "site").write(rel, b"x")
    assert not (tmp_path / "site").exists() or not any((tmp_path / "site").rglob("*"))


def test_pages_land_inside_the_site_and_are_recorded(tmp_path):
    out = Writer(tmp_path / "site")
    out.write("services/svc-1.html", b"<p>a")
    out.write("index.html", b"<p>i")
    source = tmp_path / "old.html"
    source.write_bytes(b"<p>old")
    assert out.link("providers/p-1.html", source, {"sha256": "0" * 64, "size": 6})
    assert (tmp_path / "site" / "services" / "svc-1.html").read_bytes() == b"<p>a"
    assert os.path.samefile(source, tmp_path / "site" / "providers" / "p-1.html")
    assert sorted(out.digests) == ["index.html", "providers/p-1.html", "services/svc-1.html"]
    assert safe_target(tmp_path, "static/app.js") == f"{tmp_path}/static/app.js"
