"""Each bundled scenario applies to the default dataset and changes what it should."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from scenario_helpers import request

from daliz.planning.result import Alternative, PlanResult
from daliz.scenarios import bundled_names, load_scenario
from daliz.scenarios.load import shared_sources
from daliz.scenarios.variants import Variant, base_variant, plan_variant, scenario_variant

BUNDLED = (
    "trans-afghan-railway",
    "kz-pk-transit-agreement",
    "khunjerab-winter-closure",
    "salang-winter-closure",
    "gwadar-link",
)


@pytest.fixture(scope="module")
def base() -> Variant:
    return base_variant(None)


def on(variant: Variant, **fields: Any) -> PlanResult:
    fields.setdefault("include_blocked", True)
    return plan_variant(variant, request(**fields))


def links_of(alt: Alternative) -> set[str]:
    return {link for leg in alt.legs for link in leg.links}


def test_bundled_scenarios_are_listed_and_fully_sourced(base: Variant) -> None:
    assert set(BUNDLED) <= set(bundled_names())
    known = set(shared_sources()) | set(base.network.sources) | set(base.rules.sources)
    for name in BUNDLED:
        scenario = load_scenario(name)
        assert scenario.id == name and scenario.assumptions and scenario.title
        for change in scenario.changes:
            assert change.source or change.estimate, (name, change)
            assert set(change.source) <= known, (name, change.source)
        for assumption in scenario.assumptions:
            assert assumption.source or assumption.estimate
        variant = scenario_variant(base, name)
        assert variant.changes and variant.network is not base.network


def test_trans_afghan_railway_changes_kostanay_wheat(base: Variant) -> None:
    railway = scenario_variant(base, "trans-afghan-railway")
    for destination in ("Karachi", "Peshawar"):
        wanted = {"origin": "Kostanay", "destination": destination, "draws": 0}
        before = on(base, **wanted).alternatives
        after = on(railway, **wanted).alternatives[0]
        assert "rail-kabul-kharlachi" in links_of(after), destination
        assert "bcp-kharlachi" in after.border_crossings
        assert all("rail-kabul-kharlachi" not in links_of(a) for a in before)
        # much cheaper and cleaner than any way the base offers (all rail, no transshipment)
        assert after.totals.cost_usd < 0.9 * min(a.totals.cost_usd for a in before)
        assert after.totals.co2e_kg < min(a.totals.co2e_kg for a in before)
        assert {leg.mode for leg in after.legs} == {"rail"}


def test_kz_pk_agreement_in_force_and_faster_torkham(base: Variant) -> None:
    agreement = scenario_variant(base, "kz-pk-transit-agreement")
    day = dt.date(2027, 3, 1)
    assert not base.rules.agreements["kz-pk-tta"].in_force_on(day)
    assert agreement.rules.agreements["kz-pk-tta"].in_force_on(day)
    wanted = {"origin": "Almaty", "destination": "Karachi", "avoid_modes": ["rail", "sea"]}
    before = {a.corridor: a for a in on(base, **wanted).alternatives}
    after = {a.corridor: a for a in on(agreement, **wanted).alternatives}
    via_torkham = [c for c, a in before.items() if "bcp-torkham" in a.border_crossings]
    assert via_torkham
    for corridor in via_torkham:
        old, new = before[corridor], after[corridor]
        assert new.totals.days < old.totals.days  # clearance cut by a third
        relied = {(a["id"], a["status"]) for a in (new.rules or {})["agreements_relied_on"]}
        assert ("kz-pk-tta", "in_force") in relied
        old_relied = {a["id"] for a in (old.rules or {})["agreements_relied_on"]}
        assert "kz-pk-tta" not in old_relied


def test_khunjerab_closure_removes_the_kkh_in_january_only(base: Variant) -> None:
    closure = scenario_variant(base, "khunjerab-winter-closure")

    def kkh(variant: Variant, date: str) -> list[str]:
        result = on(variant, origin="Almaty", destination="Islamabad", date=date, tonnes=100)
        return [a.corridor for a in result.alternatives if "bcp-khunjerab" in a.border_crossings]

    assert kkh(base, "2027-01-15")  # open all year since December 2024
    assert not kkh(closure, "2027-01-15")
    assert kkh(closure, "2027-06-15")


def test_salang_closure_cuts_the_mazar_kabul_road_in_winter(base: Variant) -> None:
    salang = scenario_variant(base, "salang-winter-closure")

    def salang_routes(variant: Variant, date: str) -> int:
        result = on(variant, origin="Almaty", destination="Islamabad", date=date, tonnes=100)
        return sum("road-mazar-kabul" in links_of(a) for a in result.alternatives)

    assert salang_routes(base, "2027-01-15") > 0
    assert salang_routes(salang, "2027-01-15") == 0
    assert salang_routes(salang, "2027-06-15") > 0


def test_gwadar_link_shortens_the_way_to_gwadar(base: Variant) -> None:
    gwadar = scenario_variant(base, "gwadar-link")
    wanted = {"origin": "Almaty", "destination": "Gwadar", "objective": "cheapest"}
    before = on(base, **wanted).alternatives[0]
    after = on(gwadar, **wanted).alternatives[0]
    new_links = {"road-quetta-gwadar-western", "rail-karachi-gwadar"}
    assert links_of(after) & new_links
    assert not links_of(before) & new_links
    assert after.totals.cost_usd < before.totals.cost_usd


def test_example_flows_plan_on_the_default_dataset(base: Variant) -> None:
    from daliz.scenarios.batch import BatchOptions, evaluate_flow, read_flows
    from daliz.scenarios.load import bundled_scenarios_dir

    flows = read_flows(bundled_scenarios_dir().parent / "examples" / "flows.csv")
    commodities = {flow.commodity for flow in flows}
    assert {"wheat", "citrus-kinnow", "medicines", "clothing", "onion"} <= commodities
    directions = {flow.id.split("-")[0] for flow in flows}
    assert directions == {"kz", "pk"}  # both directions
    for flow in flows:
        row = evaluate_flow(base, flow, BatchOptions(draws=0))
        assert row["error"] is None, (flow, row["error"])
        assert base.rules.commodities[flow.commodity]
