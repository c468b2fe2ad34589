"""Compile a Network into flat arrays for search: nodes are (place, vehicle class), arcs in CSR.

A vehicle class is a mode, with rail split by gauge: road, rail 1520, rail 1435, rail 1676, sea,
ferry. Arcs are of three kinds:
- link arcs (one per direction of an open road or rail link),
- service arcs (from every stop of a scheduled sea/ferry/rail service to every later stop),
- transfer arcs (at one place, between vehicle classes: transshipment, gauge change, port).
Passing a border crossing point is charged on the arc that leaves it (see `routing.search`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from daliz.network.model import Link, Mode, Network, PlaceKind, Service, Status, Transfer

CLASSES: tuple[tuple[Mode, int | None], ...] = (
    (Mode.ROAD, None),
    (Mode.RAIL, 1520),
    (Mode.RAIL, 1435),
    (Mode.RAIL, 1676),
    (Mode.SEA, None),
    (Mode.FERRY, None),
)
CLASS_INDEX = {c: i for i, c in enumerate(CLASSES)}

ARC_LINK, ARC_SERVICE, ARC_TRANSFER = 0, 1, 2

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


def vehicle_class(mode: Mode, gauge_mm: int | None) -> int:
    """Index of the vehicle class of a mode (and rail gauge)."""
    return CLASS_INDEX[(mode, gauge_mm if mode == Mode.RAIL else None)]


def class_label(index: int) -> str:
    """Human label of a vehicle class, e.g. 'rail 1520 mm'."""
    mode, gauge = CLASSES[index]
    return f"{mode.value} {gauge} mm" if gauge else mode.value


@dataclass(frozen=True)
class ServiceSegment:
    """Riding a service from stop `board` to stop `alight` (indices into its stops)."""

    service: Service
    board: int
    alight: int
    links: tuple[Link, ...]
    distance_km: float
    offset_h: float  # scheduled time from the first stop to the boarding stop
    ride_h: float  # scheduled time from boarding to alighting
    border_stops: tuple[str, ...] = ()  # border crossing points passed between board and alight


@dataclass
class CompiledNetwork:
    """Arrays for search over one Network (read-only once built)."""

    network: Network
    place_ids: list[str]
    place_index: dict[str, int]
    place_country: list[str]
    place_is_border: npt.NDArray[np.bool_]
    node_place: IntArray
    node_class: IntArray
    node_of: dict[tuple[int, int], int]
    # CSR by tail node
    arc_start: IntArray
    arc_head: IntArray
    arc_tail: IntArray
    arc_kind: IntArray
    arc_ref: IntArray  # index into links / segments / transfers
    arc_distance_km: FloatArray
    links: list[Link]
    segments: list[ServiceSegment]
    transfers: list[Transfer]
    excluded_links: dict[str, str] = field(default_factory=dict)  # link id -> why not compiled
    derived: dict[str, object] = field(default_factory=dict)  # search structures built lazily

    def memo(self, name: str) -> dict[Any, Any]:
        """A dict kept with this compiled network under `name`, empty at first: per-network
        memos of the planner's stages (each stage bounds what it keeps)."""
        kept = self.derived.get(name)
        if not isinstance(kept, dict):
            kept = {}
            self.derived[name] = kept
        return kept

    @property
    def node_count(self) -> int:
        """Number of (place, vehicle class) nodes."""
        return len(self.node_place)

    @property
    def arc_count(self) -> int:
        """Number of arcs."""
        return len(self.arc_head)


def _segments(network: Network, service: Service) -> list[ServiceSegment]:
    legs: list[Link] = []
    for a, b in itertools.pairwise(service.stops):
        candidates = [
            link
            for link in network.links.values()
            if link.mode == service.mode
            and link.status == Status.OPERATING
            and (
                (link.from_place, link.to_place) == (a, b)
                or (link.bidirectional and (link.to_place, link.from_place) == (a, b))
            )
        ]
        if not candidates:
            return []  # a stop pair lost its link (closed by a scenario): the service cannot run
        legs.append(min(candidates, key=lambda link: link.distance_km))
    cumulative = [0.0, *itertools.accumulate(link.distance_km for link in legs)]
    total = cumulative[-1]
    segments = []
    for i in range(len(service.stops)):
        for j in range(i + 1, len(service.stops)):
            share_board = cumulative[i] / total
            share_ride = (cumulative[j] - cumulative[i]) / total
            segments.append(
                ServiceSegment(
                    service=service,
                    board=i,
                    alight=j,
                    links=tuple(legs[i:j]),
                    distance_km=cumulative[j] - cumulative[i],
                    offset_h=service.transit_h * share_board,
                    ride_h=service.transit_h * share_ride,
                    border_stops=tuple(
                        stop
                        for stop in service.stops[i + 1 : j]
                        if network.places[stop].kind == PlaceKind.BORDER_CROSSING
                    ),
                )
            )
    return segments


def compile_network(network: Network) -> CompiledNetwork:
    """Build the search arrays of a network: only operating links, services and borders."""
    place_ids = sorted(network.places)
    place_index = {pid: i for i, pid in enumerate(place_ids)}
    place_country = [network.places[pid].country for pid in place_ids]
    is_border = np.array(
        [network.places[pid].kind == PlaceKind.BORDER_CROSSING for pid in place_ids], dtype=bool
    )

    node_of: dict[tuple[int, int], int] = {}

    def node(place_id: str, cls: int) -> int:
        key = (place_index[place_id], cls)
        if key not in node_of:
            node_of[key] = len(node_of)
        return node_of[key]

    tails: list[int] = []
    heads: list[int] = []
    kinds: list[int] = []
    refs: list[int] = []
    dists: list[float] = []
    links: list[Link] = []
    excluded: dict[str, str] = {}
    service_modes = {Mode.SEA, Mode.FERRY}

    for link in network.links.values():
        if link.status != Status.OPERATING:
            excluded[link.id] = link.status.value
            continue
        if link.mode in service_modes:
            continue  # travelled only on services
        blocked = [
            end
            for end in link.ends()
            if network.places[end].kind == PlaceKind.BORDER_CROSSING
            and (end, link.mode) in network.border_crossings
            and network.border_crossings[(end, link.mode)].status != Status.OPERATING
        ]
        if blocked:
            excluded[link.id] = f"border crossing {blocked[0]} is not operating"
            continue
        cls = vehicle_class(link.mode, link.gauge_mm)
        index = len(links)
        links.append(link)
        directions = [(link.from_place, link.to_place)]
        if link.bidirectional:
            directions.append((link.to_place, link.from_place))
        for a, b in directions:
            tails.append(node(a, cls))
            heads.append(node(b, cls))
            kinds.append(ARC_LINK)
            refs.append(index)
            dists.append(link.distance_km)

    segments: list[ServiceSegment] = []
    for service in network.services.values():
        if service.status != Status.OPERATING:
            continue
        for segment in _segments(network, service):
            index = len(segments)
            segments.append(segment)
            # A rail service boards on the gauge of its first link and alights on its last's.
            board_cls = vehicle_class(service.mode, segment.links[0].gauge_mm)
            alight_cls = vehicle_class(service.mode, segment.links[-1].gauge_mm)
            tails.append(node(service.stops[segment.board], board_cls))
            heads.append(node(service.stops[segment.alight], alight_cls))
            kinds.append(ARC_SERVICE)
            refs.append(index)
            dists.append(segment.distance_km)

    transfers: list[Transfer] = []
    for transfer in network.transfers:
        c1 = vehicle_class(transfer.from_mode, transfer.from_gauge_mm)
        c2 = vehicle_class(transfer.to_mode, transfer.to_gauge_mm)
        pairs = [(c1, c2)] + ([(c2, c1)] if transfer.bidirectional else [])
        index = len(transfers)
        transfers.append(transfer)
        for c_from, c_to in pairs:
            tails.append(node(transfer.place, c_from))
            heads.append(node(transfer.place, c_to))
            kinds.append(ARC_TRANSFER)
            refs.append(index)
            dists.append(0.0)

    n_nodes = len(node_of)
    node_place = np.zeros(n_nodes, dtype=np.int32)
    node_class = np.zeros(n_nodes, dtype=np.int32)
    for (p, c), n in node_of.items():
        node_place[n] = p
        node_class[n] = c

    tail_arr = np.asarray(tails, dtype=np.int32)
    order = np.argsort(tail_arr, kind="stable")
    arc_start = np.zeros(n_nodes + 1, dtype=np.int32)
    np.add.at(arc_start, tail_arr + 1, 1)
    arc_start = np.cumsum(arc_start).astype(np.int32)

    return CompiledNetwork(
        network=network,
        place_ids=place_ids,
        place_index=place_index,
        place_country=place_country,
        place_is_border=is_border,
        node_place=node_place,
        node_class=node_class,
        node_of=node_of,
        arc_start=arc_start,
        arc_head=np.asarray(heads, dtype=np.int32)[order],
        arc_tail=tail_arr[order],
        arc_kind=np.asarray(kinds, dtype=np.int32)[order],
        arc_ref=np.asarray(refs, dtype=np.int32)[order],
        arc_distance_km=np.asarray(dists, dtype=np.float64)[order],
        links=links,
        segments=segments,
        transfers=transfers,
        excluded_links=excluded,
    )
