"""Planning on the mini dataset: alternatives, explanations, constraints and request errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from daliz.errors import NoRouteError, RequestError
from daliz.planning import PlanResult, plan

BASE = {"dataset": "tests/fixtures/mini", "draws": 0}
RAIL_ROAD = "Uzbekistan rail to Mazar-i-Sharif, then road via Torkham"
ROAD = "Uzbekistan–Afghanistan road via Torkham"
SEA = "Turkmenistan–Iran rail + sea"


def wheat(**extra: object) -> PlanResult:
    fields = {
        "origin": "Shymkent",
        "destination": "Karachi",
        "commodity": "wheat",
        "tonnes": 500,
        "date": "2027-03-01",
        **BASE,
        **extra,
    }
    dataset = fields.pop("dataset")
    return plan(dataset=str(dataset), **fields)


def test_distinct_corridors_ranked_and_stamped() -> None:
    result = wheat()
    corridors = [a.corridor for a in result.alternatives]
    assert len(corridors) == len(set(corridors)) == 3
    assert set(corridors) == {RAIL_ROAD, ROAD, SEA}
    assert [a.rank for a in result.alternatives] == [1, 2, 3]
    assert result.dataset.name == "mini" and len(result.dataset.hash) == 64
    assert result.request["resolved"]["origin"] == "kz-shymkent"


def test_totals_add_up_from_legs_and_events() -> None:
    for alt in wheat().alternatives:
        legs_cost = sum(leg.cost_usd for leg in alt.legs)
        event_cost = sum(e.cost_usd for e in alt.events)
        assert alt.totals.cost_usd == pytest.approx(legs_cost + event_cost, rel=1e-3)
        assert sum(alt.cost_breakdown.values()) == pytest.approx(alt.totals.cost_usd, rel=1e-3)
        hours = sum(leg.hours for leg in alt.legs) + sum(e.hours for e in alt.events)
        assert alt.totals.hours == pytest.approx(hours, abs=0.5)
        assert alt.totals.distance_km == pytest.approx(
            sum(leg.distance_km for leg in alt.legs), abs=1
        )
        # legs are contiguous, from origin to destination
        assert alt.legs[0].from_ == "kz-shymkent" and alt.legs[-1].to == "pk-karachi-port"
        for before, after in zip(alt.legs, alt.legs[1:], strict=False):
            assert before.to == after.from_


def test_each_corridor_explains_its_events() -> None:
    result = wheat()
    road = next(a for a in result.alternatives if a.corridor == RAIL_ROAD)
    kinds = [e.kind for e in road.events]
    assert kinds.count("border_crossing") == 3
    assert "transshipment" in kinds  # rail → road at Mazar-i-Sharif
    sea = next(a for a in result.alternatives if "Iran" in a.corridor)
    sea_kinds = [e.kind for e in sea.events]
    assert "bogie_exchange" in sea_kinds  # 1520 → 1435 at Sarakhs
    assert sea_kinds.count("port_handling") == 2
    assert "service_wait" in sea_kinds  # the weekly Tuesday feeder
    gauges = [leg.gauge_mm for leg in sea.legs if leg.mode == "rail"]
    assert 1520 in gauges and 1435 in gauges
    assert any(leg.service for leg in sea.legs)


def test_service_wait_follows_the_weekday() -> None:
    # Departing on a Monday reaches Bandar Abbas later in the week; the feeder sails Tuesdays.
    monday = wheat(date="2027-03-01", objective="cheapest")
    sea = next(a for a in monday.alternatives if "Iran" in a.corridor)
    waits = [e.hours for e in sea.events if e.kind == "service_wait"]
    assert len(waits) == 1 and 0 <= waits[0] < 7 * 24


def test_objectives_reorder() -> None:
    cheapest = wheat(objective="cheapest").alternatives[0]
    fastest = wheat(objective="fastest").alternatives[0]
    assert cheapest.totals.cost_usd <= fastest.totals.cost_usd
    assert fastest.totals.days <= cheapest.totals.days
    assert cheapest.corridor != fastest.corridor


def test_geojson_is_a_feature_collection() -> None:
    geo = wheat().to_geojson()
    assert geo["type"] == "FeatureCollection"
    assert all(f["geometry"]["type"] == "LineString" for f in geo["features"])
    lon, lat = geo["features"][0]["geometry"]["coordinates"][0]
    assert 60 < lon < 75 and 35 < lat < 45  # lon, lat order


def test_json_shape_is_the_documented_one() -> None:
    data = wheat().to_dict()
    assert set(data) >= {"request", "dataset", "alternatives"}
    alt = data["alternatives"][0]
    assert set(alt) >= {
        "corridor",
        "rank",
        "legs",
        "events",
        "totals",
        "cost_breakdown",
        "warnings",
    }
    assert set(alt["legs"][0]) >= {
        "mode",
        "from",
        "to",
        "distance_km",
        "hours",
        "cost_usd",
        "gauge_mm",
        "geometry",
    }
    assert set(alt["totals"]) >= {"cost_usd", "days", "co2e_kg", "distance_km"}


def test_avoid_country_removes_the_corridor() -> None:
    result = wheat(avoid_countries=["AF"])
    assert [a.corridor for a in result.alternatives] == [SEA]


def test_closure_on_the_date_cuts_the_route() -> None:
    # the fixture closes Torkham 1–15 June 2027
    result = wheat(date="2027-06-01")
    assert all("Torkham" not in a.corridor for a in result.alternatives)


def test_max_days_cut_is_explained() -> None:
    with pytest.raises(NoRouteError) as info:
        wheat(max_days=2)
    assert "max days" in str(info.value)


def test_no_route_names_the_constraint() -> None:
    with pytest.raises(NoRouteError) as info:
        wheat(avoid_countries=["AF", "IR"])
    assert "avoid countries" in str(info.value)


def test_planned_link_not_used_by_default() -> None:
    for alt in wheat().alternatives:
        assert all("rail-mazar-peshawar" not in leg.links for leg in alt.legs)


def test_coordinates_get_access_legs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DALIZ_ROADS", "off")  # estimated access legs; the road graph is slow
    result = plan(
        origin="42.0,69.9",
        destination="Karachi",
        commodity="wheat",
        tonnes=60,
        dataset="tests/fixtures/mini",
        draws=0,
    )
    first = result.alternatives[0].legs[0]
    assert first.access and first.from_ == "origin" and first.distance_km > 0
    assert first.estimate


def test_reefer_units_convert() -> None:
    result = plan(
        origin="Karachi",
        destination="Shymkent",
        commodity="citrus",
        unit="reefer-40",
        count=10,
        dataset="tests/fixtures/mini",
        draws=0,
    )
    # reefer40 payload 25 t (stowage 20 t per TEU × 2 TEU does not bind) × 10
    assert result.request["resolved"]["tonnes"] == pytest.approx(250)
    assert result.request["resolved"]["cargo_type"] == "reefer"


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"destination": "Karachx"}, "Did you mean: Karachi Port"),
        ({"tonnes": -5}, "tonnes must be positive"),
        ({"date": "2027-02-30"}, "date"),
        ({"unit": "barrel", "count": 3, "tonnes": None}, "Unknown cargo unit"),
        ({"unit": "teu", "commodity": "citrus"}, "refrigerated"),
        ({"avoid_countries": ["KZ"]}, "origin or destination is in it"),
        ({"avoid_countries": ["Iran"]}, "two-letter country code"),
        ({"commodity": "unobtainium"}, "unobtainium"),
        ({"destination": "Shymkent"}, "same"),
        ({"unit": "teu", "count": 2, "tonnes": 500}, "do not fit"),
        ({"origin": "95.0,70.0"}, "latitude"),
        ({"origin": "10.0,10.0"}, "km from every hub"),
        ({"date": "9999-06-01"}, "dates must lie between 2000-01-01 and 2100-12-31"),
        ({"date": "0001-01-01"}, "got 0001-01-01"),
        ({"deadline": "2101-01-01"}, "dates must lie between"),
    ],
)
def test_request_errors_are_clear(fields: dict[str, object], message: str) -> None:
    with pytest.raises(RequestError) as info:
        wheat(**fields)
    assert message in str(info.value)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "daliz", *args], capture_output=True, text=True, check=False
    )


def test_cli_json_and_geojson(tmp_path: Path) -> None:
    out = tmp_path / "routes.geojson"
    proc = run_cli(
        "plan",
        "Shymkent",
        "Karachi",
        "--commodity",
        "wheat",
        "--tonnes",
        "500",
        "--dataset",
        "tests/fixtures/mini",
        "--draws",
        "0",
        "--json",
        "--geojson",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["alternatives"]) == 3
    assert json.loads(out.read_text())["type"] == "FeatureCollection"


def test_cli_errors_exit_nonzero_without_traceback() -> None:
    proc = run_cli(
        "plan",
        "Shymkent",
        "Karachx",
        "--commodity",
        "wheat",
        "--tonnes",
        "5",
        "--dataset",
        "tests/fixtures/mini",
    )
    assert proc.returncode == 2
    assert "Did you mean" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli(
        "plan",
        "Shymkent",
        "Karachi",
        "--commodity",
        "wheat",
        "--tonnes",
        "5",
        "--avoid-country",
        "AF",
        "--avoid-country",
        "IR",
        "--dataset",
        "tests/fixtures/mini",
    )
    assert proc.returncode == 3 and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_coordinates_use_the_real_road_graph() -> None:
    pytest.importorskip("routingkit_cch")
    result = plan(
        origin="42.2,69.8",
        destination="Karachi",
        commodity="wheat",
        tonnes=60,
        dataset="tests/fixtures/mini",
        draws=0,
    )
    first = result.alternatives[0].legs[0]
    assert first.access and not first.estimate
    assert first.snap_km is not None and first.snap_km < 50
    assert len(first.geometry["coordinates"]) > 2  # follows roads, not a straight line
    assert any("OpenStreetMap" in note for note in result.notes)


@pytest.mark.slow
def test_point_in_the_sea_is_refused() -> None:
    pytest.importorskip("routingkit_cch")
    with pytest.raises(RequestError) as info:
        plan(
            origin="Shymkent",
            destination="23.4,65.2",
            commodity="wheat",
            tonnes=60,
            dataset="tests/fixtures/mini",
            draws=0,
        )
    assert "road" in str(info.value)


def test_service_through_a_border_charges_its_clearance() -> None:
    result = wheat(date="2027-03-01", max_alternatives=10, objective="fastest")
    for alt in result.alternatives:
        for leg in alt.legs:
            if leg.service and "block train" in leg.service:
                places = [e.place for e in alt.events if e.kind == "border_crossing"]
                assert "bcp-termez-hairatan" in places
                assert "bcp-termez-hairatan" in alt.border_crossings
                return
    pytest.fail("no alternative rides the test block train")


def test_closure_of_a_sea_lane_cuts_the_sea_corridor() -> None:
    # the fixture closes the Bandar Abbas–Karachi lane 1 Sep – 15 Oct 2027
    open_lane = {a.corridor for a in wheat(date="2027-08-01").alternatives}
    closed_lane = {a.corridor for a in wheat(date="2027-09-10").alternatives}
    assert SEA in open_lane and SEA not in closed_lane
