"""The search's float-hour departure clock agrees with the datetime reference."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daliz.network.compile import ServiceSegment
from daliz.network.model import Mode, Service, Sourcing, Status
from daliz.routing.search import _next_departure_week_h, _next_service_departure


def _segment(days: frozenset[int], per_week: float, offset_h: float) -> ServiceSegment:
    service = Service(
        "svc", "Test", Mode.RAIL, ("a", "b", "c"), days, per_week, 60.0, "op",
        Status.OPERATING, Sourcing(("x",)),
    )  # fmt: skip
    return ServiceSegment(service, 1, 2, (), 100.0, offset_h, 40.0)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.just(frozenset()), st.frozensets(st.integers(0, 6), min_size=1)),
    st.sampled_from([0.5, 1.0, 2.0, 3.0, 7.0, 14.0, 21.0]),
    st.floats(0.0, 200.0),
    st.datetimes(dt.datetime(2026, 12, 28), dt.datetime(2028, 1, 2)),
)
def test_week_hour_departures_match_the_datetime_reference(
    days: frozenset[int], per_week: float, offset_h: float, clock: dt.datetime
) -> None:
    segment = _segment(days, per_week, offset_h)
    monday = dt.datetime.combine(clock.date() - dt.timedelta(days=clock.weekday()), dt.time())
    # The search counts hours from the Monday of the departure's week, possibly weeks earlier.
    for weeks_before in (0, 3):
        epoch = monday - dt.timedelta(weeks=weeks_before)
        clock_h = (clock - epoch).total_seconds() / 3600.0
        expected = _next_service_departure(segment, clock)
        got = epoch + dt.timedelta(hours=_next_departure_week_h(segment, clock_h))
        assert abs((got - expected).total_seconds()) < 1.0


def test_a_departure_on_the_hour_is_taken() -> None:
    segment = _segment(frozenset({2}), 1.0, 0.0)  # Wednesdays at noon
    assert _next_departure_week_h(segment, 2 * 24 + 12.0) == pytest.approx(2 * 24 + 12.0)
    assert _next_departure_week_h(segment, 2 * 24 + 12.5) == pytest.approx(9 * 24 + 12.0)
