"""Scenario files: validation errors, and applying every kind of change to the mini network."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from scenario_helpers import MINI, MINI_RAIL, request, scenario, write_scenario

from daliz.errors import DatasetError, NoRouteError, RequestError
from daliz.network.compile import compile_network
from daliz.network.load import load_network
from daliz.network.model import Mode, Status
from daliz.planning.context import planning_context
from daliz.scenarios import apply_scenario, load_scenario, parse_scenario
from daliz.scenarios.variants import base_variant, plan_variant, scenario_variant

ESTIMATE = {"estimate": "test figure"}
SPEED = {"min": 1, "typ": 2, "max": 3}


def applied(tmp_path: Path, *changes: dict[str, object]):  # type: ignore[no-untyped-def]
    ctx = planning_context(MINI)
    parsed = load_scenario(write_scenario(tmp_path, scenario(*changes)))
    return apply_scenario(parsed, ctx.network, ctx.rules)


def problems(exc: pytest.ExceptionInfo[DatasetError]) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.field) for p in exc.value.problems]


# --------------------------------------------------------------------------- reading
def test_schema_errors_name_the_change_and_field(tmp_path: Path) -> None:
    data = scenario(
        {"action": "open_link"},  # no link
        {"action": "teleport", "link": "x"},
        {"action": "scale_border", "place": "bcp-torkham", "clearance_factor": -1, **ESTIMATE},
        {"action": "close_link", "link": "x", "season": {"start": "13-01", "end": "02-01"}},
        {"action": "add_link", "id": "x", "from": "a", "to": "b", "mode": "rail", **ESTIMATE},
        {"action": "open_link", "link": "x", "colour": "red"},
    )
    with pytest.raises(DatasetError) as exc:
        load_scenario(write_scenario(tmp_path, data))
    found = problems(exc)
    assert (1, "link") in found
    assert (2, "action") in found
    assert (3, "clearance_factor") in found
    assert (4, "season") in found
    assert any(row == 5 for row, _ in found)  # a new link needs distance, speed, tariff, gauge
    assert (6, "colour") in found
    text = str(exc.value)
    assert "unknown action" in text and str(tmp_path) in text


def test_top_level_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as exc:
        parse_scenario({"id": "Bad Id", "title": "x", "changes": []})
    fields = {p.field for p in exc.value.problems}
    assert {"id", "changes"} <= fields
    with pytest.raises(DatasetError):
        parse_scenario(["not", "a", "mapping"])
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(DatasetError, match="not valid YAML"):
        load_scenario(broken)


def test_unknown_name_suggests_bundled_ones() -> None:
    with pytest.raises(RequestError) as exc:
        load_scenario("trans-afgan-railway")
    assert "trans-afghan-railway" in exc.value.suggestions
    with pytest.raises(RequestError, match="does not exist"):
        load_scenario("missing/file.yaml")


# --------------------------------------------------------------------------- applying
def test_open_link_makes_a_new_network_and_leaves_the_base(tmp_path: Path) -> None:
    base = load_network(MINI)
    base_hash = base.info.content_hash
    before = base.links["rail-mazar-peshawar"]
    variant = scenario_variant(base_variant(MINI), MINI_RAIL)
    after = variant.network.links["rail-mazar-peshawar"]
    assert before.status == Status.PLANNED and after.status == Status.OPERATING
    assert after.speed_kmh.typ == 40 and after.tariffs  # the scenario's assumptions
    assert base.links["rail-mazar-peshawar"] is before  # the base is untouched
    assert base.info.content_hash == base_hash
    assert variant.network.info.content_hash != base_hash
    assert variant.network.info.name == "mini+mini-rail"
    assert "rail-mazar-peshawar" in {link.id for link in compile_network(variant.network).links}
    assert "rail-mazar-peshawar" not in {link.id for link in compile_network(base).links}


def test_opening_the_railway_changes_the_plan() -> None:
    base = base_variant(MINI)
    rail = scenario_variant(base, MINI_RAIL)
    before = plan_variant(base, request()).alternatives[0]
    after = plan_variant(rail, request()).alternatives[0]
    links = {link for leg in after.legs for link in leg.links}
    assert "rail-mazar-peshawar" in links
    assert after.totals.cost_usd < before.totals.cost_usd
    assert after.totals.days < before.totals.days
    assert plan_variant(rail, request()).dataset.name == "mini+mini-rail"


def test_reference_errors_are_collected(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as exc:
        applied(
            tmp_path,
            {"action": "open_link", "link": "rail-mazar-pesh"},
            {"action": "close_border", "place": "bcp-nowhere"},
            {"action": "scale_border", "place": "bcp-torkham", "mode": "rail", **ESTIMATE},
            {"action": "open_link", "link": "road-shym-zz", "speed_kmh": SPEED},
            {"action": "agreement", "agreement": "kz-pk-ttx", "status": "in_force"},
            {"action": "close_link", "link": "road-shym-zz", "source": ["no-such-source"]},
        )
    found = problems(exc)
    assert (1, "link") in found and "rail-mazar-peshawar" in str(exc.value)  # suggestion
    assert (2, "place") in found
    assert (3, "place") in found  # Torkham has no rail row in the mini network
    assert (4, "source") in found  # numbers without a source or an estimate
    assert (5, "agreement") in found and "kz-pk-tta" in str(exc.value)
    assert (6, "source") in found


def test_whole_network_checks_after_the_changes(tmp_path: Path) -> None:
    # A rail link into a border crossing point that has no rail row is refused.
    with pytest.raises(DatasetError, match="no rail row"):
        applied(
            tmp_path,
            {
                "action": "add_link",
                "id": "rail-kabul-torkham",
                "from": "af-kabul",
                "to": "bcp-torkham",
                "mode": "rail",
                "gauge_mm": 1520,
                "distance_km": 230,
                "distance_km_min": 220,
                "distance_km_max": 240,
                "speed_profile": "speed-rail",
                "tariff_profile": "rail-test",
                **ESTIMATE,
            },
        )


def test_add_place_link_border_and_transfer(tmp_path: Path) -> None:
    result = applied(
        tmp_path,
        {
            "action": "add_place",
            "id": "bcp-new",
            "kind": "border_crossing",
            "country": "AF",
            "lat": 34.9,
            "lon": 70.0,
            "name_en": "New crossing",
            **ESTIMATE,
        },
        {
            "action": "add_link",
            "id": "road-kabul-new",
            "from": "af-kabul",
            "to": "bcp-new",
            "mode": "road",
            "distance_km": 150,
            "distance_km_min": 140,
            "distance_km_max": 160,
            "speed_kmh": {"min": 20, "typ": 30, "max": 40},
            "tariffs": [{"unit": "truck", "usd": {"min": 1, "typ": 1.5, "max": 2}}],
            **ESTIMATE,
        },
        {
            "action": "add_link",
            "id": "road-new-peshawar",
            "from": "bcp-new",
            "to": "pk-peshawar",
            "mode": "road",
            "distance_km": 60,
            "distance_km_min": 55,
            "distance_km_max": 70,
            "speed_profile": "speed-road",
            "tariff_profile": "road-test",
            **ESTIMATE,
        },
        {
            "action": "add_border_crossing",
            "place": "bcp-new",
            "mode": "road",
            "country_a": "AF",
            "country_b": "PK",
            "clearance_h": {"min": 1, "typ": 2, "max": 4},
            "cost_usd": {"min": 10, "typ": 20, "max": 30},
            "cost_unit": "truck",
            "open_days": "Mon;Tue;Wed",
            **ESTIMATE,
        },
        {
            "action": "add_transfer",
            "place": "af-kabul",
            "kind": "transshipment",
            "from_mode": "road",
            "to_mode": "rail",
            "to_gauge_mm": 1520,
            "time_h": {"min": 1, "typ": 2, "max": 3},
            "cost_usd": {"min": 1, "typ": 2, "max": 3},
            "cost_unit": "tonne",
            **ESTIMATE,
        },
    )
    net = result.network
    assert net.places["bcp-new"].names["en"] == "New crossing"
    assert net.links["road-kabul-new"].speed_kmh.typ == 30
    assert net.border_crossings[("bcp-new", Mode.ROAD)].open_days == frozenset({0, 1, 2})
    assert any(t.place == "af-kabul" and t.to_mode == Mode.RAIL for t in net.transfers)
    assert len(result.summary) == 5
    planning_context(network=net, rules=result.rules)
    from daliz.planning.planner import plan

    plan_result = plan(request(origin="Kabul", destination="Peshawar"), network=net)
    assert any("bcp-new" in alt.border_crossings for alt in plan_result.alternatives)


def test_closing_a_border_for_good_and_for_a_period(tmp_path: Path) -> None:
    closed = applied(tmp_path, {"action": "close_border", "place": "bcp-torkham"})
    assert closed.network.border_crossings[("bcp-torkham", Mode.ROAD)].status == Status.SUSPENDED
    planning_context(network=closed.network, rules=closed.rules)
    from daliz.planning.planner import plan

    result = plan(request(destination="Karachi"), network=closed.network)
    assert all("bcp-torkham" not in a.border_crossings for a in result.alternatives)

    period = applied(
        tmp_path,
        {
            "action": "close_border",
            "place": "bcp-torkham",
            "from": "2027-01-01",
            "to": "2027-02-01",
        },
    )
    planning_context(network=period.network, rules=period.rules)
    january = plan(request(destination="Karachi", date="2027-01-10"), network=period.network)
    march = plan(request(destination="Karachi", date="2027-03-01"), network=period.network)
    assert all("bcp-torkham" not in a.border_crossings for a in january.alternatives)
    assert any("bcp-torkham" in a.border_crossings for a in march.alternatives)


def test_seasonal_link_closure_only_in_season(tmp_path: Path) -> None:
    result = applied(
        tmp_path,
        {"action": "close_link", "link": "road-peshawar-karachi", "season": ["12-01", "03-01"]},
        {"action": "close_link", "link": "rail-bcp-mazar"},
    )
    assert result.network.links["rail-bcp-mazar"].status == Status.SUSPENDED
    planning_context(network=result.network, rules=result.rules)
    from daliz.planning.planner import plan

    def uses(date: str) -> bool:
        found = plan(request(destination="Karachi", date=date), network=result.network)
        return any(
            "road-peshawar-karachi" in leg.links for a in found.alternatives for leg in a.legs
        )

    assert not uses("2027-01-15")
    assert uses("2027-04-15")


def test_scale_border_and_fuel_and_exchange_rate(tmp_path: Path) -> None:
    base = planning_context(MINI).network
    result = applied(
        tmp_path,
        {
            "action": "scale_border",
            "place": "bcp-torkham",
            "clearance_factor": 0.5,
            "cost_factor": 2,
            **ESTIMATE,
        },
        {"action": "fuel_price", "factor": 1.5, "shares": {"road": 0.4}, **ESTIMATE},
        {
            "action": "exchange_rate",
            "currency": "PKR",
            "country": "PK",
            "factor": 2.0,
            "local_share": 0.5,
            **ESTIMATE,
        },
    )
    torkham = result.network.border_crossings[("bcp-torkham", Mode.ROAD)]
    original = base.border_crossings[("bcp-torkham", Mode.ROAD)]
    assert torkham.clearance_h.typ == pytest.approx(original.clearance_h.typ / 2)
    # fees × 2; then Pakistan's half of the fees, half of it paid in rupees that buy half as many
    # dollars: × (1 − 0.5 × 0.5 + 0.5 × 0.5 ÷ 2) = × 0.875
    assert torkham.cost_usd.typ == pytest.approx(original.cost_usd.typ * 2 * 0.875)
    fuel = 1 + 0.4 * 0.5
    inside_pk = result.network.links["road-peshawar-karachi"].tariffs
    outside = result.network.links["road-shym-zz"].tariffs
    for unit, tariff in base.links["road-shym-zz"].tariffs.items():
        assert outside[unit].usd.typ == pytest.approx(tariff.usd.typ * fuel)
        assert inside_pk[unit].usd.typ == pytest.approx(tariff.usd.typ * fuel * 0.75)
    rail = result.network.links["rail-shym-zz"].tariffs
    for unit, tariff in base.links["rail-shym-zz"].tariffs.items():
        assert rail[unit].usd == tariff.usd  # rail share not given: unchanged
    assert base.links["road-shym-zz"].tariffs is not outside


def test_default_fuel_shares_and_plan_cost(tmp_path: Path) -> None:
    result = applied(tmp_path, {"action": "fuel_price", "factor": 2.0, **ESTIMATE})
    ctx = planning_context(MINI)
    from daliz.planning.planner import plan

    road_only = request(destination="Karachi", avoid_modes=["rail", "sea"])
    before = plan(road_only, dataset=MINI).alternatives[0]
    planning_context(network=result.network, rules=result.rules)
    after = plan(road_only, network=result.network).alternatives[0]
    assert before.corridor == after.corridor
    line_haul = before.cost_breakdown["line_haul"]
    # road tariffs × (1 + 0.30 × (2 − 1)) = × 1.3; border fees unchanged
    assert after.cost_breakdown["line_haul"] == pytest.approx(line_haul * 1.3, rel=1e-3)
    assert after.cost_breakdown["border"] == before.cost_breakdown["border"]
    untouched = load_network(MINI).links["road-shym-zz"].tariffs
    assert ctx.network.links["road-shym-zz"].tariffs == untouched


def test_closure_risk_change_moves_the_p90(tmp_path: Path) -> None:
    result = applied(
        tmp_path,
        {"action": "add_closure_risk", "target": "bcp-sarakhs", "probability": 1.0, **ESTIMATE},
    )
    planning_context(network=result.network, rules=result.rules)
    from daliz.planning.planner import plan

    wanted = request(destination="Karachi", draws=2000, avoid_countries=["AF"])
    before = plan(wanted, dataset=MINI).alternatives[0].totals
    after = plan(wanted, network=result.network).alternatives[0].totals
    assert before.days == after.days  # the typical plan is the same …
    assert after.days_p90 is not None and before.days_p90 is not None
    assert after.days_p50 is not None and before.days_p50 is not None
    # … but every crossing now waits for a reopening (1–10 days, then the weekly feeder)
    assert after.days_p50 > before.days_p50
    assert after.days_p90 > before.days_p90 + 3


def test_no_route_under_a_scenario_is_reported_not_raised(tmp_path: Path) -> None:
    from daliz.scenarios.compare import compare

    path = write_scenario(
        tmp_path,
        scenario(
            {"action": "close_link", "link": "road-torkham-peshawar"},
            {"action": "close_link", "link": "road-peshawar-karachi"},
        ),
    )
    comparison = compare(
        request(destination="Peshawar", avoid_modes=["rail", "sea"]), [str(path)], dataset=MINI
    )
    assert comparison.rows[0].error is None and comparison.rows[0].corridor
    assert comparison.rows[1].error and comparison.rows[1].corridor is None
    with pytest.raises(NoRouteError):
        variant = scenario_variant(base_variant(MINI), str(path))
        plan_variant(variant, request(destination="Peshawar", avoid_modes=["rail", "sea"]))


def test_agreement_status_change_builds_a_new_rule_book(tmp_path: Path) -> None:
    ctx = planning_context(None)  # the default dataset carries the agreements register
    data = scenario({"action": "agreement", "agreement": "kz-pk-tta", "status": "in_force"})
    result = apply_scenario(parse_scenario(data), ctx.network, ctx.rules)
    day = dt.date(2027, 3, 1)
    assert not ctx.rules.agreements["kz-pk-tta"].in_force_on(day)
    assert result.rules.agreements["kz-pk-tta"].in_force_on(day)
    assert result.rules is not ctx.rules
    in_force = {"action": "agreement", "agreement": "kz-pk-tta", "status": "in_force"}
    later = scenario({**in_force, "from": "2028-01-01"})
    dated = apply_scenario(parse_scenario(later), ctx.network, ctx.rules).rules
    assert not dated.agreements["kz-pk-tta"].in_force_on(day)
    assert dated.agreements["kz-pk-tta"].in_force_on(dt.date(2028, 6, 1))
    suspended = scenario({**in_force, "agreement": "tir-convention", "status": "suspended"})
    book = apply_scenario(parse_scenario(suspended), ctx.network, ctx.rules).rules
    assert not book.agreements["tir-convention"].in_force_on(day)
    assert dataclasses.replace(ctx.rules) == ctx.rules  # still intact
