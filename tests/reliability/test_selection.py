"""Exact order statistics and percentiles of draws (reliability.selection, figures.percentiles)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from daliz.reliability.figures import percentiles
from daliz.reliability.selection import order_statistics

FINITE = st.floats(-1e6, 1e6, allow_nan=False, width=32)


@settings(max_examples=200, deadline=None)
@given(values=arrays(np.float32, st.integers(1, 3000), elements=FINITE), data=st.data())
def test_order_statistics_are_the_sorted_values(values: np.ndarray, data: st.DataObject) -> None:
    ranks = data.draw(st.lists(st.integers(0, values.size - 1), min_size=1, max_size=6))
    got = order_statistics(values, np.asarray(ranks, dtype=np.int64))
    assert got.tolist() == np.sort(values).astype(np.float64)[ranks].tolist()


def test_long_tailed_draws_and_ties() -> None:
    rng = np.random.default_rng(7)
    draws = (rng.gamma(3.0, 20.0, 10_000) + rng.triangular(100, 120, 200, 10_000)).astype(
        np.float32
    )
    draws[:4000] = draws[0]  # a quarter of the draws on one value: a crowded bucket
    ranks = np.asarray([0, 999, 1000, 4999, 5000, 8999, 9000, 9499, 9500, 9999])
    assert order_statistics(draws, ranks).tolist() == np.sort(draws)[ranks].tolist()
    for q in ((50.0, 90.0, 95.0), (10.0, 90.0), (0.0, 100.0)):
        want = np.percentile(draws.astype(np.float64), q)
        assert percentiles(draws, q) == pytest.approx(want.tolist(), rel=1e-12, abs=1e-9)


def test_constant_and_single_values() -> None:
    assert percentiles(np.full(10, 3.5, np.float32), (10.0, 90.0)) == [3.5, 3.5]
    assert percentiles(np.asarray([2.0], np.float32), (50.0,)) == [2.0]
    with pytest.raises(ValueError, match="no values"):
        order_statistics(np.asarray([], np.float32), np.asarray([0]))
