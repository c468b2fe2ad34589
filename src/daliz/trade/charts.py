"""Charts of turnover, composition and target tracking: PNG (matplotlib, headless) and
self-contained interactive HTML (inline SVG and a few lines of script: no CDN, works offline).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from daliz.errors import RequestError
from daliz.i18n import (
    _,
    current_language,
    format_number,
    is_rtl,
    text_direction,
    use_language,
)
from daliz.trade import codes, indices
from daliz.trade.analytics import Composition, CompositionItem, YearRow
from daliz.trade.target import TargetTracking


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[str, float | None]]  # (x label, value USD)
    kind: str = "bar"  # bar | line
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    subtitle: str  # side and source, always shown
    y_label: str
    series: list[Series]
    horizontal: bool = False
    hline: tuple[str, float] | None = None  # (label, value)
    lang: str = "en"  # the language of the texts (HTML lang and direction, number format)


def turnover_chart(rows: list[YearRow], *, title: str | None = None) -> Chart:
    """Exports and imports (bars) and turnover (line) by year, one source."""
    if not rows:
        raise RequestError(_("No turnover rows to chart."))
    v0 = rows[0].value
    xs = [
        str(r.value.year)
        + ("" if r.value.months == 12 else " " + _("({months} mo)").format(months=r.value.months))
        for r in rows
    ]
    return Chart(
        title or _("{reporter}–{partner} trade").format(reporter=v0.reporter, partner=v0.partner),
        _("reported by {reporter}, source {source}; exports FOB, imports as reported").format(
            reporter=v0.reporter, source=v0.source
        ),
        _("USD million"),
        [
            Series(_("exports"), [(x, r.value.exports_usd) for x, r in zip(xs, rows, strict=True)]),
            Series(_("imports"), [(x, r.value.imports_usd) for x, r in zip(xs, rows, strict=True)]),
            Series(
                _("turnover"),
                [(x, r.value.turnover_usd) for x, r in zip(xs, rows, strict=True)],
                kind="line",
            ),
        ],
        lang=current_language(),
    )


def composition_chart(comp: Composition, *, top: int = 15) -> Chart:
    """Largest items of a composition as horizontal bars."""
    items = comp.items[:top]
    hs_lang = codes.hs_language()
    if comp.flow == "M":
        title = _("{reporter} imports from {partner}, {year}, by HS {level}")
    else:
        title = _("{reporter} exports to {partner}, {year}, by HS {level}")
    level = level_label(comp.level)
    return Chart(
        title.format(reporter=comp.reporter, partner=comp.partner, year=comp.year, level=level),
        _("reported by {reporter}, source {source}; total USD {total} m").format(
            reporter=comp.reporter,
            source=comp.source,
            total=format_number(comp.total_usd / 1e6, digits=1),
        ),
        _("USD million"),
        [
            Series(
                level,
                [
                    (f"{i.code} {_item_description(i, hs_lang)[:40]}", i.value_usd)
                    for i in reversed(items)
                ],
            )
        ],
        horizontal=True,
        lang=current_language(),
    )


def level_label(level: str) -> str:
    """An HS level's name ('chapter', 'heading' …) in the current language."""
    names = {
        "section": _("section"),
        "chapter": _("chapter"),
        "heading": _("heading"),
        "subheading": _("subheading"),
    }
    return names.get(level, level)


def _item_description(item: CompositionItem, hs_lang: str) -> str:
    return item.description_ru if hs_lang == "ru" and item.description_ru else item.description_en


def target_chart(t: TargetTracking) -> Chart:
    """History, required path and trend path to the target."""
    series = [
        Series(_("history"), [(str(y), v) for y, v in t.history], kind="line"),
        Series(
            _("required {rate}/yr").format(rate=indices.format_growth(t.required_cagr)),
            [(str(y), v) for y, v in t.required_path],
            kind="line",
            dashed=True,
        ),
    ]
    if t.trend_path and t.trend_cagr is not None:
        series.append(
            Series(
                _("trend {rate}/yr ({years})").format(
                    rate=indices.format_growth(t.trend_cagr), years=t.trend_years
                ),
                [(str(y), v) for y, v in t.trend_path],
                kind="line",
                dashed=True,
            )
        )
    return Chart(
        _("Turnover against USD {target} bn by {year}").format(
            target=format_number(t.target_usd / 1e9, digits=0 if t.target_usd % 1e9 == 0 else 1),
            year=t.target_year,
        ),
        t.label,
        _("USD million"),
        series,
        hline=(
            _("target {amount}").format(
                amount=_("{value} m").format(value=format_number(t.target_usd / 1e6))
            ),
            t.target_usd,
        ),
        lang=current_language(),
    )


# ------------------------------------------------------------------------------------------
# Rendering


def save(chart: Chart, path: Path) -> Path:
    """Write a chart as PNG (``.png``) or interactive HTML (``.html``)."""
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        _png(chart, path)
    elif suffix in (".html", ".htm"):
        path.write_text(to_html(chart), encoding="utf-8")
    else:
        raise RequestError(
            _("Unknown chart format '{suffix}'.").format(suffix=path.suffix),
            hint=_("Use .png or .html."),
        )
    return path


def _xs(chart: Chart) -> list[str]:
    xs: list[str] = []
    for s in chart.series:
        for x, _value in s.points:
            if x not in xs:
                xs.append(x)
    return sorted(xs) if not chart.horizontal else xs


def _fonts(lang: str) -> list[str]:
    """Font families for a chart's language: DejaVu Sans covers Latin, Cyrillic (Kazakh too)
    and Arabic, but not Urdu's own letters (ہ ے ں …), for which Noto Naskh Arabic comes first
    when installed (Debian fonts-noto-core); Latin falls back to DejaVu Sans."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    wanted = ["Noto Naskh Arabic", "DejaVu Sans"] if lang == "ur" else ["DejaVu Sans"]
    return [name for name in wanted if name in installed] or ["sans-serif"]


def _png(chart: Chart, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context({"font.family": _fonts(chart.lang)}):
        _draw_png(plt, chart, path)


def _draw_png(plt: Any, chart: Chart, path: Path) -> None:
    xs = _xs(chart)
    fig, ax = plt.subplots(figsize=(10, 5.6 if not chart.horizontal else 7), dpi=110)
    bars = [s for s in chart.series if s.kind == "bar"]
    width = 0.8 / max(len(bars), 1)
    for i, s in enumerate(bars):
        vals = dict(s.points)
        ys = [(vals.get(x) or 0.0) / 1e6 for x in xs]
        pos = [k + (i - (len(bars) - 1) / 2) * width for k in range(len(xs))]
        if chart.horizontal:
            ax.barh(pos, ys, height=width, label=s.name)
        else:
            ax.bar(pos, ys, width=width, label=s.name)
    for s in chart.series:
        if s.kind != "line":
            continue
        vals = dict(s.points)
        pts = [(k, v / 1e6) for k, x in enumerate(xs) if (v := vals.get(x)) is not None]
        if pts:
            ax.plot(
                [p[0] for p in pts], [p[1] for p in pts], marker="o", label=s.name,
                linestyle="--" if s.dashed else "-",
            )  # fmt: skip
    if chart.hline:
        ax.axhline(chart.hline[1] / 1e6, color="grey", linestyle=":", label=chart.hline[0])
    if chart.horizontal:
        ax.set_yticks(range(len(xs)), xs, fontsize=8)
        ax.set_xlabel(chart.y_label)
    else:
        ax.set_xticks(range(len(xs)), xs, rotation=45 if len(xs) > 12 else 0)
        ax.set_ylabel(chart.y_label)
    ax.set_title(chart.title, fontsize=12)
    if is_rtl(chart.lang):  # the subtitle starts where the reader starts
        fig.text(0.99, 0.01, chart.subtitle, fontsize=8, color="#444", ha="right")
    else:
        fig.text(0.01, 0.01, chart.subtitle, fontsize=8, color="#444")
    ax.grid(axis="x" if chart.horizontal else "y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path)
    plt.close(fig)


_SCRIPT = """
(function () {
  const data = JSON.parse(document.getElementById('chart-data').textContent);
  const svg = document.getElementById('chart');
  const tip = document.getElementById('tip');
  const W = 900, H = data.horizontal ? 60 + 22 * data.xs.length : 460;
  const L = data.horizontal ? 330 : 70, R = 20, T = 20, B = 60;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
  const hidden = new Set();
  const NS = 'http://www.w3.org/2000/svg';
  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    (parent || svg).appendChild(e); return e;
  }
  function fmt(v) {
    const value = (v / 1e6).toLocaleString(data.lang, {maximumFractionDigits: 1});
    return data.millions.replace('{value}', value);
  }
  function draw() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const shown = data.series.filter((s, i) => !hidden.has(i));
    let max = data.hline ? data.hline[1] : 0;
    shown.forEach(s => s.points.forEach(p => { if (p[1] !== null) max = Math.max(max, p[1]); }));
    max = max || 1;
    const n = data.xs.length, bars = shown.filter(s => s.kind === 'bar');
    const span = data.horizontal ? (H - T - B) : (W - L - R);
    const band = span / n, bw = band * 0.8 / Math.max(bars.length, 1);
    const scale = v => data.horizontal ? L + (W - L - R) * v / max : H - B - (H - T - B) * v / max;
    const pos = k => (data.horizontal ? T : L) + band * (k + 0.5);
    for (let g = 0; g <= 4; g++) {
      const v = max * g / 4, c = scale(v);
      if (data.horizontal) el('line', {x1: c, x2: c, y1: T, y2: H - B, stroke: '#eee'});
      else el('line', {x1: L, x2: W - R, y1: c, y2: c, stroke: '#eee'});
      const t = el('text', data.horizontal ? {x: c, y: H - B + 15, 'text-anchor': 'middle'}
                                            : {x: L - 6, y: c + 4, 'text-anchor': 'end'});
      t.textContent = (v / 1e6).toLocaleString(data.lang, {maximumFractionDigits: 0});
    }
    data.xs.forEach((x, k) => {
      const t = el('text', data.horizontal ? {x: L - 6, y: pos(k) + 4, 'text-anchor': 'end'}
                                            : {x: pos(k), y: H - B + 16, 'text-anchor': 'middle'});
      t.textContent = x;
    });
    data.series.forEach((s, i) => {
      if (hidden.has(i)) return;
      const color = colors[i % colors.length];
      const vals = new Map(s.points);
      if (s.kind === 'bar') {
        const j = bars.indexOf(s);
        data.xs.forEach((x, k) => {
          const v = vals.get(x); if (v === undefined || v === null) return;
          const off = pos(k) - band * 0.4 + j * bw;
          const r = data.horizontal
            ? el('rect', {x: L, y: off, width: scale(v) - L, height: bw, fill: color})
            : el('rect', {x: off, y: scale(v), width: bw, height: H - B - scale(v), fill: color});
          const label = `${s.name} ${x}: ${fmt(v)}`;
          r.addEventListener('mousemove', ev => show(ev, label));
          r.addEventListener('mouseleave', () => tip.style.display = 'none');
        });
      } else {
        const pts = data.xs.map((x, k) => [k, vals.get(x)])
          .filter(p => p[1] !== undefined && p[1] !== null);
        el('polyline', {points: pts.map(p => `${pos(p[0])},${scale(p[1])}`).join(' '),
                        fill: 'none', stroke: color, 'stroke-width': 2,
                        'stroke-dasharray': s.dashed ? '6 4' : ''});
        pts.forEach(p => {
          const c = el('circle', {cx: pos(p[0]), cy: scale(p[1]), r: 4, fill: color});
          const label = `${s.name} ${data.xs[p[0]]}: ${fmt(p[1])}`;
          c.addEventListener('mousemove', ev => show(ev, label));
          c.addEventListener('mouseleave', () => tip.style.display = 'none');
        });
      }
    });
    if (data.hline) {
      const c = scale(data.hline[1]);
      el('line', {x1: L, x2: W - R, y1: c, y2: c, stroke: '#888', 'stroke-dasharray': '2 3'});
      const t = el('text', {x: W - R, y: c - 4, 'text-anchor': 'end', fill: '#555'});
      t.textContent = data.hline[0];
    }
  }
  function show(ev, text) {
    tip.textContent = text; tip.style.display = 'block';
    tip.style.left = (ev.pageX + 12) + 'px'; tip.style.top = (ev.pageY - 10) + 'px';
  }
  const legend = document.getElementById('legend');
  data.series.forEach((s, i) => {
    const b = document.createElement('button');
    b.textContent = s.name; b.style.borderColor = colors[i % colors.length];
    b.onclick = () => { hidden.has(i) ? hidden.delete(i) : hidden.add(i);
                        b.classList.toggle('off'); draw(); };
    legend.appendChild(b);
  });
  draw();
})();
"""


def to_html(chart: Chart) -> str:
    """A standalone HTML page: the data as JSON, drawn as SVG by inline script (no network).
    The page's own words are in the chart's language."""
    with use_language(chart.lang):
        millions = _("{value} m")
        values_in = _("values in {unit}").format(unit=chart.y_label)
    payload = {
        "lang": chart.lang,
        "millions": millions,
        "xs": _xs(chart),
        "horizontal": chart.horizontal,
        "hline": list(chart.hline) if chart.hline else None,
        "series": [
            {"name": s.name, "kind": s.kind, "dashed": s.dashed, "points": s.points}
            for s in chart.series
        ],
    }
    data = json.dumps(payload).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="{chart.lang}" dir="{text_direction(chart.lang)}"><head><meta charset="utf-8">
<title>{html.escape(chart.title)}</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }}
svg {{ width: 100%; max-width: 900px; font-size: 11px; }}
#legend button {{ margin: 0 .4em .4em 0; border: 2px solid; background: #fff; padding: .2em .6em;
  cursor: pointer; border-radius: 3px; }}
#legend button.off {{ opacity: .35; }}
#tip {{ position: absolute; display: none; background: #222; color: #fff; padding: .3em .5em;
  border-radius: 3px; font-size: 12px; pointer-events: none; }}
.sub {{ color: #555; font-size: 12px; }}
</style></head><body>
<h2>{html.escape(chart.title)}</h2>
<p class="sub">{html.escape(chart.subtitle)} · {html.escape(values_in)}</p>
<div id="legend"></div>
<svg id="chart" role="img" aria-label="{html.escape(chart.title)}"></svg>
<div id="tip"></div>
<script type="application/json" id="chart-data">{data}</script>
<script>{_SCRIPT}</script>
</body></html>
"""
