"""Charts: every segment labelled with its count (counts of 1 too), colour-blind-safe colours, readable ink."""

from __future__ import annotations

import re

from sealreg.publish import charts

OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_segment_has_its_count_on_it_even_a_count_of_one() -> None:
    rows = [("Listed", [0, 1, 40, 1, 0]), ("Suspended", [0, 0, 1, 0, 0]), ("Expired", [1, 1, 1, 1, 1])]
    chart = charts.stacked_levels("c", "UAL by status", rows, "UAL", "Status")
    svg = str(chart.svg)
    segments = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="20" fill="(#\w+)">', svg)
    labels = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle" fill="(#\w+)">(\d+)</text>', svg)
    assert len(segments) == 3 + 1 + 5 == len(labels)
    for (x, w, fill), (tx, ink, _count) in zip(segments, labels, strict=True):
        assert float(w) >= charts.MIN_SEGMENT
        assert float(x) < float(tx) < float(x) + float(w)
        assert fill in OKABE_ITO
        assert _contrast(fill, ink) >= 4.5, (fill, ink)
    assert [c for *_, c in labels] == ["1", "40", "1", "1", "1", "1", "1", "1", "1"]
    ends = [float(x) + float(w) for x, w, _ in segments]
    assert max(ends) <= charts.WIDTH - 12 + 0.01  # the widened segments still fit the plot


def test_level_colours_are_okabe_ito_and_distinct() -> None:
    assert set(charts.LEVEL_COLOURS) <= OKABE_ITO and len(set(charts.LEVEL_COLOURS)) == 5
