"""A service page names the weights its score was computed with when they are not the release's usual ones
(a revoked service keeps its last evaluation, made under the weights of its time)."""

from __future__ import annotations

import duckdb

from sealreg.publish.site import build_site


def _weights_line(html: str) -> str:
    start = html.index("<dt>Evaluated on")
    return html[start: html.index("</div>", start)]


def test_a_service_scored_with_other_weights_says_so_and_the_others_stay_short(release):
    con = duckdb.connect(str(release / "registry.duckdb"))
    con.execute("update services set weights_version = 'calculator-2025 <b>' where service_id = 'stratus-db'")
    con.close()
    site = build_site(release)
    odd = _weights_line((site / "services" / "stratus-db.html").read_text("utf-8"))
    assert "weights calculator-2025 &lt;b&gt;" in odd  # its own weights, escaped
    usual = _weights_line((site / "services" / "nimbus-compute.html").read_text("utf-8"))
    assert "weights" not in usual  # the release's weights: on the methodology page, not on every page
