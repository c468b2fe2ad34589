"""What reliability keeps across plans: bounded, read-only, and never changing a figure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from reliability_helpers import mini_plan

from daliz.network.model import Range
from daliz.planning import PlanResult
from daliz.reliability import SHARED, clear_caches
from daliz.reliability.distributions import POOL, SharedArrays, Streams
from daliz.reliability.route import LinkGroup, RouteModel, Travel
from daliz.reliability.simulate import simulate
from daliz.reliability.sums import TriangularSum, sum_table


def _figures(result: PlanResult) -> list[Any]:
    return [(a.corridor, a.totals) for a in result.alternatives]


def test_plans_sharing_keys_give_the_same_figures_cold_and_warm() -> None:
    # Two shipments on the same corridors: they share every border, leg and tariff key, and
    # (different tonnes) differ in unit counts, fees and line-haul costs.
    clear_caches()
    small_cold = _figures(mini_plan(60.0))
    hits = SHARED.hits
    large_warm = _figures(mini_plan(900.0))
    assert SHARED.hits > hits  # the second plan did reuse the first one's draws
    clear_caches()
    large_cold = _figures(mini_plan(900.0))
    small_warm = _figures(mini_plan(60.0))
    assert large_warm == large_cold
    assert small_warm == small_cold
    assert small_cold != large_cold  # the shipments do differ
    # another seed shares nothing with them
    other = _figures(mini_plan(60.0, seed=11))
    assert other != small_warm
    clear_caches()
    assert _figures(mini_plan(60.0, seed=11)) == other


def test_streams_draw_the_same_with_and_without_the_shared_cache() -> None:
    cache = SharedArrays(8 * 1024 * 1024)
    r = Range(2.0, 5.0, 13.0)
    total = TriangularSum.of([Range(1.0, 2.0, 4.0), Range(10.0, 11.0, 15.0)])
    with Streams(9, 2000, cache) as warmer:
        warmer.triangular("border:x", 0, 2, r)
    with Streams(9, 2000, cache) as cached, Streams(9, 2000, None) as fresh:
        for streams in (cached, fresh):
            assert streams.triangular("border:x", 5, 6, Range.point(3.0)) == 3.0
        pairs = [
            (cached.cells("border:x", 2), fresh.cells("border:x", 2)),
            (cached.triangular("border:x", 0, 2, r), fresh.triangular("border:x", 0, 2, r)),
            (cached.triangular("border:x", 1, 2, r), fresh.triangular("border:x", 1, 2, r)),
            (cached.uniform("leg", 1, 3), fresh.uniform("leg", 1, 3)),
            (
                cached.draws_of("leg", 0, 3, total, sum_table(total)),
                fresh.draws_of("leg", 0, 3, total, sum_table(total)),
            ),
        ]
        for a, b in pairs:
            assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
            assert a.dtype == b.dtype and np.array_equal(a, b)
        assert cache.hits >= 1


def test_shared_draws_are_read_only_and_never_pooled() -> None:
    cache = SharedArrays(8 * 1024 * 1024)
    with Streams(3, 1000, cache) as streams:
        draws = streams.triangular("border:y", 0, 2, Range(1.0, 2.0, 9.0))
        cells = streams.cells("border:y", 2)
        assert isinstance(draws, np.ndarray)
        for array in (draws, cells, streams.uniform("border:y", 1, 2)):
            with pytest.raises(ValueError, match="read-only"):
                array[0] = 0
        streams.recycle(streams.buffer())
    # released: the plan's work arrays went to the pool, the shared draws did not
    assert not any(np.shares_memory(draws, a) for free in POOL._free.values() for a in free)
    assert not any(np.shares_memory(cells, a) for free in POOL._free.values() for a in free)


def test_shared_cache_stays_within_its_bound_least_recently_used_first() -> None:
    one = np.zeros(1000, dtype=np.float32)  # 4 kB
    cache = SharedArrays(3 * one.nbytes)
    for name in ("a", "b", "c"):
        cache.put(name, one.copy())
    assert cache.nbytes == 3 * one.nbytes and len(cache) == 3
    assert cache.get("a") is not None  # "a" is now the most recently used
    cache.put("d", one.copy())
    assert cache.get("b") is None and cache.get("a") is not None
    assert cache.nbytes <= cache.cap_bytes and len(cache) == 3
    # replacing a key does not count it twice; an array larger than the cap is not kept
    cache.put("a", np.zeros(500, dtype=np.float32))
    assert cache.nbytes == 2.5 * one.nbytes
    big = cache.put("big", np.zeros(4000, dtype=np.float32))
    assert cache.get("big") is None and not big.flags.writeable
    assert cache.nbytes <= cache.cap_bytes
    cache.clear()
    assert cache.nbytes == 0 and len(cache) == 0


def test_the_process_cache_stays_within_its_bound_over_many_plans() -> None:
    for tonnes in (20.0, 75.0, 140.0, 600.0):
        mini_plan(tonnes)
    assert 0 < SHARED.nbytes <= SHARED.cap_bytes
    assert all(not a.flags.writeable for a in SHARED._arrays.values())


def _group(lengths: list[Range], speed: Range, rate: Range, count: float) -> LinkGroup:
    return LinkGroup(TriangularSum.of(lengths), speed, rate, count, True, len(lengths), "t")


def test_a_leg_grouped_differently_for_another_shipment_draws_its_own_hours() -> None:
    # Links a and b share a speed range; for one shipment they share a tariff (one group),
    # for another they do not (two groups): the same key, different sums, different hours.
    a, b = Range(90.0, 100.0, 130.0), Range(40.0, 50.0, 80.0)
    speed = Range(30.0, 45.0, 60.0)
    one = Travel("travel:a|b", (_group([a, b], speed, Range(1.0, 2.0, 3.0), 4.0),))
    two = Travel(
        "travel:a|b",
        (
            _group([a], speed, Range(1.0, 2.0, 3.0), 4.0),
            _group([b], speed, Range(2.0, 3.0, 5.0), 4.0),
        ),
    )
    departure = dt.datetime(2027, 3, 1, 8)
    cache = SharedArrays(8 * 1024 * 1024)

    def hours(step: Travel, shared: SharedArrays | None) -> npt.NDArray[np.float32]:
        with Streams(5, 2000, shared) as streams:
            return simulate(RouteModel((step,)), streams, departure).hours.copy()

    alone = [hours(one, None), hours(two, None)]
    assert not np.array_equal(alone[0], alone[1])
    assert np.array_equal(hours(one, cache), alone[0])
    assert np.array_equal(hours(two, cache), alone[1])
    assert np.array_equal(hours(one, cache), alone[0])
