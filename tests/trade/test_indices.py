"""Indicator formulas against the test vectors of shared TRADE-DATA.md §5."""

from __future__ import annotations

import math

import pytest

from daliz.trade import indices

V = [60.0, 30.0, 10.0]


def test_hhi_and_normalisations_n3() -> None:
    assert indices.hhi(V) == pytest.approx(0.46)
    assert indices.hhi_normalized(V, 3) == pytest.approx(0.19)
    assert indices.unctad_concentration(V, 3) == pytest.approx(0.238691, abs=1e-6)
    assert indices.theil(V, 3) == pytest.approx(0.200667, abs=1e-6)
    assert indices.theil_between(V, 3) == pytest.approx(0.0)


def test_n97_and_theil_split() -> None:
    assert indices.hhi_normalized(V, 97) == pytest.approx(0.454375)
    assert indices.unctad_concentration(V, 97) == pytest.approx(0.641870, abs=1e-6)
    t = indices.theil(V, 97)
    assert t == pytest.approx(3.676765, abs=1e-6)
    assert indices.theil_within(V) == pytest.approx(0.200667, abs=1e-6)
    assert indices.theil_between(V, 97) == pytest.approx(3.476099, abs=1e-6)
    assert indices.theil_within(V) + indices.theil_between(V, 97) == pytest.approx(t)


def test_diversification_and_rca() -> None:
    assert indices.unctad_diversification([0.6, 0.3, 0.1, 0.0], [1, 1, 1, 1]) == pytest.approx(0.4)
    assert indices.rca(0.6, 0.1) == pytest.approx(6.0)
    assert indices.rca_symmetric(6.0) == pytest.approx(5 / 7)


@pytest.mark.parametrize(("years", "expected"), [(2, 2.008), (5, 0.554), (10, 0.246)])
def test_required_cagr_to_one_billion(years: int, expected: float) -> None:
    annualised = 101.3e6 * 12 / 11
    assert indices.required_cagr(annualised, 1e9, years) == pytest.approx(expected, abs=5e-4)


def test_zero_total_is_nan_not_zero() -> None:
    assert math.isnan(indices.hhi([0.0, 0.0]))
    assert math.isnan(indices.theil([], 5))
    assert math.isnan(indices.growth(5.0, 0.0))


def test_n_smaller_than_active_lines_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        indices.theil(V, 2)


def test_growth_and_ratio_labels_are_distinct() -> None:
    # The seed's Jan–Nov 2025 "+108 %" is 208 % of the year before, not 108 % of it.
    assert indices.format_growth(1.08) == "+108.0 %"
    assert indices.format_ratio(2.08) == "208.0 % of"
    assert indices.format_growth(indices.growth(208.0, 100.0)) == "+108.0 %"
