"""explain_route and closure_warnings read per-network tables built once (cn.derived): they
must give what reading the network directly gives, and plans must not share mutable state."""

from __future__ import annotations

import copy
from typing import Any

from daliz.network.compile import ARC_LINK, ARC_SERVICE
from daliz.planning import plan, planning_context
from daliz.planning.explain import _arc_ends, _closures_by_arc

REQUESTS: list[dict[str, Any]] = [
    {"origin": "Almaty", "destination": "Karachi", "commodity": "wheat", "tonnes": 300},
    {"origin": "Karachi", "destination": "Baku", "commodity": "textiles", "tonnes": 20},
    {"origin": "Tashkent", "destination": "Karachi", "commodity": "wheat", "tonnes": 100},
]
DATES = ["2027-01-15", "2027-06-01", "2027-12-20"]


def test_arc_tables_match_the_network() -> None:
    ctx = planning_context(None)
    cn, network = ctx.compiled, ctx.network
    ends, closed = _arc_ends(cn, network), _closures_by_arc(cn, network)
    assert len(ends) == len(closed) == cn.arc_count
    assert any(closed)  # the bundled dataset has closures on some arcs
    for arc in range(cn.arc_count):
        kind, ref, tail, head = ends[arc]
        assert (kind, ref) == (int(cn.arc_kind[arc]), int(cn.arc_ref[arc]))
        assert tail.id == cn.place_ids[int(cn.node_place[cn.arc_tail[arc]])]
        assert head.id == cn.place_ids[int(cn.node_place[cn.arc_head[arc]])]
        targets = (
            [cn.links[ref].id]
            if kind == ARC_LINK
            else [link.id for link in cn.segments[ref].links]
            if kind == ARC_SERVICE
            else []
        ) + [tail.id]
        expected = [(t, tuple(network.closures_of(t))) for t in targets if network.closures_of(t)]
        assert list(closed[arc]) == expected


def test_plans_equal_those_of_a_fresh_network() -> None:
    """A warm network (tables and caches filled by earlier plans, whose results were then
    changed by the caller) plans exactly as a freshly loaded one."""
    warm = planning_context(None).network
    first = []
    for fields in REQUESTS:
        for day in DATES:
            result = plan(network=warm, date=day, draws=0, **fields)
            first.append(result.to_dict())
            for alt in result.alternatives:  # a caller changing its own result
                for leg in alt.legs:
                    leg.geometry["coordinates"].append([0.0, 0.0])
                    leg.countries.append("XX")
                alt.warnings.append("changed")
    again = [
        plan(network=warm, date=day, draws=0, **fields).to_dict()
        for fields in REQUESTS
        for day in DATES
    ]
    fresh = copy.copy(warm)  # another network object: its own compiled arrays and tables
    assert planning_context(None, fresh).compiled is not planning_context(None, warm).compiled
    from_scratch = [
        plan(network=fresh, date=day, draws=0, **fields).to_dict()
        for fields in REQUESTS
        for day in DATES
    ]
    assert again == first == from_scratch
    assert any(alt["warnings"] for result in first for alt in result["alternatives"])


def test_road_courses_kept_are_bounded(monkeypatch: Any) -> None:
    from daliz.planning import explain

    network = planning_context(None).network
    roads = [link for link in network.links.values() if link.mode.value == "road"][:5]
    monkeypatch.setattr(explain, "road_network", lambda: None)  # no graph: empty courses
    monkeypatch.setattr(explain, "ROAD_GEOMETRY_KEPT", 3)
    monkeypatch.setattr(explain, "_ROAD_GEOMETRY", {})
    for link in roads:
        assert explain._road_geometry(network, link) == ()
        assert len(explain._ROAD_GEOMETRY) <= 3
    assert (network.info.content_hash, roads[-1].id) in explain._ROAD_GEOMETRY
