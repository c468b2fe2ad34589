"""Rules on hand-built routes: each corridor kind, perishable/pharma/bulk goods, overlays."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rules_testdata import DEFAULT, SOURCE_ROW, SOURCES_HEADER, write

from daliz.rules import ClosureFact, RouteRules, RuleBook, evaluate_route, load_rules, rules_chain
from daliz.rules import reference as ref
from daliz.rules.chain import with_status

MARCH = dt.date(2026, 3, 1)


def _kinds(findings: tuple) -> set[str]:  # type: ignore[type-arg]
    return {f.kind for f in findings}


def _regimes(rules: RouteRules) -> list[tuple[str, ...]]:
    return [r.regimes for r in rules.regimes]


def test_uz_af_road_via_torkham(book: RuleBook) -> None:
    rules = evaluate_route(book, ref.uz_af_road(), book.find_commodity("wheat"), MARCH)
    assert not rules.blocked
    assert all("TIR" in r and "CMR" in r for r in _regimes(rules))
    used = {a.id for a in rules.agreements_relied_on}
    assert {"tir-convention", "uz-pk-tta", "eco-ttfa"} <= used  # UZ by AUPTT, AF by TTFA
    assert {"transload_at_border", "closure", "security", "sps_arrangement_pending"} <= _kinds(
        rules.warnings
    )
    docs = rules.documents_by_place()
    torkham = {d.document for d in docs["bcp-torkham"]}
    assert "Plant import permit (IP) and release order (RO)" in torkham
    assert "TIR carnet" in torkham
    exit_kz = {d.document for d in docs["bcp-zhibek-zholy"]}
    assert "Phytosanitary certificate (export)" in exit_kz
    json.dumps(rules.to_dict())  # JSON-serialisable


def test_cn_kkh_road_relies_on_qtta(book: RuleBook) -> None:
    rules = evaluate_route(book, ref.cn_kkh_road(), book.find_commodity("wheat"), MARCH)
    assert not rules.blocked
    used = {a.id: a for a in rules.agreements_relied_on}
    assert "qtta" in used and used["qtta"].status == "in_force"
    assert "transload_at_border" not in _kinds(rules.warnings)  # QTTA lets KZ trucks into PK
    assert "QTTA" in rules.regimes[1].regimes  # the leg across China


def test_tm_ir_rail_and_sea(book: RuleBook) -> None:
    rules = evaluate_route(book, ref.tm_ir_rail_sea(), book.find_commodity("wheat"), MARCH)
    assert not rules.blocked
    assert _regimes(rules)[0] == ("SMGS",)
    assert _regimes(rules)[-1] == ("sea",)
    assert "sanctions" in _kinds(rules.warnings)
    docs = rules.documents_by_place()
    assert any(d.document.startswith("Bill of lading") for d in docs["ir-bandar-abbas-port"])
    assert any(d.document.startswith("Plant import permit") for d in docs["pk-karachi-port"])


def test_ir_pk_road_via_taftan_and_rail_law_change(book: RuleBook) -> None:
    road = evaluate_route(book, ref.tm_ir_road_taftan(), book.find_commodity("wheat"), MARCH)
    assert not road.blocked
    assert "TTFA" in road.regimes[3].regimes
    rail = evaluate_route(book, ref.tm_ir_rail_taftan(), book.find_commodity("wheat"), MARCH)
    assert _regimes(rail)[-1] == ("CIM",)  # Pakistan is in COTIF, not SMGS


def test_rail_into_pakistan_without_a_common_rail_law_is_blocked(book: RuleBook) -> None:
    wheat = book.find_commodity("wheat")
    no_cim = with_status(book, "cotif-cim", "suspended", dt.date(2026, 1, 1))
    rules = evaluate_route(no_cim, ref.tm_ir_rail_taftan(), wheat, MARCH)
    assert not rules.blocked  # the ECO TTFA still covers rail between Iran and Pakistan
    assert "TTFA" in rules.regimes[3].regimes and "bilateral" in rules.regimes[3].note
    neither = with_status(no_cim, "eco-ttfa", "suspended", dt.date(2026, 1, 1))
    rules = evaluate_route(neither, ref.tm_ir_rail_taftan(), wheat, MARCH)
    assert "no_rail_regime" in _kinds(rules.blockers)


def test_perishable_citrus_shelf_life(book: RuleBook) -> None:
    citrus = book.find_commodity("kinnow")
    route = ref.reverse(ref.tm_ir_road_taftan())
    ok = evaluate_route(book, route, citrus, dt.date(2026, 1, 10), transit_days_p90=18.0)
    assert "shelf_life_exceeded" not in _kinds(ok.blockers)
    late = evaluate_route(book, route, citrus, dt.date(2026, 1, 10), transit_days_p90=35.0)
    assert "shelf_life_exceeded" in _kinds(late.blockers)
    unknown = evaluate_route(book, route, citrus, dt.date(2026, 1, 10))
    assert "shelf_life_unchecked" in _kinds(unknown.warnings)
    docs = [d.document for d in ok.documents]
    assert "Reefer temperature record and pre-trip inspection report" in docs
    assert "Quarantine import permit and phytosanitary control" in docs  # into Kazakhstan


def test_pharmaceuticals_need_registration_not_quarantine(book: RuleBook) -> None:
    route = ref.reverse(ref.cn_kkh_road())
    rules = evaluate_route(book, route, book.find_commodity("medicines"), MARCH)
    docs = {d.document for d in rules.documents}
    assert "State registration of the medicinal product (marketing authorisation)" in docs
    assert not any("Phytosanitary" in d for d in docs)
    assert "sps_arrangement_pending" not in _kinds(rules.warnings)


def test_closure_near_the_date_warns(book: RuleBook) -> None:
    base = ref.cn_kkh_road()
    closure = ClosureFact(
        "bcp-khunjerab", dt.date(2026, 12, 1), dt.date(2027, 3, 31), ("aiatt-2023-qtta-tir",)
    )
    route = type(base)(**{**base.__dict__, "closures": (closure,)})
    near = evaluate_route(book, route, book.find_commodity("wheat"), dt.date(2026, 11, 25))
    assert "closure_near_date" in _kinds(near.warnings)
    far = evaluate_route(book, route, book.find_commodity("wheat"), dt.date(2026, 6, 1))
    assert not {"closure_near_date", "closure_on_date"} & _kinds(far.warnings)


def test_agreement_status_is_taken_on_the_date(book: RuleBook) -> None:
    # Before the Kazakhstan–Uzbekistan road agreement entered into force (8 Jan 2007) and long
    # before the AUPTT, Uzbek road transit for KZ→PK cargo had no agreement in force.
    rules = evaluate_route(
        book, ref.uz_af_road(), book.find_commodity("wheat"), dt.date(2006, 6, 1)
    )
    blocked = [b for b in rules.blockers if b.kind == "transit_agreement_not_in_force"]
    assert blocked and blocked[0].country == "UZ"
    assert {"uz-pk-tta", "kz-uz-road-transport"} <= set(blocked[0].agreements)
    # Sept 2021, AUPTT not yet operational: the KZ–UZ agreement alone gives the UZ road transit.
    later = evaluate_route(
        book, ref.uz_af_road(), book.find_commodity("wheat"), dt.date(2021, 9, 1)
    )
    assert "transit_agreement_not_in_force" not in _kinds(later.blockers)
    used = {u.id: u.status for u in later.agreements_relied_on}
    assert used.get("kz-uz-road-transport") == "in_force" and "uz-pk-tta" not in used


def _overlay(tmp: Path, body: str) -> Path:
    d = tmp / "overlay"
    write(d, "sources.csv", SOURCES_HEADER + SOURCE_ROW)
    write(d, "agreements.yaml", "agreements:\n" + body)
    return d


def test_overlay_suspending_qtta_blocks_the_kkh_corridor(tmp_path: Path) -> None:
    overlay = _overlay(
        tmp_path,
        """  - id: qtta
    patch: true
    history:
      - {status: suspended, date: 2026-01-15, source: test-src}
""",
    )
    book = load_rules([DEFAULT, overlay])
    rules = evaluate_route(book, ref.cn_kkh_road(), book.find_commodity("wheat"), MARCH)
    blockers = [b for b in rules.blockers if b.kind == "transit_agreement_not_in_force"]
    assert blockers and blockers[0].country == "CN" and "qtta" in blockers[0].agreements
    assert "suspended" in blockers[0].message


def test_overlay_putting_kz_pk_tta_in_force_changes_the_route(tmp_path: Path) -> None:
    base = load_rules([DEFAULT])
    wheat = base.find_commodity("wheat")
    before = evaluate_route(base, ref.uz_af_road(), wheat, MARCH)
    assert "transload_at_border" in _kinds(before.warnings)
    overlay = _overlay(
        tmp_path,
        """  - id: kz-pk-tta
    patch: true
    history:
      - {status: in_force, date: 2026-02-20, source: test-src}
  - id: eco-ttfa
    patch: true
    history:
      - {status: suspended, date: 2026-02-01, source: test-src}
""",
    )
    book = load_rules([DEFAULT, overlay])
    after = evaluate_route(book, ref.uz_af_road(), wheat, MARCH)
    assert "transload_at_border" not in _kinds(after.warnings)
    assert "kz-pk-tta" in {a.id for a in after.agreements_relied_on}
    # TTFA suspended: nothing in force gives KZ→PK cargo transit through Afghanistan any more
    af = [b for b in after.blockers if b.country == "AF"]
    assert af and af[0].kind == "transit_agreement_not_in_force"
    assert not before.blockers


def test_chain_reports_what_a_pending_agreement_unlocks(book: RuleBook) -> None:
    wheat = book.find_commodity("wheat")
    suspended = with_status(book, "eco-ttfa", "suspended", dt.date(2026, 1, 1))
    report = rules_chain(suspended, wheat, [ref.uz_af_road(), ref.cn_kkh_road()], MARCH)
    uz_af, kkh = report.corridors
    assert uz_af.rules.blocked and not kkh.rules.blocked
    by_id = {p.id: p for p in uz_af.pending}
    assert by_id["eco-ttfa"].would_unblock  # TTFA back in force reopens Afghan transit
    assert by_id["aptta"].would_unblock  # APTTA gives transit in AF to traffic bound for PK
    assert by_id["kz-pk-tta"].would_clear  # the KZ–PK agreement ends the transload at Torkham
    assert by_id["kz-pk-tta"].status == "signed"
    json.dumps(report.to_dict())


@pytest.mark.parametrize("corridor", [ref.uz_af_road, ref.cn_kkh_road, ref.tm_ir_rail_sea])
def test_every_reference_corridor_serialises(book: RuleBook, corridor) -> None:  # type: ignore[no-untyped-def]
    rules = evaluate_route(book, corridor(), book.find_commodity("1001"), MARCH)
    data = json.loads(json.dumps(rules.to_dict()))
    assert data["commodity"] == "wheat" and data["regimes"]
