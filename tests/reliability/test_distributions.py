"""The building blocks of the Monte Carlo against independent computations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daliz.network.compile import ServiceSegment
from daliz.network.model import BorderCrossing, Mode, Range, Service, Sourcing, Status
from daliz.reliability.distributions import GRID, Streams, triangular_mean, triangular_quantile
from daliz.reliability.simulate import border_wait, service_wait, week_hour
from daliz.reliability.sums import TriangularSum, sum_table
from daliz.routing.search import _border_wait_h, _next_service_departure

ranges = st.tuples(st.floats(0, 100), st.floats(0, 100), st.floats(0, 100)).map(
    lambda t: Range(*sorted(t))
)


def test_triangular_quantile_matches_the_distribution() -> None:
    r = Range(8.0, 24.0, 96.0)
    u = np.random.default_rng(3).random(200_000)
    x = triangular_quantile(u, r)
    assert x.min() >= r.min and x.max() <= r.max
    assert x.mean() == pytest.approx(triangular_mean(r), rel=5e-3)
    # CDF at the mode is (typ − min) / (max − min)
    assert np.mean(x <= r.typ) == pytest.approx((24 - 8) / (96 - 8), abs=5e-3)
    # numpy's own triangular sampler agrees on the quantiles
    ref = np.random.default_rng(4).triangular(r.min, r.typ, r.max, 200_000)
    expected = np.percentile(ref, [10, 50, 90])
    assert np.percentile(x, [10, 50, 90]) == pytest.approx(expected, rel=0.02)


@settings(max_examples=60, deadline=None)
@given(st.lists(ranges, min_size=1, max_size=8), st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_triangular_sum_is_the_sum_of_quantiles(parts: list[Range], probs: list[float]) -> None:
    u = np.asarray(probs)
    total = TriangularSum.of(parts)
    expected = sum(triangular_quantile(u, r) for r in parts)
    got = np.broadcast_to(np.asarray(total.quantile(u), dtype=float), u.shape)
    assert got == pytest.approx(np.asarray(expected), abs=1e-6 * (1 + sum(r.max for r in parts)))
    assert total.typ == pytest.approx(sum(r.typ for r in parts))
    assert sum_table(total).shape == GRID.shape


def test_streams_are_reproducible_keyed_and_row_stable() -> None:
    a, b = Streams(5, 1000), Streams(5, 1000)
    assert np.array_equal(a.cells("border:x", 2), b.cells("border:x", 2))
    assert not np.array_equal(a.cells("border:x", 1)[0], a.cells("border:y", 1)[0])
    # asking for more rows later keeps the first rows
    c = Streams(5, 1000)
    first = np.array(c.cells("leg", 1)[0])
    assert np.array_equal(c.cells("leg", 3)[0], first)
    assert np.array_equal(Streams(5, 1000).cells("leg", 3)[0], first)
    u = a.uniform("border:x", 0, 2)
    assert u.min() > 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.05
    assert not np.array_equal(Streams(6, 1000).cells("border:x", 1), a.cells("border:x", 1))


def _service(days: frozenset[int]) -> ServiceSegment:
    service = Service(
        "svc",
        "Test",
        Mode.SEA,
        ("a", "b", "c"),
        days,
        float(len(days)) or 2.0,
        60.0,
        "op",
        Status.OPERATING,
        Sourcing(("x",)),
    )
    return ServiceSegment(service, 1, 2, (), 100.0, 20.0, 40.0)


@settings(max_examples=80, deadline=None)
@given(
    st.sets(st.integers(0, 6), min_size=1),
    st.datetimes(dt.datetime(2027, 1, 1), dt.datetime(2027, 12, 31)),
)
def test_service_wait_matches_the_planner(days: set[int], clock: dt.datetime) -> None:
    segment = _service(frozenset(days))
    departure = dt.datetime(2027, 3, 1, 8)  # a Monday
    elapsed_h = (clock - departure).total_seconds() / 3600.0
    expected = (_next_service_departure(segment, clock) - clock).total_seconds() / 3600.0
    got = service_wait(
        np.asarray([week_hour(departure) + elapsed_h]), segment.offset_h, frozenset(days)
    )[0]
    assert got == pytest.approx(expected, abs=1e-4)


@settings(max_examples=80, deadline=None)
@given(
    st.sets(st.integers(0, 6), min_size=1, max_size=6),
    st.datetimes(dt.datetime(2027, 1, 1), dt.datetime(2027, 12, 31)),
)
def test_border_wait_matches_the_planner(days: set[int], clock: dt.datetime) -> None:
    border = BorderCrossing(
        "bcp",
        Mode.ROAD,
        ("AF", "PK"),
        Range.point(1),
        Range.point(1),
        "truck",
        frozenset(days),
        Status.OPERATING,
        Sourcing(("x",)),
    )
    departure = dt.datetime(2027, 3, 1, 8)
    elapsed_h = (clock - departure).total_seconds() / 3600.0
    clock_h = week_hour(departure) + elapsed_h  # the planner's clock: hours from a Monday 00:00
    expected = _border_wait_h(border, clock_h)
    got = border_wait(np.asarray([clock_h]), frozenset(days))[0]
    assert got == pytest.approx(expected, abs=1e-4)
