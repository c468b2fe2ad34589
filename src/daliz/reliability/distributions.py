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
from collections import OrderedDict
from collections.abc import Hashable
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
    low, mode, high = float(r.min), float(r.typ), float(r.max)
    width = high - low
    if width <= 0:
        table: DrawArray = triangular_quantile(GRID, r).astype(np.float32)
    else:
        from daliz.reliability.kernels import triangular_grid  # numba: loaded on first use

        # `triangular_quantile` in one compiled pass, bit for bit (same scalars, same steps).
        table = triangular_grid(
            GRID, low, high, (mode - low) / width, width * (mode - low), width * (high - mode)
        )
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


class SharedArrays:
    """Read-only arrays kept across plans and threads; the least recently used go first.

    Holds what depends only on (seed, draws, key, …): a key's grid cells and the draws of one
    range from one of its streams. Later plans — the service's next requests, other threads —
    reuse them instead of hashing, generating and gathering again. Identical results by
    construction: an entry is exactly what the plan would have computed from the same inputs,
    and its key holds every input (seed, draws, key, stream row, the range itself).

    Safety: every array put here is made read-only and never comes from or goes to the
    `BufferPool`, so no plan can write into draws another plan reads. An array dropped from
    the cache while a plan still reads it stays valid for that plan (freed with its last
    reference). Memory is bounded: at most `cap_bytes` of array data (entries larger than the
    cap are not kept). Thread-safe.
    """

    def __init__(self, cap_bytes: int) -> None:
        self.cap_bytes = cap_bytes
        self._arrays: OrderedDict[Hashable, npt.NDArray[Any]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def nbytes(self) -> int:
        """Bytes of array data held."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._arrays)

    def get(self, key: Hashable) -> npt.NDArray[Any] | None:
        """The array kept under `key` (read-only), or None."""
        with self._lock:
            array = self._arrays.get(key)
            if array is None:
                self.misses += 1
                return None
            self._arrays.move_to_end(key)
            self.hits += 1
            return array

    def put(self, key: Hashable, array: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """Keep `array` under `key` (made read-only, returned); drop the oldest beyond the cap."""
        array.setflags(write=False)
        if array.nbytes > self.cap_bytes:
            return array
        with self._lock:
            old = self._arrays.pop(key, None)
            if old is not None:
                self._bytes -= old.nbytes
            self._arrays[key] = array
            self._bytes += array.nbytes
            while self._bytes > self.cap_bytes:
                _, dropped = self._arrays.popitem(last=False)
                self._bytes -= dropped.nbytes
        return array

    def clear(self) -> None:
        """Drop everything (arrays still read by plans stay valid for them)."""
        with self._lock:
            self._arrays.clear()
            self._bytes = 0


# 48 MiB: the load-test mix touches ≈ 6 MiB of cells and a few thousand draw arrays of 40 kB
# (10,000 single-precision draws), most of them fee ranges that vary with the unit count.
SHARED = SharedArrays(48 * 1024 * 1024)

Operand = npt.NDArray[Any] | float


class Streams:
    """Grid-cell draws per key, seeded by (seed, key), and the arrays of one plan.

    Parameters
    ----------
    seed : the request's seed
    draws : number of Monte Carlo draws
    shared : the cross-plan cache of cells and draws (`SHARED`); None keeps nothing beyond
        this plan (the benchmark's baseline)

    Cells and draws (`cells`, `uniform`, `draws_of`, `triangular`) are read-only and may be
    shared with other plans: never write into them. Work arrays (`buffer`) belong to the plan:
    they stay valid until `release()` (or the end of a `with` block), after which they are
    reused by later plans.
    """

    def __init__(self, seed: int, draws: int, shared: SharedArrays | None = SHARED) -> None:
        self.seed = int(seed) & 0xFFFFFFFFFFFFFFFF
        self.draws = int(draws)
        self.shared = shared
        # This plan's look-ups, in front of the shared cache (no lock, no eviction mid-plan).
        self._cells: dict[str, CellArray] = {}
        self._values: dict[tuple[str, int, Hashable], DrawArray] = {}
        # Draws of whole steps by step key, shared by the plan's alternatives: the first step
        # met under each key (a key names one thing within a plan), its hours and its cost.
        self.steps: dict[str, object] = {}
        self.memo_hours: dict[str, DrawArray | float] = {}
        self.memo_cost: dict[str, DrawArray | float] = {}
        self._owned: list[npt.NDArray[Any]] = []
        self._spare: dict[tuple[type[np.generic], int], list[npt.NDArray[Any]]] = {}
        # Re-seeded per key (cheaper than a new generator per key); made on first use, as most
        # plans find every key's cells in `shared` (making one costs ≈ 12 µs).
        self._bits: PCG64 | None = None

    def __enter__(self) -> Streams:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def release(self) -> None:
        """Give every work array of this plan back to the pool; the streams start afresh."""
        self._cells.clear()
        self._values.clear()
        self.steps.clear()
        self.memo_hours.clear()
        self.memo_cost.clear()
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
        """Work arrays from `buffer()` that are no longer needed: later buffers reuse them.

        Reusing warm memory instead of touching new memory is what keeps the draws fast.
        """
        for array in arrays:
            if isinstance(array, np.ndarray):
                base = array if array.base is None else array.base
                assert isinstance(base, np.ndarray)
                self._spare.setdefault((base.dtype.type, base.size), []).append(base)

    def cells(self, key: str, rows: int) -> CellArray:
        """`rows` independent streams of grid cells for `key`, shape (rows, draws), read-only.

        Row j is the same whatever `rows` is asked for, so a key always drives the same draws.
        (PCG64 seeded with a BLAKE2b digest of (seed, key); its raw 64-bit output split into
        16-bit words, 12 bits of each kept: the cheapest way numpy offers to get these cells.)
        Kept across plans in `shared` under (seed, draws, key).
        """
        block = self._cells.get(key)
        if block is None or block.shape[0] < rows:
            memo = ("cells", self.seed, self.draws, key)
            block = None if self.shared is None else self.shared.get(memo)
            if block is None or block.shape[0] < rows:
                block = self._generate(key, rows)
                if self.shared is not None:
                    self.shared.put(memo, block)
            self._cells[key] = block
        return block[:rows]

    def _generate(self, key: str, rows: int) -> CellArray:
        words = rows * self.draws
        digest = hashlib.blake2b(f"{self.seed}\0{key}".encode(), digest_size=32).digest()
        if self._bits is None:
            self._bits = PCG64(0)
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
        flat: CellArray = np.empty(words, dtype=np.uint16)  # not pooled: may be shared
        np.bitwise_and(raw.view(np.uint16)[:words], np.uint16(LEVELS - 1), out=flat)
        block = flat.reshape(rows, self.draws)
        block.setflags(write=False)
        return block

    def draws_of(
        self, key: str, row: int, rows: int, spec: Hashable, table: DrawArray
    ) -> DrawArray:
        """Draws from stream `row` of `key` of the distribution whose grid quantiles are `table`.

        `spec` names the table (the `Range` or `TriangularSum` it was computed from): the draws
        are kept across plans in `shared` under (seed, draws, key, row, spec). Read-only.
        """
        memo = (key, row, spec)
        values = self._values.get(memo)
        if values is None:
            shared_key = ("draws", self.seed, self.draws, key, row, spec)
            values = None if self.shared is None else self.shared.get(shared_key)
            if values is None:
                from daliz.reliability.kernels import gather  # numba: loaded on first use

                values = np.empty(self.draws, dtype=np.float32)  # never pooled: may be shared
                # `table.take(cells, out=values)` without converting the cells to indices first.
                gather(table, self.cells(key, rows)[row], values)
                if self.shared is None:
                    values.setflags(write=False)
                else:
                    self.shared.put(shared_key, values)
            self._values[memo] = values
        return values

    def uniform(self, key: str, row: int, rows: int) -> DrawArray:
        """Uniform draws (grid midpoints) of stream `row` of `key` (read-only)."""
        return self.draws_of(key, row, rows, "uniform", GRID32)

    def triangular(self, key: str, row: int, rows: int, r: Range) -> DrawArray | float:
        """Draws of triangular(min, typ, max) from stream `row` of `key` (read-only; a number
        when the range has no spread)."""
        if r.max <= r.min:
            return float(r.typ)
        return self.draws_of(key, row, rows, r, triangular_table(r))
