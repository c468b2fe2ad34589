"""The trade report: published figures of both sides, progress to the turnover target, and —
when a trade database holds the pair — the annual series, top products, concentration and the
mirror comparison, each figure with the source it comes from.

Built on the trade monitor's Python API (`daliz.trade`); the English labels the monitor makes
for its own command line are not used: every text here is the report's, in its language.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

from babel import dates as babel_dates

from daliz import __version__
from daliz.errors import DalizError
from daliz.i18n import (
    _,
    current_language,
    data_text,
    format_date,
    format_number,
    format_percent,
    use_language,
)
from daliz.network.countries import country_name
from daliz.reports.charts import Bar, Panel, bar_panels, line_chart
from daliz.reports.html import Cell, bdi, definition_list, esc, page, raw, table
from daliz.reports.svgmap import PALETTE

DEFAULT_TARGET_USD = 1e9


@dataclass
class TradeReportOptions:
    """What the trade report covers."""

    reporter: str = "KZ"
    partner: str = "PK"
    target_usd: float = DEFAULT_TARGET_USD
    target_year: int = 2030
    db_path: Path | None = None  # None: the monitor's default database, when it exists
    top: int = 10
    extra_notes: list[str] = field(default_factory=list)


def _iso2(code: str) -> str:
    from daliz.trade import codes

    iso3 = codes.resolve_country(code)
    country = codes.countries().get(iso3)
    return country.iso2 if country and country.iso2 else iso3


def _name(code: str) -> str:
    return country_name(_iso2(code))


def _millions(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return format_number(value / 1e6, digits=1)


def _growth(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    sign = "+" if value > 0 else ""
    return sign + format_percent(value)


def _month(value: dt.date) -> str:
    return babel_dates.format_skeleton("yMMM", value, locale=current_language())


def _period(start: dt.date, end: dt.date) -> str:
    """A published figure's period in the current language: '2024', 'Jan 2025 – Jul 2025'."""
    if start.month == 1 and end.month == 12 and start.year == end.year:
        return str(start.year)
    if start == end:
        return _month(start)
    return f"{_month(start)} – {_month(end)}"


def _indicator(indicator: str) -> str:
    words = {"turnover": _("turnover"), "exports": _("exports"), "imports": _("imports")}
    return words.get(indicator, indicator)


class _Sources:
    """Numbered citations of the published figures' sources."""

    def __init__(self) -> None:
        self.order: list[tuple[str, str, str, str, dt.date | None]] = []

    def cite(
        self, source_id: str, title: str, publisher: str, url: str, when: dt.date | None
    ) -> str:
        keys = [s[0] for s in self.order]
        if source_id not in keys:
            self.order.append((source_id, title, publisher, url, when))
            keys.append(source_id)
        return f'<sup class="muted">[{keys.index(source_id) + 1}]</sup>'

    def table(self) -> str:
        rows: list[list[Cell]] = []
        for number, (source_id, title, publisher, url, when) in enumerate(self.order, start=1):
            link = f'<a href="{esc(url)}">{esc(url)}</a>' if url else ""
            text = esc(title) + (f" — {esc(publisher)}" if publisher else "")
            rows.append(
                [
                    str(number),
                    raw(bdi(source_id)),
                    raw(f"<bdi>{text}</bdi><br>{link}"),
                    format_date(when) if when else "",
                ]
            )
        return table(["#", _("id"), _("source"), _("date")], rows, css_class="sources")


def _published_section(reporter: str, partner: str, cite: _Sources) -> str:
    from daliz.trade import published

    pair = {_iso2(reporter), _iso2(partner)}
    parts = []
    for side in ("KZ", "PK"):
        figures = [
            f
            for f in published.figures()
            if f.side == side and {_iso2(f.reporter), _iso2(f.partner)} == pair
        ]
        if not figures:
            continue
        parts.append(
            "<h3>"
            + esc(_("As published by {country}").format(country=country_name(side)))
            + "</h3>"
        )
        rows: list[list[Cell]] = []
        for f in figures:
            rows.append(
                [
                    _period(f.period_start, f.period_end),
                    _indicator(f.indicator),
                    _millions(f.value_usd),
                    raw(bdi(f.growth_as_published or "—")),
                    raw(
                        esc(data_text(f.basis))
                        + cite.cite(
                            f.source.source_id,
                            f.source.title,
                            f.source.publisher,
                            f.source.url,
                            f.source.published,
                        )
                    ),
                ]
            )
        parts.append(
            table(
                [
                    _("period"),
                    _("indicator"),
                    _("USD million"),
                    _("change as published"),
                    _("basis and source"),
                ],
                rows,
                numeric=(2,),
            )
        )
    if not parts:
        return ""
    return (
        "<h2>"
        + esc(_("Published figures"))
        + '</h2><p class="small muted">'
        + esc(
            _(
                "Each side publishes its own statistics (Kazakhstan: customs, calendar years; "
                "Pakistan: State Bank payment records, fiscal years July–June). They differ "
                "2–4× and are never merged."
            )
        )
        + "</p>"
        + "".join(parts)
    )


def _target_section(options: TradeReportOptions, cite: _Sources, lang: str) -> str:
    from daliz.trade import published, target

    parts = [
        "<h2>"
        + esc(
            _("Progress to USD {target} million by {year}").format(
                target=format_number(options.target_usd / 1e6), year=options.target_year
            )
        )
        + "</h2>"
    ]
    for index, side in enumerate(("KZ", "PK")):
        try:
            figure = published.latest_turnover(side)
        except ValueError:
            continue
        history = [
            (f.period_start.year, f.value_usd)
            for f in published.figures()
            if f.side == side and f.indicator == "turnover" and f.months == 12
        ]
        try:
            tracking = target.from_published(
                figure,
                target_year=options.target_year,
                target_usd=options.target_usd,
                history=history,
            )
        except DalizError as exc:
            parts.append(f'<p class="muted">{esc(exc.message)}</p>')
            continue
        source = cite.cite(
            figure.source.source_id,
            figure.source.title,
            figure.source.publisher,
            figure.source.url,
            figure.source.published,
        )
        parts.append(
            "<h3>"
            + esc(_("Base: figures published by {country}").format(country=country_name(side)))
            + "</h3>"
        )
        facts = [
            (
                _("Latest published turnover"),
                esc(
                    _("USD {value} million ({period})").format(
                        value=_millions(figure.value_usd),
                        period=_period(figure.period_start, figure.period_end),
                    )
                )
                + source,
            ),
        ]
        if figure.months != 12:
            facts.append(
                (
                    _("Annualised (×12/{months})").format(months=figure.months),
                    esc(_("USD {value} million").format(value=_millions(tracking.base_usd))),
                )
            )
        facts += [
            (_("Share of the target reached"), esc(format_percent(tracking.progress))),
            (
                _("Growth needed per year"),
                esc(
                    _("{rate} for {years} years").format(
                        rate=_growth(tracking.required_cagr), years=tracking.years_left
                    )
                ),
            ),
        ]
        if tracking.trend_cagr is not None:
            facts.append(
                (
                    _("Recent trend ({years})").format(years=tracking.trend_years),
                    esc(_("{rate} per year").format(rate=_growth(tracking.trend_cagr))),
                )
            )
            facts.append(
                (
                    _("At the trend, the target is reached in"),
                    esc(
                        str(math.ceil(tracking.trend_reaches_target_in))
                        if tracking.trend_reaches_target_in
                        else _("never (the trend is not growing)")
                    ),
                )
            )
        parts.append(definition_list(facts))
        years = sorted(
            {y for y, _v in tracking.history}
            | {y for y, _v in tracking.required_path}
            | {y for y, _v in tracking.trend_path}
        )
        xs = [str(y) for y in years]

        series = [
            (_("published turnover"), _aligned(tracking.history, years), "#333333"),
            (_("path needed"), _aligned(tracking.required_path, years), PALETTE[index]),
        ]
        if tracking.trend_path:
            series.append((_("recent trend"), _aligned(tracking.trend_path, years), PALETTE[2]))
        parts.append(
            '<div class="figure">'
            + line_chart(
                _("Turnover, USD million"),
                xs,
                series,
                lambda v: format_number(v),
                lang=lang,
                target=(_("target"), options.target_usd / 1e6),
            )
            + "</div>"
        )
    return "".join(parts)


def _aligned(points: list[tuple[int, float]], years: list[int]) -> list[float | None]:
    """Values (USD million) of `points` on the `years` axis; None where a year has none."""
    by_year = dict(points)
    return [by_year[y] / 1e6 if y in by_year else None for y in years]


def _store_section(options: TradeReportOptions, lang: str) -> str:
    """Imported statistics of the pair, when a trade database with them exists."""
    from daliz.trade import analytics, codes, mirror, store

    path = options.db_path or store.default_db_path()
    if not path.exists():
        return (
            "<h2>"
            + esc(_("Imported statistics"))
            + '</h2><p class="muted">'
            + esc(
                _(
                    "No trade database found; import statistics with `daliz trade import` to "
                    "add the annual series, products, concentration and mirror comparison."
                )
            )
            + "</p>"
        )
    reporter, partner = options.reporter, options.partner
    parts = ["<h2>" + esc(_("Imported statistics")) + "</h2>"]
    hs_lang = "ru" if lang in ("ru", "kk") else "en"
    with store.connect(path, read_only=True) as con:
        rows = analytics.annual_series(con, reporter, partner)
        if not rows:
            parts.append(
                '<p class="muted">'
                + esc(
                    _("The trade database has no {a}–{b} figures.").format(
                        a=_name(reporter), b=_name(partner)
                    )
                )
                + "</p>"
            )
            return "".join(parts)
        parts.append(
            "<h3>"
            + esc(
                _("{a}–{b} trade as reported by {a}, USD million").format(
                    a=_name(reporter), b=_name(partner)
                )
            )
            + "</h3>"
        )
        table_rows: list[list[Cell]] = []
        for r in rows:
            v = r.value
            table_rows.append(
                [
                    raw(bdi(v.source)),
                    str(v.year),
                    str(v.months),
                    _millions(v.exports_usd),
                    _millions(v.imports_usd),
                    _millions(v.turnover_usd),
                    _millions(v.balance_usd),
                    _growth(r.turnover_growth),
                ]
            )
        parts.append(
            table(
                [
                    _("source"),
                    _("year"),
                    _("months"),
                    _("exports"),
                    _("imports"),
                    _("turnover"),
                    _("balance"),
                    _("turnover y/y"),
                ],
                table_rows,
                numeric=(1, 2, 3, 4, 5, 6, 7),
            )
        )
        first_source = rows[0].value.source
        years = [r for r in rows if r.value.source == first_source and r.value.months == 12]
        if len(years) >= 2:
            parts.append(
                '<div class="figure">'
                + line_chart(
                    _("{a}–{b} trade, USD million ({source})").format(
                        a=_name(reporter), b=_name(partner), source=first_source
                    ),
                    [str(r.value.year) for r in years],
                    [
                        (_("exports"), [_m(r.value.exports_usd) for r in years], PALETTE[0]),
                        (_("imports"), [_m(r.value.imports_usd) for r in years], PALETTE[1]),
                        (_("turnover"), [_m(r.value.turnover_usd) for r in years], "#333333"),
                    ],
                    lambda v: format_number(v, digits=1),
                    lang=lang,
                )
                + "</div>"
            )
        with contextlib.suppress(DalizError):
            tops = analytics.top_products(con, reporter, partner, n=options.top)
            for flow, comp in tops.items():
                title = (
                    _("Top products exported to {b} in {year}")
                    if flow == "X"
                    else _("Top products imported from {b} in {year}")
                ).format(b=_name(partner), year=comp.year)
                parts.append("<h3>" + esc(title) + "</h3>")
                parts.append(
                    '<div class="figure">'
                    + bar_panels(
                        [
                            Panel(
                                _("USD million"),
                                [
                                    Bar(
                                        item.code,
                                        item.value_usd / 1e6,
                                        None,
                                        PALETTE[0 if flow == "X" else 1],
                                    )
                                    for item in comp.items
                                ],
                                lambda v: format_number(v, digits=1),
                            )
                        ],
                        lang=lang,
                    )
                    + "</div>"
                )
                parts.append(
                    table(
                        [_("HS code"), _("product"), _("USD million"), _("share")],
                        [
                            [
                                raw(bdi(item.code)),
                                (
                                    item.description_ru
                                    if hs_lang == "ru" and item.description_ru
                                    else codes.hs_description(item.code, hs_lang)
                                ),
                                _millions(item.value_usd),
                                format_percent(item.share),
                            ]
                            for item in comp.items
                        ],
                        numeric=(2, 3),
                    )
                )
        with contextlib.suppress(DalizError):
            conc = analytics.concentration(con, reporter, partner=partner, flow="X", digits=4)
            parts.append(
                "<h3>"
                + esc(
                    _("Concentration of exports to {b}, {year} (HS4)").format(
                        b=_name(partner), year=conc.year
                    )
                )
                + "</h3>"
            )
            parts.append(
                definition_list(
                    [
                        (_("Active product lines"), esc(f"{conc.n_active} / {conc.n_lines}")),
                        (_("Herfindahl–Hirschman index"), esc(format_number(conc.hhi, digits=3))),
                        (_("HHI, normalised"), esc(format_number(conc.hhi_normalized, digits=3))),
                        (
                            _("UNCTAD concentration index"),
                            esc(format_number(conc.unctad_concentration, digits=3)),
                        ),
                        (
                            _("Theil index (within / between)"),
                            esc(
                                f"{format_number(conc.theil, digits=3)} "
                                f"({format_number(conc.theil_within, digits=3)} / "
                                f"{format_number(conc.theil_between, digits=3)})"
                            ),
                        ),
                    ]
                )
            )
        with contextlib.suppress(DalizError):
            report = mirror.mirror(con, reporter, partner)
            if report.rows:
                parts.append("<h3>" + esc(_("Mirror comparison: exporter vs importer")) + "</h3>")
                parts.append(
                    table(
                        [
                            _("year"),
                            _("direction"),
                            _("exporter's figure"),
                            _("importer's figure"),
                            _("gap"),
                        ],
                        [
                            [
                                str(r.year),
                                raw(bdi(r.direction)),
                                _millions(r.reported_usd),
                                _millions(r.mirror_usd),
                                _millions(r.gap_usd),
                            ]
                            for r in report.rows
                        ],
                        numeric=(2, 3, 4),
                    )
                )
    return "".join(parts)


def _m(value: float | None) -> float | None:
    return None if value is None else value / 1e6


def trade_report_html(
    options: TradeReportOptions | None = None,
    *,
    lang: str | None = None,
    generated: dt.datetime | None = None,
) -> str:
    """The trade report as one self-contained HTML document in `lang`."""
    options = options or TradeReportOptions()
    lang = lang or current_language()
    generated = generated or dt.datetime.now()
    with use_language(lang):
        title = _("Trade between {a} and {b}").format(
            a=_name(options.reporter), b=_name(options.partner)
        )
        cite = _Sources()
        body = [
            f"<h1>{esc(title)}</h1>",
            '<p class="stamp">'
            + esc(
                _("Generated by daliz {version} on {date}.").format(
                    version=__version__, date=format_date(generated.date())
                )
            )
            + "</p>",
            _target_section(options, cite, lang),
            _published_section(options.reporter, options.partner, cite),
            _store_section(options, lang),
        ]
        for note in options.extra_notes:
            body.append(f'<p class="small muted">{esc(note)}</p>')
        body.append("<h2>" + esc(_("Sources of the figures")) + "</h2>")
        body.append(cite.table())
        return page(title, "".join(body), lang=lang)
