"""Spherical geometry for the road graph: great-circle distances and unit-sphere coordinates."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# IUGG mean Earth radius (Moritz 1980, Geodetic Reference System 1980), in km.
EARTH_RADIUS_KM = 6371.0088

FloatArray = npt.NDArray[np.float64]


def haversine_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in km between points given in degrees (broadcasts like numpy)."""
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def unit_vectors(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> FloatArray:
    """Points on the unit sphere, shape (n, 3), for nearest-neighbour search without seams."""
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def chord_to_km(chord: npt.ArrayLike) -> FloatArray:
    """Great-circle distance in km for a straight-line (chord) distance on the unit sphere."""
    c = np.clip(np.asarray(chord, dtype=np.float64), 0.0, 2.0)
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(c / 2.0))


def km_to_chord(distance_km: float) -> float:
    """Chord length on the unit sphere for a great-circle distance in km (see chord_to_km)."""
    angle = min(distance_km / EARTH_RADIUS_KM, np.pi)
    return float(2.0 * np.sin(angle / 2.0))
