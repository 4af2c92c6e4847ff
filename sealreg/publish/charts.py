"""Small inline-SVG charts for the static registry site: no JavaScript, no network, deterministic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup, escape

# Level colours (SEAL / UAL 0..4) from the Okabe-Ito palette, distinct for colour-blind readers:
# vermillion, orange, yellow, sky blue, blue. Each segment's number is drawn in the ink of LEVEL_INK
# (black or white, whichever contrasts more with the colour).
LEVEL_COLOURS = ("#D55E00", "#E69F00", "#F0E442", "#56B4E9", "#0072B2")
LEVEL_INK = ("#000000", "#000000", "#000000", "#000000", "#ffffff")
MIN_SEGMENT = 22  # px: every non-zero segment is at least this wide, so its count can be read
BAR_COLOUR = "#1d4ed8"
AXIS_COLOUR = "#4b5563"
TEXT_COLOUR = "#1f2937"
WIDTH = 360
FONT = 'font-family="system-ui, sans-serif" font-size="14"'


@dataclass(frozen=True)
class Chart:
    """An SVG chart plus the same figures as a table (its text alternative)."""

    chart_id: str
    title: str
    svg: Markup
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _n(value: float) -> str:
    """Coordinates with at most two decimals, stable across runs."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _svg(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> Markup:
    cid = escape(chart_id)
    head = (
        f'<svg class="chart" id="{cid}" viewBox="0 0 {WIDTH} {_n(height)}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" xmlns="http://www.w3.org/2000/svg" {FONT}>'
        f'<title id="{cid}-title">{escape(title)}</title><desc id="{cid}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, content: str, anchor: str = "start", fill: str = TEXT_COLOUR, extra: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{fill}"{extra}>{escape(content)}</text>'


def score_histogram(chart_id: str, scores: Sequence[float | None], bins: int = 10) -> Chart:
    """Histogram of sovereignty scores (0-100) in equal bins; 100 falls in the last bin."""
    counts = [0] * bins
    for score in scores:
        if score is None:
            continue
        counts[min(bins - 1, max(0, int(float(score) * bins // 100)))] += 1
    step = 100 / bins
    labels = [f"{_n(i * step)}–{_n((i + 1) * step)}" for i in range(bins)]
    left, right, top, bottom, plot_h = 34, 18, 18, 40, 150
    plot_w = WIDTH - left - right
    top_count = max(counts) or 1
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" stroke="{AXIS_COLOUR}"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{AXIS_COLOUR}"/>',
        _text(left - 6, top + 4, str(top_count), "end"),
        _text(left - 6, top + plot_h, "0", "end"),
    ]
    bar_w = plot_w / bins
    for i, count in enumerate(counts):
        x = left + i * bar_w
        h = plot_h * count / top_count
        if count:
            body.append(
                f'<rect x="{_n(x + 2)}" y="{_n(top + plot_h - h)}" width="{_n(bar_w - 4)}" '
                f'height="{_n(h)}" fill="{BAR_COLOUR}"><title>{escape(labels[i])}: {count}</title></rect>'
            )
            body.append(_text(x + bar_w / 2, top + plot_h - h - 4, str(count), "middle"))
    for i in range(0, bins + 1, 2):
        body.append(_text(left + i * bar_w, top + plot_h + 16, _n(i * step), "middle"))
    body.append(_text(left + plot_w / 2, top + plot_h + 34, "Sovereignty score", "middle"))
    total = sum(counts)
    title = "Distribution of sovereignty scores"
    desc = f"{total} services in {bins} score bands from 0 to 100."
    svg = _svg(chart_id, title, desc, top + plot_h + bottom, body)
    rows = tuple((lab, str(c)) for lab, c in zip(labels, counts, strict=True))
    return Chart(chart_id, title, svg, ("Score band", "Services"), rows)


def stacked_levels(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    level_name: str,
    row_header: str,
) -> Chart:
    """Horizontal bars, one per row label, stacked by level 0..4 (counts of services)."""
    left, right, top, row_h = 92, 12, 34, 28
    plot_w = WIDTH - left - right
    total = max((sum(counts) for _, counts in rows), default=0) or 1
    body: list[str] = []
    for level, colour in enumerate(LEVEL_COLOURS):
        lx = 8 + level * ((WIDTH - 16) / 5)
        body.append(f'<rect x="{_n(lx)}" y="6" width="12" height="12" fill="{colour}"/>')
        body.append(_text(lx + 16, 16, f"{level_name}-{level}"))
    for r, (label, counts) in enumerate(rows):
        y = top + r * row_h
        body.append(_text(left - 8, y + row_h / 2 + 4, label, "end"))
        x = float(left)
        for level, (count, w) in enumerate(zip(counts, _segment_widths(counts, total, plot_w), strict=True)):
            if not count:
                continue
            body.append(
                f'<rect x="{_n(x)}" y="{_n(y + 4)}" width="{_n(w)}" height="{row_h - 8}" '
                f'fill="{LEVEL_COLOURS[level]}"><title>{escape(label)}, {level_name}-{level}: {count}</title></rect>'
            )
            body.append(_text(x + w / 2, y + row_h / 2 + 4, str(count), "middle", LEVEL_INK[level]))
            x += w
    height = top + len(rows) * row_h + 8
    desc = (
        f"Number of services at each {level_name} level, per {row_header.lower()}; every segment is labelled "
        f"with its count and is at least {MIN_SEGMENT} px wide so small counts stay readable."
    )
    svg = _svg(chart_id, title, desc, height, body)
    headers = (row_header, *(f"{level_name}-{i}" for i in range(5)))
    table_rows = tuple((label, *(str(c) for c in counts)) for label, counts in rows)
    return Chart(chart_id, title, svg, headers, table_rows)


def _segment_widths(counts: Sequence[int], total: int, plot_w: float) -> list[float]:
    """Widths of one bar's segments: proportional to the counts, but each non-zero segment at least
    MIN_SEGMENT wide (a bar of small counts grows to hold them; the others give way in proportion)."""
    shown = [c for c in counts if c]
    if not shown:
        return [0.0] * len(counts)
    bar_w = min(plot_w, max(plot_w * sum(shown) / total, MIN_SEGMENT * len(shown)))
    floor = min(MIN_SEGMENT, bar_w / len(shown))
    extra = [max(0.0, plot_w * c / total - floor) if c else 0.0 for c in counts]
    scale = (bar_w - floor * len(shown)) / sum(extra) if sum(extra) > 0 else 0.0
    return [floor + e * scale if c else 0.0 for c, e in zip(counts, extra, strict=True)]
