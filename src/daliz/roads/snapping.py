"""Snapping: the nearest graph node to a latitude/longitude, by a k-d tree on the unit sphere.

Only nodes of "routable" components are indexed (components with at least min_component_nodes
nodes, or the largest one if none is that big): fragments left by graph simplification or by
cutting a region out would otherwise catch points and then lead nowhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from daliz.roads.geo import EARTH_RADIUS_KM, chord_to_km, km_to_chord, unit_vectors

DEFAULT_MIN_COMPONENT_NODES = 500


class SnapIndex:
    """Nearest-node look-ups over the routable nodes of a graph."""

    def __init__(
        self,
        lat: npt.NDArray[np.float64],
        lon: npt.NDArray[np.float64],
        component: npt.NDArray[np.int32],
        *,
        min_component_nodes: int = DEFAULT_MIN_COMPONENT_NODES,
    ) -> None:
        sizes = np.bincount(component)
        threshold = min(int(min_component_nodes), int(sizes.max()) if sizes.size else 0)
        self.nodes: npt.NDArray[np.int32] = np.flatnonzero(sizes[component] >= threshold).astype(
            np.int32
        )
        self.component = component
        points = unit_vectors(lat[self.nodes], lon[self.nodes])
        # Unbalanced build without node compaction: several times faster to build, same answers.
        self._tree = cKDTree(points, balanced_tree=False, compact_nodes=False)

    @property
    def size(self) -> int:
        """How many nodes can be snapped to."""
        return int(self.nodes.shape[0])

    def nearest_each(
        self, lats: Sequence[float], lons: Sequence[float]
    ) -> tuple[list[int], list[float]]:
        """The nearest routable node to each point and its distance in km (one tree query for
        all points: a k-d tree query has a fixed cost of some 20 microseconds per call)."""
        # Plain math for the two or so points of a route: numpy's per-call overhead would cost
        # more than the arithmetic.
        points = []
        for lat, lon in zip(lats, lons, strict=True):
            phi, lam = math.radians(lat), math.radians(lon)
            cos_phi = math.cos(phi)
            points.append((cos_phi * math.cos(lam), cos_phi * math.sin(lam), math.sin(phi)))
        chord, index = self._tree.query(points, k=1)
        diameter_km = 2.0 * EARTH_RADIUS_KM
        km = [diameter_km * math.asin(min(c / 2.0, 1.0)) for c in chord.tolist()]
        return self.nodes[index].tolist(), km

    def nearest(self, lat: float, lon: float, k: int = 1) -> tuple[list[int], list[float]]:
        """The k nearest routable nodes to (lat, lon): node ids and km, nearest first."""
        point = unit_vectors(np.array([lat]), np.array([lon]))[0]
        chord, index = self._tree.query(point, k=k)
        chords = np.atleast_1d(chord)
        indices = np.atleast_1d(index)
        found = np.isfinite(chords)
        nodes = self.nodes[indices[found]].tolist()
        return [int(v) for v in nodes], chord_to_km(chords[found]).tolist()

    def nearest_in_component(
        self, lat: float, lon: float, component: int, max_km: float
    ) -> tuple[int, float] | None:
        """The nearest node of one component within max_km of (lat, lon), or None."""
        point = unit_vectors(np.array([lat]), np.array([lon]))[0]
        bound = km_to_chord(max_km) * (1.0 + 1e-12)
        for k in (64, 4096):
            k_eff = min(k, self.size)
            chord, index = self._tree.query(point, k=k_eff, distance_upper_bound=bound)
            chords = np.atleast_1d(chord)
            indices = np.atleast_1d(index)
            valid = np.isfinite(chords)
            nodes = self.nodes[indices[valid]]
            hit = np.flatnonzero(self.component[nodes] == component)
            if hit.size:
                first = int(hit[0])
                return int(nodes[first]), float(chord_to_km(chords[valid][first]))
            if valid.sum() < k_eff or k_eff == self.size:
                return None  # every node within max_km was seen
        return None
