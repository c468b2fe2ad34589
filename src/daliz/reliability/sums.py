"""The sum of several triangular quantiles at one shared probability, in a few array passes.

A leg of many links draws its length once (one u for all links, see `route.Travel`): its
length is Σᵢ Qᵢ(u), where Qᵢ is the triangular quantile of link i. Each Qᵢ is
`lowᵢ + Aᵢ·√u` below its split sᵢ = (typᵢ − lowᵢ)/(highᵢ − lowᵢ) and `highᵢ − Bᵢ·√(1−u)` above,
so the sum is `a + b·√u + c·√(1−u)` with coefficients that change only at the splits. Sorting
the splits once gives a table of coefficients; evaluating then costs the same for 2 links or
200 (one `searchsorted`, three look-ups, two square roots) — exact, not interpolated.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from daliz.network.model import Range
from daliz.reliability.distributions import GRID, DrawArray, FloatArray


@dataclass(frozen=True)
class TriangularSum:
    """Σ of triangular quantiles sharing one uniform draw.

    Attributes
    ----------
    splits : sorted CDF values at each spread range's mode
    a, b, c : coefficients per piece (len(splits) + 1 pieces)
    typ : the sum of the typical values
    constant : True when no range has spread
    """

    splits: tuple[float, ...]
    a: tuple[float, ...]
    b: tuple[float, ...]
    c: tuple[float, ...]
    typ: float

    def __hash__(self) -> int:
        # Kept after the first call: a long leg's sum has hundreds of numbers to hash, and it
        # keys the draws of every plan on the leg (dataclass equality stays field by field).
        found: int | None = self.__dict__.get("_hash")
        if found is None:
            found = hash((self.splits, self.a, self.b, self.c, self.typ))
            object.__setattr__(self, "_hash", found)
        return found

    @property
    def constant(self) -> bool:
        """Whether no term has any spread."""
        return not self.splits

    @classmethod
    def of(cls, ranges: list[Range] | tuple[Range, ...]) -> TriangularSum:
        """The sum of these ranges' triangular quantiles (cached by the ranges)."""
        return _sum_of(tuple(ranges))

    @classmethod
    def build(cls, ranges: tuple[Range, ...]) -> TriangularSum:
        """Compute the coefficients (use `of`, which caches)."""
        fixed = 0.0
        terms: list[tuple[float, float, float, float, float]] = []  # split, low, high, A, B
        for r in ranges:
            width = r.max - r.min
            if width <= 0:
                fixed += r.typ
                continue
            split = (r.typ - r.min) / width
            terms.append(
                (
                    split,
                    r.min,
                    r.max,
                    math.sqrt(width * (r.typ - r.min)),
                    math.sqrt(width * (r.max - r.typ)),
                )
            )
        terms.sort(key=lambda t: t[0])
        # Piece k: the first k terms (smallest splits) are above their split (right branch).
        left_low = sum(t[1] for t in terms)
        left_b = sum(t[3] for t in terms)
        a, b, c = [fixed + left_low], [left_b], [0.0]
        right_high, right_c = 0.0, 0.0
        for split, low, high, root_a, root_b in terms:
            del split
            left_low -= low
            left_b -= root_a
            right_high += high
            right_c -= root_b
            a.append(fixed + left_low + right_high)
            b.append(left_b)
            c.append(right_c)
        return cls(
            tuple(t[0] for t in terms),
            tuple(a),
            tuple(b),
            tuple(c),
            fixed + sum(r.typ for r in ranges if r.max - r.min > 0),
        )

    def quantile(self, u: FloatArray) -> FloatArray | float:
        """The sum at probabilities `u` (a plain number when nothing has spread)."""
        if self.constant:
            return self.typ
        if len(set(self.splits)) == 1:
            # One split (e.g. every link has the same relative range): two pieces.
            left = self.a[0] + self.b[0] * np.sqrt(u)
            right = self.a[-1] + self.c[-1] * np.sqrt(1.0 - u)
            return np.where(u < self.splits[0], left, right)
        piece = np.searchsorted(np.asarray(self.splits), u, side="right")
        a = np.asarray(self.a)[piece]
        b = np.asarray(self.b)[piece]
        c = np.asarray(self.c)[piece]
        result: FloatArray = a + b * np.sqrt(u) + c * np.sqrt(1.0 - u)
        return result


@functools.lru_cache(maxsize=4096)
def _sum_of(ranges: tuple[Range, ...]) -> TriangularSum:
    return TriangularSum.build(ranges)


@functools.lru_cache(maxsize=4096)
def sum_table(total: TriangularSum) -> DrawArray:
    """The sum's quantile at every cell of the uniform grid (read-only, cached)."""
    table = np.asarray(total.quantile(GRID), dtype=np.float32)
    if table.ndim == 0:
        table = np.full(GRID.shape, float(table), dtype=np.float32)
    table.setflags(write=False)
    return table
