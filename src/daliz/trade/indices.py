"""Standard trade indicators as pure functions (shared TRADE-DATA.md §5, with its test vectors).

Conventions: shares ``s_i = x_i / X`` over lines with ``x_i > 0``; ``0 · ln 0 = 0``; NaN (not 0)
when the total is 0; ``n_lines`` (N) is the number of *possible* lines in the nomenclature at the
chosen level (HS2022: 97 chapters, 1,229 headings, 5,613 subheadings) or the number of possible
partners — always report N and the level with an index, since every index depends on them.

Sources: WITS trade-indicator definitions (HHI = Σ s², RCA); UNCTADstat "concentration index"
= normalised Hirschman index with a square root, and "diversification index" (modified
Finger–Kreinin); Theil index and its within/between split after Cadot, Carrère & Strauss-Kahn
(2011), "Export diversification: what's behind the hump?", Review of Economics and Statistics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from daliz.i18n import _, format_number

FloatArray = npt.NDArray[np.float64]


def shares(values: Sequence[float] | FloatArray) -> FloatArray:
    """Shares of the positive values (others dropped); empty when the total is 0."""
    x = np.asarray(values, dtype=np.float64)
    x = x[x > 0]
    total = x.sum()
    return x / total if total > 0 else np.empty(0)


def hhi(values: Sequence[float] | FloatArray) -> float:
    """Herfindahl–Hirschman index Σ s_i² (WITS; not normalised), in 1/n..1; NaN if X = 0."""
    s = shares(values)
    return float(np.sum(s * s)) if s.size else math.nan


def hhi_normalized(values: Sequence[float] | FloatArray, n_lines: int) -> float:
    """(H − 1/N) / (1 − 1/N), in 0..1."""
    _check_n(values, n_lines)
    h = hhi(values)
    if n_lines == 1:
        return math.nan
    return (h - 1 / n_lines) / (1 - 1 / n_lines)


def unctad_concentration(values: Sequence[float] | FloatArray, n_lines: int) -> float:
    """UNCTADstat concentration index (√(Σ s²) − √(1/N)) / (1 − √(1/N)), in 0..1."""
    _check_n(values, n_lines)
    h = hhi(values)
    if n_lines == 1:
        return math.nan
    root = math.sqrt(1 / n_lines)
    return (math.sqrt(h) - root) / (1 - root)


def theil(values: Sequence[float] | FloatArray, n_lines: int) -> float:
    """Theil index T = Σ s_i ln(s_i N) = ln N − entropy, in 0..ln N."""
    _check_n(values, n_lines)
    s = shares(values)
    if not s.size:
        return math.nan
    return float(np.sum(s * np.log(s * n_lines)))


def theil_between(values: Sequence[float] | FloatArray, n_lines: int) -> float:
    """Extensive margin T_B = ln(N / n), n = number of active lines."""
    _check_n(values, n_lines)
    n = shares(values).size
    return math.log(n_lines / n) if n else math.nan


def theil_within(values: Sequence[float] | FloatArray) -> float:
    """Intensive margin T_W = Σ s_i ln(s_i n); T = T_W + T_B exactly."""
    s = shares(values)
    if not s.size:
        return math.nan
    return float(np.sum(s * np.log(s * s.size)))


def unctad_diversification(
    values: Sequence[float] | FloatArray, world_values: Sequence[float] | FloatArray
) -> float:
    """UNCTADstat diversification index D = ½ Σ |s_i − w_i| over aligned lines, in 0..1."""
    x = np.asarray(values, dtype=np.float64)
    w = np.asarray(world_values, dtype=np.float64)
    if x.shape != w.shape:
        raise ValueError("values and world_values must list the same lines in the same order")
    if x.sum() <= 0 or w.sum() <= 0:
        return math.nan
    return float(0.5 * np.abs(x / x.sum() - w / w.sum()).sum())


def rca(share_in_exports: float, world_share: float) -> float:
    """Balassa revealed comparative advantage (x_ij/X_i) / (x_wj/X_w); > 1 = advantage."""
    return share_in_exports / world_share if world_share > 0 else math.nan


def rca_symmetric(rca_value: float) -> float:
    """Laursen's symmetric RCA (RCA − 1)/(RCA + 1), in −1..1."""
    return (rca_value - 1) / (rca_value + 1)


def growth(value: float, previous: float) -> float:
    """Growth V_t / V_{t−1} − 1 (a fraction: 1.08 means "+108 %"); NaN without a base."""
    return value / previous - 1 if previous > 0 else math.nan


def ratio(value: float, previous: float) -> float:
    """V_t / V_{t−1} (a fraction: 2.08 means "208 % of")."""
    return value / previous if previous > 0 else math.nan


def cagr(first: float, last: float, years: float) -> float:
    """Compound annual growth (V_T / V_0)^(1/years) − 1."""
    if first <= 0 or last <= 0 or years <= 0:
        return math.nan
    return float((last / first) ** (1 / years) - 1)


def required_cagr(current: float, target: float, years_left: float) -> float:
    """Growth per year needed to go from ``current`` to ``target`` in ``years_left`` years."""
    return cagr(current, target, years_left)


def mirror_fob(cif_value: float, cif_fob_factor: float = 1.06) -> float:
    """A CIF import value converted to FOB with IMF DOTS's flat factor (default 1.06)."""
    return cif_value / cif_fob_factor


def format_percent_value(fraction: float, *, signed: bool = False) -> str:
    """ "208.0 %" for 2.08 ("+108.0 %" for 1.08 when ``signed``) with the current language's
    decimal and grouping signs; "n/a" (translated) for NaN."""
    if math.isnan(fraction):
        return _("n/a")
    percent = fraction * 100
    sign = "+" if signed and percent >= 0 else ""
    return f"{sign}{format_number(percent, digits=1)} %"


def format_growth(fraction: float) -> str:
    """ "+108.0 %" for 1.08 (a change), in the current language's digits; "n/a" for NaN."""
    return format_percent_value(fraction, signed=True)


def format_ratio(fraction: float) -> str:
    """ "208.0 % of" for 2.08 (a level relative to a base); "n/a" for NaN."""
    return "n/a" if math.isnan(fraction) else f"{fraction * 100:.1f} % of"


def _check_n(values: Sequence[float] | FloatArray, n_lines: int) -> None:
    n = shares(values).size
    if n_lines < 1 or n_lines < n:
        raise ValueError(f"n_lines (N = {n_lines}) must be at least the {n} active lines")
