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
  error of 10,000 draws (≈ 0.3 % at P90), so percentiles are unaffected. Per-draw values are
  single precision (7 significant digits: 0.1 h in 1,000 h, a dollar in a million), which
  halves the memory the draws stream through; clocks are computed in double precision.
- **Common random numbers.** Every uncertain thing (a border crossing, a leg, a service) has a
  stable key; its uniforms come from a generator seeded by (seed, key). Two alternatives — or
  two scenarios — that share a border crossing see the same draws for it, so their difference
  reflects the routes, not sampling noise. Results are reproducible for a given seed and do not
  depend on the order in which keys are asked for.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.random import PCG64

from daliz.network.model import Range

FloatArray = npt.NDArray[np.float64]
DrawArray = npt.NDArray[np.float32]  # per-draw values: single precision halves memory traffic
CellArray = npt.NDArray[np.uint16]

LEVELS = 4096  # cells of the stratified uniform grid (a power of two: 12 random bits a draw)
GRID: FloatArray = (np.arange(LEVELS, dtype=np.float64) + 0.5) / LEVELS
GRID.setflags(write=False)
GRID32: DrawArray = GRID.astype(np.float32)
GRID32.setflags(write=False)


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
def triangular_table(r: Range) -> DrawArray:
    """The triangular quantile of `r` at every grid cell (read-only, cached per range)."""
    table = triangular_quantile(GRID, r).astype(np.float32)
    table.setflags(write=False)
    return table


def triangular_mean(r: Range) -> float:
    """Mean of the triangular distribution of a range."""
    return (r.min + r.typ + r.max) / 3.0


class BufferPool:
    """Arrays kept for reuse between plans, by (dtype, length).

    A plan's draws fill a few hundred arrays of `draws` values. Allocated afresh, that memory is
    handed back to the operating system after each plan and faulted in again at the next one —
    at 10,000 draws this costs as much as the arithmetic. Plans take their arrays from the pool
    and give them back when done (`Streams.release`). Thread-safe; keeps at most `cap_bytes`.
    """

    def __init__(self, cap_bytes: int = 32 * 1024 * 1024) -> None:
        self.cap_bytes = cap_bytes
        self._free: dict[tuple[type[np.generic], int], list[npt.NDArray[Any]]] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, dtype: type[np.generic], size: int) -> npt.NDArray[Any]:
        """An array of `size` elements (contents undefined)."""
        key = (dtype, size)
        with self._lock:
            free = self._free.get(key)
            if free:
                array = free.pop()
                self._bytes -= array.nbytes
                return array
        return np.empty(size, dtype=dtype)

    def put(self, arrays: list[npt.NDArray[Any]]) -> None:
        """Give arrays back (those beyond the cap are dropped)."""
        with self._lock:
            for array in arrays:
                if self._bytes + array.nbytes > self.cap_bytes:
                    break
                self._free.setdefault((array.dtype.type, array.size), []).append(array)
                self._bytes += array.nbytes


POOL = BufferPool()

Operand = npt.NDArray[Any] | float


class Streams:
    """Grid-cell draws per key, seeded by (seed, key), and the arrays of one plan.

    Parameters
    ----------
    seed : the request's seed
    draws : number of Monte Carlo draws

    Arrays returned by the methods belong to the plan: they stay valid until `release()` (or
    the end of a `with` block), after which they are reused by later plans.
    """

    def __init__(self, seed: int, draws: int) -> None:
        self.seed = int(seed) & 0xFFFFFFFFFFFFFFFF
        self.draws = int(draws)
        self._cells: dict[str, CellArray] = {}
        self._values: dict[tuple[str, int, object], DrawArray] = {}
        # Draws of whole steps (hours, cost) by step key, shared by the plan's alternatives.
        self.memo: dict[str, tuple[DrawArray | float, DrawArray | float]] = {}
        self._owned: list[npt.NDArray[Any]] = []
        self._spare: dict[tuple[type[np.generic], int], list[npt.NDArray[Any]]] = {}
        self._bits = PCG64(0)  # re-seeded per key (cheaper than a new generator per key)

    def __enter__(self) -> Streams:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def release(self) -> None:
        """Give every array of this plan back to the pool; the streams start afresh."""
        self._cells.clear()
        self._values.clear()
        self.memo.clear()
        self._spare.clear()
        owned, self._owned = self._owned, []
        POOL.put(owned)

    def buffer(self, dtype: type[np.generic] = np.float32, size: int | None = None) -> Any:
        """A work array of this plan (`draws` values unless `size` says otherwise)."""
        size = self.draws if size is None else size
        spare = self._spare.get((dtype, size))
        if spare:
            return spare.pop()
        array = POOL.get(dtype, size)
        self._owned.append(array)
        return array

    def recycle(self, *arrays: Operand) -> None:
        """Arrays from `buffer()` that are no longer needed: later buffers reuse them.

        Reusing warm memory instead of touching new memory is what keeps the draws fast.
        """
        for array in arrays:
            if isinstance(array, np.ndarray):
                base = array if array.base is None else array.base
                assert isinstance(base, np.ndarray)
                self._spare.setdefault((base.dtype.type, base.size), []).append(base)

    def forget(self, key: str) -> None:
        """Drop the cells of a key whose draws are done (they are recycled)."""
        block = self._cells.pop(key, None)
        if block is not None:
            self.recycle(block)

    def cells(self, key: str, rows: int) -> CellArray:
        """`rows` independent streams of grid cells for `key`, shape (rows, draws).

        Row j is the same whatever `rows` is asked for, so a key always drives the same draws.
        (PCG64 seeded with a BLAKE2b digest of (seed, key); its raw 64-bit output split into
        16-bit words, 12 bits of each kept: the cheapest way numpy offers to get these cells.)
        """
        block = self._cells.get(key)
        if block is None or block.shape[0] < rows:
            words = rows * self.draws
            digest = hashlib.blake2b(f"{self.seed}\0{key}".encode(), digest_size=32).digest()
            self._bits.state = {
                "bit_generator": "PCG64",
                "state": {
                    "state": int.from_bytes(digest[:16], "little"),
                    "inc": int.from_bytes(digest[16:], "little") | 1,
                },
                "has_uint32": 0,
                "uinteger": 0,
            }
            raw = self._bits.random_raw(-(-words // 4))
            flat: CellArray = self.buffer(np.uint16, words)
            np.bitwise_and(raw.view(np.uint16)[:words], np.uint16(LEVELS - 1), out=flat)
            block = flat.reshape(rows, self.draws)
            self._cells[key] = block
        return block[:rows]

    def uniform(self, key: str, row: int, rows: int) -> DrawArray:
        """Uniform draws (grid midpoints) of stream `row` of `key`."""
        out: DrawArray = self.buffer()
        GRID32.take(self.cells(key, rows)[row], out=out)
        return out

    def table(self, key: str, row: int, rows: int, table: DrawArray) -> DrawArray:
        """Draws of the distribution whose quantiles on the grid are `table` (a new array)."""
        out: DrawArray = self.buffer()
        table.take(self.cells(key, rows)[row], out=out)
        return out

    def triangular(
        self, key: str, row: int, rows: int, r: Range, *, keep: bool = False
    ) -> DrawArray | float:
        """Draws of triangular(min, typ, max) from stream `row` of `key` (a number if no spread).

        A new array the caller owns, unless `keep`: then the draws are cached for the plan and
        shared (read them, never write them).
        """
        if r.max <= r.min:
            return float(r.typ)
        if not keep:
            return self.table(key, row, rows, triangular_table(r))
        memo = (key, row, r)
        values = self._values.get(memo)
        if values is None:
            values = self.table(key, row, rows, triangular_table(r))
            self._values[memo] = values
        return values

    def combine(self, ufunc: np.ufunc, a: Operand, b: Operand) -> Any:
        """`ufunc(a, b)` into a plan array (a plain number when both are numbers)."""
        if isinstance(a, float) and isinstance(b, float):
            return float(ufunc(a, b))
        out = self.buffer()
        ufunc(a, b, out=out)
        return out
