"""The compiled loops and the hour-figures cache give exactly what NumPy and fresh draws give."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from reliability_helpers import mini_plan

from daliz.network.model import Range
from daliz.reliability import HOURS_FIGURES, SHARED, add_reliability, clear_caches
from daliz.reliability.distributions import GRID, LEVELS, triangular_quantile, triangular_table
from daliz.reliability.kernels import add_border_wait, gather
from daliz.reliability.simulate import border_wait, days_to_opening
from daliz.routing.search import BORDER_OPENS_H


@pytest.mark.parametrize(
    "r", [Range(1.0, 2.0, 7.5), Range(0.0, 0.0, 3.0), Range(2.0, 9.0, 9.0), Range(0.1, 0.2, 1e5)]
)
def test_the_compiled_table_is_the_numpy_quantile_bit_for_bit(r: Range) -> None:
    expected = triangular_quantile(GRID, r).astype(np.float32)
    assert triangular_table(r).tobytes() == expected.tobytes()


def test_the_compiled_gather_is_take() -> None:
    rng = np.random.default_rng(3)
    table = rng.random(LEVELS).astype(np.float32)
    cells = rng.integers(0, LEVELS, 5000).astype(np.uint16)
    out = np.empty(cells.size, np.float32)
    gather(table, cells, out)
    assert out.tobytes() == table.take(cells).tobytes()


@pytest.mark.parametrize("days", [frozenset({0}), frozenset({1, 2, 3, 4}), frozenset({6, 5})])
def test_the_compiled_border_wait_adds_what_numpy_adds(days: frozenset[int]) -> None:
    rng = np.random.default_rng(5)
    hours = (rng.random(20000) * 400.0).astype(np.float32)
    base_h = 37.25
    expected = hours.copy()
    np.add(
        expected,
        border_wait(hours.astype(np.float64) + base_h, days),
        out=expected,
        casting="same_kind",
    )
    got = hours.copy()
    add_border_wait(got, base_h, days_to_opening(days), BORDER_OPENS_H)
    assert got.tobytes() == expected.tobytes()
    assert np.any(got != hours)  # some arrivals found the border closed


def test_kept_hour_figures_equal_fresh_draws_for_another_shipment() -> None:
    clear_caches()
    first = mini_plan(100.0, deadline="2027-03-20")
    assert len(HOURS_FIGURES) > 0
    hits = HOURS_FIGURES.hits
    warm = mini_plan(130.0, deadline="2027-03-20")  # same routes, other cost: hour figures reused
    assert HOURS_FIGURES.hits > hits
    clear_caches()
    cold = mini_plan(130.0, deadline="2027-03-20")
    assert [a.totals for a in warm.alternatives] == [a.totals for a in cold.alternatives]
    assert [a.totals.cost_usd_p90 for a in first.alternatives] != [
        a.totals.cost_usd_p90 for a in warm.alternatives
    ]


def test_without_the_shared_cache_nothing_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    import daliz.reliability as reliability

    clear_caches()

    def fresh(*args: Any, **kwargs: Any) -> Any:
        return add_reliability(*args, **kwargs, shared=None)

    monkeypatch.setattr(reliability, "add_reliability", fresh)
    result = mini_plan(100.0)
    assert len(HOURS_FIGURES) == 0 and len(SHARED) == 0
    monkeypatch.undo()
    clear_caches()
    assert [a.totals for a in mini_plan(100.0).alternatives] == [
        a.totals for a in result.alternatives
    ]
