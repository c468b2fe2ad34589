"""Trade monitor routes: turnover summary from the DuckDB trade store, published figures."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from daliz.errors import DalizError
from daliz.i18n import gettext_ as _
from daliz.service.auth import Reader
from daliz.service.context import get_context
from daliz.service.problems import PROBLEM_RESPONSES, ServiceError

router = APIRouter(prefix="/api/v1/trade", responses=PROBLEM_RESPONSES, tags=["trade"])


def _number(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO text, NaN as null, dataclasses as objects."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@router.get("/summary", response_model=dict[str, Any])
def trade_summary(
    request: Request,
    _who: Reader,
    reporter: Annotated[str, Query(max_length=40, description="ISO code or name, e.g. KZ.")],
    partner: Annotated[str, Query(max_length=40, description="Partner; WLD for world.")] = "WLD",
    source: Annotated[str | None, Query(max_length=40, description="Only this source.")] = None,
) -> dict[str, Any]:
    """Exports, imports, turnover and balance by year with growth, and the latest year-to-date
    comparison per source — as `daliz trade summary` computes them from the imported data.
    Every figure names the source and reporter that published it."""
    from daliz.trade import analytics, store

    path = get_context(request).settings.trade_db or store.default_db_path()
    if not path.exists():
        raise ServiceError(
            404,
            "not-found",
            _("No trade data has been imported on this server."),
            hint=_(
                "Import files with `daliz trade import FILE` (DALIZ_TRADE_DB chooses the file)."
            ),
        )
    try:
        with store.connect(path, read_only=True) as con:
            rows = analytics.annual_series(con, reporter, partner, source=source)
            ytds = []
            for src in sorted({r.value.source for r in rows}):
                with contextlib.suppress(DalizError):
                    ytds.append(analytics.ytd(con, reporter, partner, source=src))
    except store.TradeStoreError as exc:
        raise ServiceError(
            503, "dataset-unavailable", exc.message, hint=exc.hint, headers={"Retry-After": "30"}
        ) from None
    years = []
    for row in rows:
        v = row.value
        years.append(
            {
                **_plain(v),
                "turnover_usd": _number(v.turnover_usd),
                "balance_usd": _number(v.balance_usd),
                "turnover_growth": _number(row.turnover_growth),
                "exports_growth": _number(row.exports_growth),
                "imports_growth": _number(row.imports_growth),
            }
        )
    ytd_out = [
        {
            **_plain(y),
            "period_label": y.period_label,
            "turnover_usd": _number(y.turnover_usd),
            "prior_turnover_usd": _number(y.prior_turnover_usd),
            "ratio": _number(y.ratio),
            "growth": _number(y.growth),
            "ratio_label": y.ratio_label,
            "growth_label": y.growth_label,
        }
        for y in ytds
    ]
    return {"reporter": reporter, "partner": partner, "years": years, "ytd": ytd_out}


@router.get("/published", response_model=list[dict[str, Any]])
def published_figures(
    _who: Reader,
    side: Annotated[str | None, Query(pattern="^(KZ|PK)$", description="KZ or PK.")] = None,
) -> list[dict[str, Any]]:
    """Kazakhstan–Pakistan trade figures as each side published them, with their sources."""
    from daliz.trade import published

    return [
        {**_plain(f), "months": f.months}
        for f in published.figures()
        if side is None or f.side == side
    ]
