"""Comparison charts as inline SVG: one bar per alternative for cost, days and CO2e.

SVG text is shaped by the browser that shows or prints the report, so Kazakh, Russian and Urdu
labels render correctly (a raster chart library would not join Urdu letters). In right-to-left
languages the bars grow from the right.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from daliz.i18n import is_rtl
from daliz.reports.html import esc


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, optional upper whisker (e.g. P90) and colour."""

    label: str
    value: float
    high: float | None
    colour: str


@dataclass(frozen=True)
class Panel:
    """A titled set of bars sharing one scale."""

    title: str
    bars: Sequence[Bar]
    fmt: Callable[[float], str]


def bar_panels(panels: Sequence[Panel], *, lang: str | None = None, width: float = 760) -> str:
    """Panels side by side, each a horizontal bar chart; returns an SVG element."""
    rtl = is_rtl(lang)
    count = max((len(p.bars) for p in panels), default=0)
    row_h, top, gap = 22.0, 30.0, 18.0
    height = top + count * row_h + 10
    panel_w = (width - gap * (len(panels) - 1)) / max(len(panels), 1)
    label_w = 26.0
    parts = []
    for index, panel in enumerate(panels):
        x0 = index * (panel_w + gap)
        if rtl:
            x0 = width - x0 - panel_w
        top_value = max((max(b.value, b.high or 0.0) for b in panel.bars), default=0.0) or 1.0
        span = panel_w - label_w - 58
        anchor_title = "end" if rtl else "start"
        title_x = x0 + panel_w if rtl else x0
        parts.append(
            f'<text x="{title_x:.1f}" y="16" class="title" text-anchor="{anchor_title}">'
            f"{esc(panel.title)}</text>"
        )
        for row, bar in enumerate(panel.bars):
            y = top + row * row_h
            length = span * bar.value / top_value
            if rtl:
                start = x0 + panel_w - label_w
                bar_x = start - length
                label_x, label_anchor = x0 + panel_w - 2, "end"
                value_x, value_anchor = bar_x - 4, "end"
            else:
                start = x0 + label_w
                bar_x = start
                label_x, label_anchor = x0 + 2, "start"
                value_x, value_anchor = start + length + 4, "start"
            parts.append(
                f'<text x="{label_x:.1f}" y="{y + 12:.1f}" class="label" '
                f'text-anchor="{label_anchor}">{esc(bar.label)}</text>'
                f'<rect x="{bar_x:.1f}" y="{y + 2:.1f}" width="{max(length, 0.5):.1f}" '
                f'height="{row_h - 7:.1f}" fill="{bar.colour}" rx="2"/>'
            )
            if bar.high is not None and bar.high > bar.value:
                high = span * bar.high / top_value
                hx = start - high if rtl else start + high
                bx = start - length if rtl else start + length
                mid = y + 2 + (row_h - 7) / 2
                parts.append(
                    f'<line x1="{bx:.1f}" y1="{mid:.1f}" x2="{hx:.1f}" y2="{mid:.1f}" '
                    'class="whisker"/>'
                    f'<line x1="{hx:.1f}" y1="{mid - 5:.1f}" x2="{hx:.1f}" y2="{mid + 5:.1f}" '
                    'class="whisker"/>'
                )
                value_x = (hx - 4) if rtl else (hx + 4)
                text = f"{panel.fmt(bar.value)}–{panel.fmt(bar.high)}"
            else:
                text = panel.fmt(bar.value)
            parts.append(
                f'<text x="{value_x:.1f}" y="{y + 12:.1f}" class="value" '
                f'text-anchor="{value_anchor}">{esc(text)}</text>'
            )
    style = (
        "<style>text{font-family:inherit}.title{font-size:12px;font-weight:700;fill:#0b3d5c}"
        ".label{font-size:11px;font-weight:700;fill:#333}.value{font-size:10.5px;fill:#333}"
        ".whisker{stroke:#333;stroke-width:1.3}</style>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" direction="ltr">{style}{"".join(parts)}</svg>'
    )


def nice_ceiling(value: float) -> float:
    """The smallest 'round' number (1, 2, 2.5, 4, 5, 8 × 10^k) at or above `value` whose
    quarters are round too, for axis tops."""
    if value <= 0:
        return 1.0
    magnitude = float(10.0 ** math.floor(math.log10(value)))
    for step in (1.0, 1.2, 1.6, 2.0, 2.4, 3.2, 4.0, 6.0, 8.0, 10.0):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def line_chart(
    title: str,
    xs: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None], str]],
    fmt: Callable[[float], str],
    *,
    lang: str | None = None,
    width: float = 760,
    height: float = 260,
    target: tuple[str, float] | None = None,
) -> str:
    """A line chart of one or more series over categorical x values (e.g. years).

    `series` holds (name, values aligned with xs, colour); `target` draws a horizontal line.
    """
    rtl = is_rtl(lang)
    left, right, top, bottom = 64.0, 14.0, 30.0, 46.0
    if rtl:
        left, right = right, left
    values = [v for _, vs, _ in series for v in vs if v is not None]
    if target is not None:
        values.append(target[1])
    high = nice_ceiling(max(values, default=1.0) * 1.04)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(i: int) -> float:
        step = plot_w / max(len(xs) - 1, 1)
        pos = i * step
        return (left + plot_w - pos) if rtl else (left + pos)

    def y_of(v: float) -> float:
        return top + plot_h - plot_h * v / high

    parts = [
        f'<text x="{(width - 4) if rtl else 4:.1f}" y="16" class="title" '
        f'text-anchor="{"end" if rtl else "start"}">{esc(title)}</text>'
    ]
    for k in range(5):
        v = high * k / 4
        y = y_of(v)
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{width - right:.1f}" y2="{y:.1f}" '
            'class="grid"/>'
        )
        tx, anchor = ((width - right + 4), "start") if rtl else ((left - 4), "end")
        parts.append(
            f'<text x="{tx:.1f}" y="{y + 3.5:.1f}" class="tick" text-anchor="{anchor}">'
            f"{esc(fmt(v))}</text>"
        )
    for i, label in enumerate(xs):
        parts.append(
            f'<text x="{x_of(i):.1f}" y="{top + plot_h + 15:.1f}" class="tick" '
            f'text-anchor="middle">{esc(label)}</text>'
        )
    if target is not None:
        y = y_of(target[1])
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{width - right:.1f}" y2="{y:.1f}" '
            'class="target"/>'
            f'<text x="{(left + 4) if not rtl else (width - right - 4):.1f}" y="{y - 4:.1f}" '
            f'class="tick" text-anchor="{"end" if rtl else "start"}">{esc(target[0])}</text>'
        )
    legend_x = left if not rtl else width - right
    for n, (name, vals, colour) in enumerate(series):
        points = [(x_of(i), y_of(v)) for i, v in enumerate(vals) if v is not None]
        if points:
            parts.append(
                '<polyline points="'
                + " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                + f'" fill="none" stroke="{colour}" stroke-width="2.2"/>'
            )
            parts += [
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{colour}"/>' for x, y in points
            ]
        ly = height - 12
        lx = legend_x + (n * 190 if not rtl else -n * 190)
        parts.append(
            f'<rect x="{(lx if not rtl else lx - 14):.1f}" y="{ly - 8:.1f}" width="14" '
            f'height="8" fill="{colour}"/>'
            f'<text x="{(lx + 18) if not rtl else (lx - 18):.1f}" y="{ly:.1f}" class="tick" '
            f'text-anchor="{"end" if rtl else "start"}">{esc(name)}</text>'
        )
    style = (
        "<style>text{font-family:inherit}.title{font-size:12px;font-weight:700;fill:#0b3d5c}"
        ".tick{font-size:10px;fill:#445}.grid{stroke:#e1e5ea;stroke-width:1}"
        ".target{stroke:#c0392b;stroke-width:1.4;stroke-dasharray:6 4}</style>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" direction="ltr">{style}{"".join(parts)}</svg>'
    )
