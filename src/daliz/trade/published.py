"""Published Kazakhstan–Pakistan trade figures, bundled with their sources and dates.

Each figure is stored **as published** (value, and growth rate as the text said it) with the
side that published it: Kazakhstan's figures come from its customs statistics (calendar
years, imports by origin), Pakistan's from the State Bank's exchange records (fiscal years
July–June, both flows FOB). They differ 2–4× and are never merged (shared TRADE-DATA.md §4).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache

from babel.dates import format_skeleton

from daliz.errors import RequestError
from daliz.i18n import _, current_language
from daliz.trade.codes import data_dir


@dataclass(frozen=True)
class PublishedSource:
    source_id: str
    title: str
    publisher: str
    url: str
    published: dt.date | None  # None where the page gives no date


@dataclass(frozen=True)
class PublishedFigure:
    """One figure as a ministry, central bank or official said it."""

    figure_id: str
    side: str  # "KZ" or "PK": whose statistics
    reporter: str
    partner: str
    basis: str  # e.g. "KZ customs statistics", "SBP exchange records (FOB)"
    period_label: str
    period_start: dt.date
    period_end: dt.date  # first day of the last month covered
    indicator: str  # turnover | exports | imports (from the reporter's side)
    value_usd: float
    previous_value_usd: float | None
    growth_as_published: str  # text as published, e.g. "+108 %", "×2.5"; "" if none
    source: PublishedSource
    note: str

    @property
    def months(self) -> int:
        s, e = self.period_start, self.period_end
        return (e.year - s.year) * 12 + e.month - s.month + 1

    @property
    def period_text(self) -> str:
        """The period in the current language: as published in English ('FY24 (Jul 2023–Jun
        2024)'), from the months otherwise ('2024', 'янв. 2025 г. – июль 2025 г.')."""
        lang = current_language()
        if lang == "en":
            return self.period_label
        s, e = self.period_start, self.period_end
        if s.month == 1 and e.month == 12 and s.year == e.year:
            return str(s.year)
        first = format_skeleton("yMMM", s, locale=lang)
        return first if s == e else f"{first} – {format_skeleton('yMMM', e, locale=lang)}"


def _month(text: str) -> dt.date:
    y, m = text.split("-")
    return dt.date(int(y), int(m), 1)


@cache
def sources() -> dict[str, PublishedSource]:
    with (data_dir() / "published_sources.csv").open(encoding="utf-8", newline="") as fh:
        return {
            r["source_id"]: PublishedSource(
                r["source_id"],
                r["title"],
                r["publisher"],
                r["url"],
                dt.date.fromisoformat(r["published"]) if r["published"] else None,
            )
            for r in csv.DictReader(fh)
        }


@cache
def figures() -> tuple[PublishedFigure, ...]:
    """All bundled figures, in file order (by side, then period)."""
    src = sources()
    with (data_dir() / "published_figures.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            PublishedFigure(
                r["figure_id"],
                r["side"],
                r["reporter"],
                r["partner"],
                r["basis"],
                r["period_label"],
                _month(r["period_start"]),
                _month(r["period_end"]),
                r["indicator"],
                float(r["value_usd"]),
                float(r["previous_value_usd"]) if r["previous_value_usd"] else None,
                r["growth_as_published"],
                src[r["source_id"]],
                r["note"],
            )
            for r in csv.DictReader(fh)
        )


def figure(figure_id: str) -> PublishedFigure:
    """One figure by id (KeyError if unknown)."""
    for f in figures():
        if f.figure_id == figure_id:
            return f
    raise KeyError(figure_id)


def latest_turnover(side: str = "KZ") -> PublishedFigure:
    """The most recent published turnover of one side (the base for target tracking)."""
    cands = [f for f in figures() if f.side == side and f.indicator == "turnover"]
    if not cands:
        sides = sorted({f.side for f in figures()})
        raise RequestError(
            _("No published turnover for side {side!r}.").format(side=side),
            hint=_("Use one of: {choices}.").format(choices=", ".join(sides)),
        )
    return max(cands, key=lambda f: (f.period_end, f.months))
