"""Target tracking: the compound annual growth needed to reach a turnover goal (the USD 1 billion
Kazakhstan and Pakistan set in February 2026) by a chosen year, against the recent trend.

Formulas (shared TRADE-DATA.md §5): ``required_cagr = (target / V_base)^(1/years_left) − 1``;
trend = CAGR from up to five complete years before the base to the base; projection =
V_base · (1 + g)^t.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb

from daliz.errors import RequestError
from daliz.i18n import _, data_text, format_number, ngettext_
from daliz.trade import analytics, codes, indices
from daliz.trade.published import PublishedFigure

DEFAULT_TARGET_USD = 1e9


@dataclass(frozen=True)
class TargetTracking:
    """Where turnover stands against a target, and the growth each path implies."""

    label: str  # what the base is, with side and source
    base_year: int
    base_usd: float  # annual (or annualised) turnover the projection starts from
    target_usd: float
    target_year: int
    progress: float  # base / target
    required_cagr: float  # fraction per year
    trend_cagr: float | None  # fraction per year over trend_years, None without history
    trend_years: str  # e.g. "2019–2024"
    trend_reaches_target_in: float | None  # year (fractional) the trend reaches the target
    history: list[tuple[int, float]] = field(default_factory=list)  # (year, turnover USD)
    required_path: list[tuple[int, float]] = field(default_factory=list)
    trend_path: list[tuple[int, float]] = field(default_factory=list)

    @property
    def years_left(self) -> int:
        return self.target_year - self.base_year


def track(
    *,
    label: str,
    base_year: int,
    base_usd: float,
    target_year: int,
    target_usd: float = DEFAULT_TARGET_USD,
    history: list[tuple[int, float]] | None = None,
    trend_span: int = 5,
) -> TargetTracking:
    """Required CAGR from ``base_usd`` (in ``base_year``) to ``target_usd`` by ``target_year``,
    the trend CAGR of up to ``trend_span`` years of ``history`` (complete years) and paths."""
    if target_year <= base_year:
        raise RequestError(
            _("The target year {target_year} must come after the base year {base_year}.").format(
                target_year=target_year, base_year=base_year
            )
        )
    if base_usd <= 0:
        raise RequestError(_("The base turnover must be positive."))
    years_left = target_year - base_year
    req = indices.required_cagr(base_usd, target_usd, years_left)
    hist = sorted(history or [])
    # The trend runs over the last complete years up to the base itself (a partial year enters
    # annualised, as the base does), so a surge in the current year is not ignored.
    points = [p for p in hist if p[0] < base_year] + [(base_year, base_usd)]
    trend = None
    span = ""
    if len(points) >= 2:
        window = points[-(trend_span + 1) :]
        (y0, v0), (y1, v1) = window[0], window[-1]
        trend = indices.cagr(v0, v1, y1 - y0)
        span = f"{y0}–{y1}"
        if math.isnan(trend):
            trend = None
    reach = None
    if trend is not None and trend > 0:
        reach = base_year + math.log(target_usd / base_usd) / math.log(1 + trend)
    years = range(base_year, target_year + 1)
    required_path = [(y, base_usd * (1 + req) ** (y - base_year)) for y in years]
    trend_path = (
        [(y, base_usd * (1 + trend) ** (y - base_year)) for y in years] if trend is not None else []
    )
    return TargetTracking(
        label, base_year, base_usd, target_usd, target_year, base_usd / target_usd, req, trend,
        span, reach, hist, required_path, trend_path,
    )  # fmt: skip


def from_published(
    figure: PublishedFigure,
    *,
    target_year: int,
    target_usd: float = DEFAULT_TARGET_USD,
    history: list[tuple[int, float]] | None = None,
) -> TargetTracking:
    """Target tracking from a published turnover, annualised ×12/months when partial."""
    months = figure.months
    base = figure.value_usd * 12 / months
    value = format_number(figure.value_usd / 1e6, digits=1)
    if months == 12:
        label = _("{period} turnover {value} m — {side} side, {basis} ({publisher}, {source})")
    else:
        label = _(
            "{period} turnover {value} m annualised ×12/{months} — {side} side, {basis} "
            "({publisher}, {source})"
        )
    label = label.format(
        period=figure.period_text,
        value=value,
        months=months,
        side=figure.side,
        basis=data_text(figure.basis),
        publisher=figure.source.publisher,
        source=figure.source.source_id,
    )
    return track(
        label=label, base_year=figure.period_end.year, base_usd=base, target_year=target_year,
        target_usd=target_usd, history=history,
    )  # fmt: skip


def from_store(
    con: duckdb.DuckDBPyConnection,
    reporter: str,
    partner: str,
    *,
    target_year: int,
    target_usd: float = DEFAULT_TARGET_USD,
    source: str | None = None,
    trend_span: int = 5,
) -> TargetTracking:
    """Target tracking from imported data: base = the latest 12 months (rolling, when monthly
    data reach past the last complete year) or the latest complete year."""
    reporter, partner = codes.resolve_country(reporter), codes.resolve_country(partner)
    src = source or _single(con, reporter, partner)
    series = analytics.annual_series(con, reporter, partner, source=src)
    full = [
        (r.value.year, r.value.turnover_usd)
        for r in series
        if r.value.months == 12 and r.value.turnover_usd is not None
    ]
    history = [(y, float(v)) for y, v in full if v is not None]
    months = [
        v
        for v in analytics.period_values(con, reporter, partner, source=src)
        if v.basis == "month" and v.turnover_usd is not None
    ]
    label_src = _("{reporter}-reported, source {source}").format(reporter=reporter, source=src)
    if months:
        months.sort(key=lambda v: (v.year, v.month or 0))
        last12 = months[-12:]
        first, last = last12[0], last12[-1]
        contiguous = (last.year - first.year) * 12 + (last.month or 0) - (first.month or 0) == 11
        if len(last12) == 12 and contiguous and (not history or last.year > history[-1][0]):
            base = float(sum(v.turnover_usd or 0.0 for v in last12))
            return track(
                label=_("12 months to {period}, {reported}").format(
                    period=last.period, reported=label_src
                ),
                base_year=last.year,
                base_usd=base, target_year=target_year, target_usd=target_usd,
                history=history, trend_span=trend_span,
            )  # fmt: skip
    if not history:
        raise RequestError(
            _("No complete year of {reporter}–{partner} turnover in {source}.").format(
                reporter=reporter, partner=partner, source=src
            ),
            hint=_("Use --published to start from the bundled published figures."),
        )
    y, v = history[-1]
    return track(
        label=_("{year} turnover, {reported}").format(year=y, reported=label_src),
        base_year=y,
        base_usd=v,
        target_year=target_year,
        target_usd=target_usd,
        history=history,
        trend_span=trend_span,
    )


def _single(con: duckdb.DuckDBPyConnection, reporter: str, partner: str) -> str:
    found = analytics.sources_for(con, reporter, partner)
    if len(found) != 1:
        raise RequestError(
            ngettext_(
                "{reporter}–{partner} turnover is in {count} source ({sources}).",
                "{reporter}–{partner} turnover is in {count} sources ({sources}).",
                len(found),
            ).format(
                reporter=reporter,
                partner=partner,
                count=len(found),
                sources=", ".join(found) or _("none"),
            ),
            hint=_("Choose one with --source, or use --published."),
        )
    return found[0]
