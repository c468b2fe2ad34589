"""Charts of a comparison: a PNG (matplotlib) and a self-contained HTML page (inline SVG).

Both show, per variant, the best route's cost (USD) and its door-to-door days — the median as a
bar and P90 as a whisker — with the corridor named. The HTML needs nothing from the network: no
scripts, fonts or styles from a CDN.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

from daliz.scenarios.compare import Comparison, ComparisonRow

COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3")


def _label(row: ComparisonRow) -> str:
    return row.scenario if row.scenario != "base" else "base"


def write_png(comparison: Comparison, path: Path) -> Path:
    """Draw the comparison as a two-panel bar chart PNG at `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = comparison.rows
    labels = [_label(r) for r in rows]
    xs = list(range(len(rows)))
    fig, (ax_cost, ax_days) = plt.subplots(1, 2, figsize=(max(8.0, 2.2 * len(rows) + 3), 4.8))
    costs = [r.cost_usd or 0.0 for r in rows]
    ax_cost.bar(xs, costs, color=[COLOURS[i % len(COLOURS)] for i in xs])
    ax_cost.set_title("Best route: cost, USD", fontsize=11)
    ax_cost.set_ylim(0, max([*costs, 1.0]) * 1.3)
    medians = [r.median_days or 0.0 for r in rows]
    upper = [
        max((r.days_p90 or 0.0) - (r.median_days or 0.0), 0.0) if r.days_p90 else 0.0 for r in rows
    ]
    ax_days.bar(
        xs,
        medians,
        yerr=[[0.0] * len(rows), upper],
        capsize=6,
        color=[COLOURS[i % len(COLOURS)] for i in xs],
    )
    ax_days.set_title("Days: median (bar), P90 (whisker)", fontsize=11)
    ax_days.set_ylim(0, max([m + u for m, u in zip(medians, upper, strict=True)] + [1.0]) * 1.15)
    for ax in (ax_cost, ax_days):
        ax.set_xticks(xs, labels, rotation=20, ha="right")
        ax.grid(axis="y", alpha=0.3)
    for i, row in enumerate(rows):
        text = row.corridor or "no route"
        ax_cost.annotate(
            _wrap(text, 22),
            (i, costs[i]),
            ha="center",
            va="bottom",
            fontsize=7,
            xytext=(0, 2),
            textcoords="offset points",
        )
    request = comparison.request
    fig.suptitle(
        f"{request.commodity or request.hs} {request.tonnes or 0:g} t: "
        f"{request.origin} → {request.destination}",
        fontsize=12,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def _bars_svg(
    title: str, rows: list[ComparisonRow], values: list[float], whiskers: list[float], unit: str
) -> str:
    width, height, left, bottom, top = 460, 290, 64, 90, 30
    plot_h = height - bottom - top
    top_value = _nice_ceiling(max([v + w for v, w in zip(values, whiskers, strict=True)] + [1e-9]))
    step = (width - left - 10) / max(len(rows), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{html.escape(title)}">',
        f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="13" '
        f'font-weight="bold">{html.escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#333"/>',
    ]
    for tick in range(5):
        value = top_value * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">'
            f"{value:,.0f}</text>"
        )
    for i, (row, value, whisker) in enumerate(zip(rows, values, whiskers, strict=True)):
        x = left + i * step + step * 0.15
        bar_w = step * 0.7
        bar_h = plot_h * value / top_value
        y = top + plot_h - bar_h
        colour = COLOURS[i % len(COLOURS)]
        tip = f"{_label(row)}: {value:,.1f} {unit}"
        if whisker:
            tip += f" (P90 {value + whisker:,.1f})"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" '
            f'fill="{colour}"><title>{html.escape(tip)}</title></rect>'
        )
        if whisker:
            y_top = top + plot_h - plot_h * (value + whisker) / top_value
            cx = x + bar_w / 2
            parts.append(
                f'<line x1="{cx:.1f}" y1="{y:.1f}" x2="{cx:.1f}" y2="{y_top:.1f}" '
                'stroke="#222"/>'
                f'<line x1="{cx - 6:.1f}" y1="{y_top:.1f}" x2="{cx + 6:.1f}" y2="{y_top:.1f}" '
                'stroke="#222"/>'
            )
        label_x, label_y = x + bar_w / 2, top + plot_h + 12
        parts.append(
            f'<text x="{label_x:.1f}" y="{label_y}" text-anchor="end" font-size="10" '
            f'transform="rotate(-30 {label_x:.1f} {label_y})">{html.escape(_label(row))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _nice_ceiling(value: float) -> float:
    """The smallest tidy number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) at or above `value`."""
    if value <= 0:
        return 1.0
    power = float(10.0 ** math.floor(math.log10(value)))
    for step in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if value <= step * power * (1 + 1e-9):
            return step * power
    return 10 * power


def html_page(comparison: Comparison) -> str:
    """The comparison as one self-contained HTML page (table and inline SVG charts)."""
    rows = comparison.rows
    request = comparison.request
    heading = (
        f"{request.commodity or request.hs}, {request.tonnes or 0:g} t: "
        f"{request.origin} → {request.destination}"
        + (f", departing {request.date}" if request.date else "")
    )
    cost_svg = _bars_svg(
        "Best route: cost, USD",
        rows,
        [r.cost_usd or 0.0 for r in rows],
        [0.0] * len(rows),
        "USD",
    )
    days_svg = _bars_svg(
        "Days: median (bar), P90 (whisker)",
        rows,
        [r.median_days or 0.0 for r in rows],
        [
            max((r.days_p90 or 0.0) - (r.median_days or 0.0), 0.0) if r.days_p90 else 0.0
            for r in rows
        ],
        "days",
    )
    body = []
    for row in rows:

        def cell(value: float | None, fmt: str) -> str:
            return format(value, fmt) if value is not None else "–"

        delta_cost = comparison.delta(row, "cost_usd")
        delta_days = comparison.delta(row, "median_days") if row is not comparison.base else None
        changes = "".join(f"<li>{html.escape(c)}</li>" for c in row.changes)
        body.append(
            "<tr>"
            f"<td><b>{html.escape(row.scenario)}</b><br><small>{html.escape(row.title)}</small>"
            + (f"<ul>{changes}</ul>" if changes else "")
            + "</td>"
            f"<td>{html.escape(row.corridor or row.error or '')}</td>"
            f"<td class=n>{cell(row.cost_usd, ',.0f')}"
            + (
                f"<br><small>{delta_cost:+,.0f}</small>"
                if delta_cost is not None and row is not comparison.base
                else ""
            )
            + f"</td><td class=n>{cell(row.median_days, '.1f')}"
            + (f"<br><small>{delta_days:+.1f}</small>" if delta_days is not None else "")
            + f"</td><td class=n>{cell(row.days_p90, '.1f')}</td>"
            f"<td class=n>{cell(row.co2e_kg / 1000 if row.co2e_kg is not None else None, ',.1f')}"
            "</td></tr>"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>daliz scenario comparison</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
td, th {{ border: 1px solid #ccc; padding: 6px 10px; vertical-align: top; }}
th {{ background: #f3f3f3; }} td.n {{ text-align: right; }}
ul {{ margin: 4px 0 0 1em; padding: 0; font-size: 0.85em; color: #555; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 1em; }}
</style></head><body>
<h1>Scenario comparison</h1>
<p>{html.escape(heading)} — objective {html.escape(request.objective)}</p>
<table><tr><th>scenario</th><th>best route</th><th>cost USD</th><th>median days</th>
<th>P90 days</th><th>t CO2e</th></tr>
{"".join(body)}
</table>
<div class="charts">{cost_svg}{days_svg}</div>
<p><small>Dataset {html.escape(comparison.base.dataset)}. Median and P90 from the reliability
draws; differences are against the base.</small></p>
</body></html>
"""


def write_html(comparison: Comparison, path: Path) -> Path:
    """Write the self-contained HTML page of a comparison at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_page(comparison), encoding="utf-8")
    return path
