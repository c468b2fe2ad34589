"""Seeded random streams and the distributions reliability draws from.

Distribution choices (see docs/scenarios.md, "Reliability"):

- **A range (min / typical / max) is a triangular distribution** with its mode at the typical
  value, sampled by its inverse CDF, so one uniform draw gives one quantile and the same draw
  can drive several related quantities at once (all links of a leg, say). Triangular rather
  than Beta-PERT because the data's ranges are observed or expert extremes: the triangular puts
  more weight in the tails than PERT (λ = 4), which keeps P90 on the cautious side, and its
  quantile has a closed form.
- **Uniforms on a fine grid.** A uniform draw is one of `LEVELS` = 4,096 equally
  likely cell midpoints, (i + ½) / 4,096. Every inverse CDF is then a table of 4,096 values,
  computed once per range and looked up per draw — a single gather instead of square roots and
  branches per draw. The grid's resolution (0.025 % of probability) is far below the sampling
  error of 10,000 draws (≈ 0.3 % at P90), so percentiles are unaffected.
- **Common random numbers.** Every uncertain thing (a border crossing, a leg, a service) has a
  stable key; its uniforms come from a generator seeded by (seed, key). Two alternatives — or
  two scenarios — that share a border crossing see the same draws for it, so their difference
  reflects the routes, not sampling noise. Results are reproducible for a given seed and do not
  depend on the order in which keys are asked for.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np
import numpy.typing as npt
from numpy.random import PCG64

from daliz.network.model import Range

FloatArray = npt.NDArray[np.float64]
CellArray = npt.NDArray[np.uint16]

LEVELS = 4096  # cells of the stratified uniform grid (a power of two: 12 random bits a draw)
GRID: FloatArray = (np.arange(LEVELS, dtype=np.float64) + 0.5) / LEVELS
GRID.setflags(write=False)


def stable_key_hash(key: str) -> int:
    """A 64-bit integer for a key, the same in every process (unlike `hash()`)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def triangular_quantile(u: FloatArray, r: Range) -> FloatArray:
    """Inverse CDF of the triangular distribution (min, mode = typ, max) at probabilities `u`."""
    low, mode, high = float(r.min), float(r.typ), float(r.max)
    width = high - low
    if width <= 0:
        return np.full(u.shape, mode)
    split = (mode - low) / width  # CDF at the mode
    left = low + np.sqrt(u * (width * (mode - low)))
    right = high - np.sqrt((1.0 - u) * (width * (high - mode)))
    return np.where(u < split, left, right)


@functools.lru_cache(maxsize=4096)
def triangular_table(r: Range) -> FloatArray:
    """The triangular quantile of `r` at every grid cell (read-only, cached per range)."""
    table = triangular_quantile(GRID, r)
    table.setflags(write=False)
    return table


def triangular_mean(r: Range) -> float:
    """Mean of the triangular distribution of a range."""
    return (r.min + r.typ + r.max) / 3.0


class Streams:
    """Grid-cell draws per key, seeded by (seed, key) and cached for one plan.

    Parameters
    ----------
    seed : the request's seed
    draws : number of Monte Carlo draws
    """

    def __init__(self, seed: int, draws: int) -> None:
        self.seed = int(seed) & 0xFFFFFFFFFFFFFFFF
        self.draws = int(draws)
        self._cells: dict[str, CellArray] = {}
        self._values: dict[tuple[str, int, object], FloatArray] = {}

    def cells(self, key: str, rows: int) -> CellArray:
        """`rows` independent streams of grid cells for `key`, shape (rows, draws).

        Row j is the same whatever `rows` is asked for, so a key always drives the same draws.
        (PCG64's raw 64-bit output split into 16-bit words, 12 bits of each kept: the cheapest
        way numpy offers to get this many random cells.)
        """
        block = self._cells.get(key)
        if block is None or block.shape[0] < rows:
            words = rows * self.draws
            raw = PCG64([self.seed, stable_key_hash(key)]).random_raw(-(-words // 4))
            cells = raw.view(np.uint16)[:words] & np.uint16(LEVELS - 1)
            block = cells.reshape(rows, self.draws)
            block.setflags(write=False)
            self._cells[key] = block
        return block[:rows]

    def uniform(self, key: str, row: int, rows: int) -> FloatArray:
        """Uniform draws (grid midpoints) of stream `row` of `key`."""
        values: FloatArray = GRID.take(self.cells(key, rows)[row])
        return values

    def table(self, key: str, row: int, rows: int, table: FloatArray) -> FloatArray:
        """Draws of the distribution whose quantiles on the grid are `table`."""
        values: FloatArray = table.take(self.cells(key, rows)[row])
        return values

    def triangular(self, key: str, row: int, rows: int, r: Range) -> FloatArray | float:
        """Draws of triangular(min, typ, max) from stream `row` of `key` (a number if no spread)."""
        if r.max <= r.min:
            return float(r.typ)
        memo = (key, row, r)
        values = self._values.get(memo)
        if values is None:
            values = self.table(key, row, rows, triangular_table(r))
            self._values[memo] = values
        return values
