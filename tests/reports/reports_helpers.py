"""Shared pieces of the report tests: a planned mini-dataset report per language."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from daliz.planning import PlanRequest, PlanResult
from daliz.reports import plan_report

MINI = "tests/fixtures/mini"
GENERATED = dt.datetime(2026, 11, 25, 12, 0)


def request(**extra: object) -> PlanRequest:
    fields: dict[str, object] = {
        "origin": "Shymkent",
        "destination": "Karachi",
        "commodity": "wheat",
        "tonnes": 500,
        "date": "2027-03-01",
        "draws": 300,
        **extra,
    }
    return PlanRequest(**fields)  # type: ignore[arg-type]


@lru_cache(maxsize=8)
def mini_report(lang: str) -> tuple[PlanResult, str]:
    """(result, html) of the wheat plan on the mini dataset in `lang` (made once per run)."""
    return plan_report(request(), dataset=MINI, lang=lang, generated=GENERATED)


def visible_text(html: str) -> str:
    """The text a reader sees: tags, styles and attribute values removed."""
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)
