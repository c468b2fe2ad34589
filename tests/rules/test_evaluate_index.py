"""The rules engine sorts each rule book out once (agreements by regime, requirements per
commodity, checklist lines per language): the answers must be those of a fresh index, and the
memo of books must stay bounded."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import daliz.rules.reference as ref
from daliz.i18n import use_language
from daliz.rules import RouteRules, RuleBook, evaluate_route
from daliz.rules import evaluate as ev
from daliz.rules.chain import with_status
from daliz.rules.model import RouteFacts

ROUTES = [
    ref.uz_af_road,
    ref.cn_kkh_road,
    ref.tm_ir_rail_sea,
    ref.tm_ir_road_taftan,
    ref.tm_ir_rail_taftan,
    ref.trans_afghan_rail,
]
GOODS = [
    "wheat",
    "wheat:reefer",  # the same HS codes, another cargo type: other requirements apply
    "citrus-kinnow",
    "medicines",
    "ammonium-nitrate",
    "ammonium-nitrate:bulk",
    "textiles",
    "0805",
]
DAYS = [dt.date(2026, 1, 10), dt.date(2027, 3, 1), dt.date(2028, 8, 20)]


def _cases() -> list[tuple[str, RouteFacts, str, dt.date]]:
    return [
        (lang, route, goods, day)
        for lang in ("en", "ru")
        for make in ROUTES
        for route in (make(), ref.reverse(make()))
        for goods in GOODS
        for day in DAYS
    ]


def _evaluate(book: RuleBook, lang: str, route: RouteFacts, goods: str, day: dt.date) -> RouteRules:
    name, _, cargo_type = goods.partition(":")  # "wheat:reefer": wheat carried as reefer cargo
    commodity = book.find_commodity(name)
    if cargo_type:
        commodity = dataclasses.replace(commodity, cargo_type=cargo_type)
    with use_language(lang):
        return evaluate_route(book, route, commodity, day, transit_days_p90=9.5)


def test_answers_with_a_warm_index_equal_those_of_a_fresh_one(book: RuleBook) -> None:
    cases = _cases()
    warm = [_evaluate(book, *case) for case in cases]  # one index, filled in mixed order
    for case, answer in zip(cases, warm, strict=True):
        ev._INDEXES.clear()
        assert _evaluate(book, *case) == answer
    # the checklist lines (remembered per language) are there, and differ by language
    english = {case[1:]: a for case, a in zip(cases, warm, strict=True) if case[0] == "en"}
    russian = {case[1:]: a for case, a in zip(cases, warm, strict=True) if case[0] == "ru"}
    assert any(a.documents for a in warm)
    assert any(english[k].documents != russian[k].documents for k in english)


def test_a_changed_book_gets_its_own_index(book: RuleBook) -> None:
    route, wheat, day = ref.uz_af_road(), book.find_commodity("wheat"), dt.date(2027, 3, 1)
    before = evaluate_route(book, route, wheat, day)
    changed = with_status(book, "tir-convention", "suspended", dt.date(2020, 1, 1))
    after = evaluate_route(changed, route, wheat, day)
    assert ev._index(changed) is not ev._index(book)
    assert after != before
    ev._INDEXES.clear()
    assert evaluate_route(changed, route, wheat, day) == after
    assert evaluate_route(book, route, wheat, day) == before


def test_index_memo_is_bounded(book: RuleBook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ev, "_INDEXES_SIZE", 2)
    books = [with_status(book, "aptta", "suspended", dt.date(2020, 1, day)) for day in range(1, 6)]
    for b in books:
        evaluate_route(b, ref.uz_af_road(), b.find_commodity("wheat"), dt.date(2027, 3, 1))
    assert len(ev._INDEXES) <= 2
    assert all(index.book is books[-1] or index.book is books[-2] for index in ev._INDEXES.values())
