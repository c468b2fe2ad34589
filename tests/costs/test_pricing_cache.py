"""Arc prices are cached per compiled network and set of units: the answers must be those of
pricing every arc from scratch, and the cache must stay bounded."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from daliz.costs import pricing
from daliz.costs.pricing import (
    ArcPrices,
    border_cost,
    line_haul,
    link_haul,
    price_arcs,
    transfer_cost,
)
from daliz.costs.shipment import CargoType, Shipment, UnitCount
from daliz.network.compile import (
    ARC_LINK,
    ARC_SERVICE,
    ARC_TRANSFER,
    CompiledNetwork,
    compile_network,
)
from daliz.network.model import CargoUnitKind, Mode
from daliz.planning import planning_context

DATASETS = [None, "tests/fixtures/mini"]  # the bundled dataset, and one with tonne tariffs

SHIPMENTS = [
    Shipment(tonnes, cargo, unit, 300.0, stowage)
    for tonnes in (0.4, 7.5, 20.0, 21.3, 64.9, 500.0, 1234.5)
    for cargo, unit, stowage in (
        (CargoType.BULK, None, None),
        (CargoType.BAGGED, CargoUnitKind.WAGON, None),
        (CargoType.CONTAINER, None, 12.0),
        (CargoType.CONTAINER, CargoUnitKind.TEU, None),
        (CargoType.REEFER, CargoUnitKind.REEFER40, None),
        (CargoType.DANGEROUS, CargoUnitKind.TRUCK, None),
    )
]


def _from_scratch(
    cn: CompiledNetwork, shipment: Shipment, units: dict[Mode, UnitCount]
) -> npt.NDArray[np.float64]:
    """Every arc's cost computed directly from the public cost functions (no cache)."""
    table = pricing._arc_table(cn)
    cost = np.zeros(cn.arc_count)
    for arc in range(cn.arc_count):
        kind, ref = int(cn.arc_kind[arc]), int(cn.arc_ref[arc])
        links = (
            [cn.links[ref]]
            if kind == ARC_LINK
            else cn.segments[ref].links
            if kind == ARC_SERVICE
            else []
        )
        total = 0.0
        usable = True
        for link in links:
            haul = line_haul(link, units[link.mode], shipment)
            if haul is None:
                usable = False
                break
            total += haul.cost_usd.typ
        if kind == ARC_TRANSFER:
            total = transfer_cost(cn.transfers[ref], shipment, units).typ
        if usable:
            for crossing in table.borders[arc]:
                total += border_cost(crossing, units).typ
        cost[arc] = total if (usable or kind == ARC_SERVICE) else 0.0
    return cost


def _same(a: ArcPrices, b: ArcPrices) -> None:
    assert np.array_equal(a.cost_usd, b.cost_usd)
    assert np.array_equal(a.time_h, b.time_h)
    assert np.array_equal(a.co2e_kg, b.co2e_kg)
    assert np.array_equal(a.usable, b.usable)
    assert a.unusable_reason == b.unusable_reason
    assert a.border_of_arc == b.border_of_arc
    assert a.units == b.units


@pytest.mark.parametrize("dataset", DATASETS)
def test_cached_prices_equal_prices_from_scratch(dataset: str | None) -> None:
    network = planning_context(dataset).network
    warm = compile_network(network)
    for shipment in SHIPMENTS:
        price_arcs(warm, shipment)  # fills the cache for these units
    for shipment in SHIPMENTS:
        # the same units, other tonnes: served from the cache but for this shipment's tonnes
        other = Shipment(
            shipment.tonnes * 1.0001,
            shipment.cargo_type,
            shipment.unit,
            shipment.value_usd_per_tonne,
            shipment.tonnes_per_teu,
        )
        for s in (shipment, other):
            cached = price_arcs(warm, s)
            fresh = price_arcs(compile_network(network), s)  # an empty cache
            _same(cached, fresh)
            expected = _from_scratch(warm, s, cached.units)
            usable = cached.usable | (warm.arc_kind == ARC_TRANSFER)  # rows left for another unit
            assert np.array_equal(cached.cost_usd[usable], expected[usable])
            for link in warm.links:
                assert link_haul(cached, link, s) == line_haul(link, cached.units[link.mode], s)


def test_tonne_priced_arcs_follow_the_tonnes() -> None:
    """The mini dataset prices some arcs per tonne: those change with the tonnes even when the
    unit counts (the cache key) do not."""
    cn = compile_network(planning_context("tests/fixtures/mini").network)
    a = price_arcs(cn, Shipment(100.0, CargoType.BULK))
    b = price_arcs(cn, Shipment(100.5, CargoType.BULK))
    assert a.units == b.units
    changed = a.cost_usd != b.cost_usd
    assert changed.any() and not changed.all()
    assert len(cn.derived["pricing_unit_prices"]) == 1


def test_returned_prices_do_not_share_the_cached_arrays() -> None:
    cn = compile_network(planning_context("tests/fixtures/mini").network)
    shipment = Shipment(100.0, CargoType.BULK)
    first = price_arcs(cn, shipment)
    first.cost_usd[:] = -1.0
    first.usable[:] = False
    first.unusable_reason.clear()
    _same(price_arcs(cn, shipment), price_arcs(compile_network(cn.network), shipment))


def test_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pricing, "PRICE_CACHE_SIZE", 3)
    cn = compile_network(planning_context("tests/fixtures/mini").network)
    for trucks in range(1, 12):  # 22 t per truck: a new set of unit counts each time
        price_arcs(cn, Shipment(22.0 * trucks, CargoType.BAGGED, CargoUnitKind.TRUCK))
    cache = cn.derived["pricing_unit_prices"]
    assert isinstance(cache, dict) and len(cache) == 3
