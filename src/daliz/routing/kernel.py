"""The label-setting search of `routing.search`, compiled (numba, cached on disk).

Same algorithm, same arithmetic, same order of work as the Python loop in `routing.search`
(`pareto_search_reference`), so the labels it returns are identical to the last bit; a test
holds the two together on the bundled dataset and on random networks. What changes is the data:

- the network, the masks and the arc values are flat arrays;
- a label's visited countries are a bit set (one bit per country, so at most 63 countries);
- corridor keys are numbered pairs (parent key, border crossing place), rebuilt as tuples after;
- closures are a table of (dated arc, day) → the closure in force, built per calendar year
  and kept with the compiled network, so the search reads an array instead of calling
  `Closure.closes` (the table covers a window of days; a search that runs past it is re-run
  with a longer one);
- refusal reasons are counted per (closure, wording) slot, with the order they first occurred,
  so the caller rebuilds the same `Counter`.

Labels that compete sit in a chain per (corridor key, node), from a (keys × nodes) table of
chain heads. (numba's typed `Dict.get` returns an optional value, which its arrays cannot be
indexed with: hence the `d[k] if k in d else -1` lookups of key ids.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit, types
from numba.typed import Dict

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Label columns of the float and int tables the kernel fills.
F_COST, F_TIME, F_CO2, F_WAIT = 0, 1, 2, 3
I_NODE, I_KEY, I_PARENT, I_ARC, I_TAG, I_COUNTRY, I_VISITED, I_NEXT = 0, 1, 2, 3, 4, 5, 6, 7
# Refusal slots: two fixed reasons, then two wordings per closure (see `refusal_slot`).
SLOT_PRUNED, SLOT_TOO_LONG, SLOT_FIRST_CLOSURE = 0, 1, 2
WORDING_PLAIN, WORDING_BORDER = 0, 1
# Room for corridor keys at first (grown by doubling; small, so the tests exercise growth).
KEYS_AT_FIRST = 16


def refusal_slot(closure: int, wording: int) -> int:
    """The refusal slot of a closure (index into the network's closures) and its wording."""
    return SLOT_FIRST_CLOSURE + 2 * closure + wording


@njit(cache=True, nogil=True)
def next_departure_week_h(
    clock_h: float, offset_h: float, days_mask: int, frequency_per_week: float
) -> float:
    """`search._next_departure_week_h` on plain numbers (`days_mask`: bit d = weekday d)."""
    first_stop_h = clock_h - offset_h
    if days_mask != 0:
        day = math.floor(first_stop_h / 24.0)
        for add in range(0, 8):
            if (days_mask >> ((day + add) % 7)) & 1:
                departure_h = (day + add) * 24.0 + 12.0
                if departure_h >= first_stop_h:
                    return departure_h + offset_h
        return math.inf
    headway_h = 168.0 / frequency_per_week
    week_start_h = math.floor(first_stop_h / 168.0) * 168.0
    k = math.ceil((first_stop_h - week_start_h) / headway_h - 1e-9)
    return week_start_h + k * headway_h + offset_h


@njit(cache=True, nogil=True)
def border_wait_week_h(clock_h: float, open_mask: int, opens_h: float) -> float:
    """`search._border_wait_h` on plain numbers (`open_mask`: bit d = open on weekday d)."""
    day = math.floor(clock_h / 24.0)
    if (open_mask >> (day % 7)) & 1:
        return 0.0
    for add in range(1, 8):
        if (open_mask >> ((day + add) % 7)) & 1:
            return (day + add) * 24.0 + opens_h - clock_h
    return math.inf


@njit(cache=True, nogil=True)
def _refuse(counts: IntArray, first: IntArray, slot: int, event: int) -> int:
    if counts[slot] == 0:
        first[slot] = event
    counts[slot] += 1
    return event + 1


@njit(cache=True, nogil=True)
def _push(
    c: float,
    t: float,
    e: float,
    node: int,
    key: int,
    parent: int,
    arc: int,
    wait: float,
    tag: int,
    country: int,
    visited: int,
    h_cost: FloatArray,
    h_time: FloatArray,
    h_co2: FloatArray,
    prune: FloatArray,
    prune_count: int,
    bucket_head: IntArray,
    dead: BoolArray,
    fl: FloatArray,
    il: IntArray,
    n_labels: int,
    heap_p: FloatArray,
    heap_l: IntArray,
    heap_size: int,
    weights: FloatArray,
    slack: float,
    counts: IntArray,
    first: IntArray,
    event: int,
) -> tuple[int, int, int]:
    """Add a label unless pruned or dominated; returns (labels, heap size, refusal events)."""
    hc = h_cost[node]
    if hc == math.inf:
        return n_labels, heap_size, event
    fc = c + hc
    ft = t + h_time[node]
    fe = e + h_co2[node]
    for i in range(prune_count):
        if prune[i, 0] <= fc and prune[i, 1] <= ft and prune[i, 2] <= fe:
            event = _refuse(counts, first, SLOT_PRUNED, event)
            return n_labels, heap_size, event
    head = bucket_head[key, node]
    cs = c * slack
    ts = t * slack
    es = e * slack
    other = head
    while other >= 0:
        if (
            not dead[other]
            and fl[other, F_COST] <= cs
            and fl[other, F_TIME] <= ts
            and fl[other, F_CO2] <= es
        ):
            return n_labels, heap_size, event
        other = il[other, I_NEXT]
    other = head
    while other >= 0:
        if fl[other, F_COST] >= c and fl[other, F_TIME] >= t and fl[other, F_CO2] >= e:
            dead[other] = True
        other = il[other, I_NEXT]
    label = n_labels
    fl[label, F_COST] = c
    fl[label, F_TIME] = t
    fl[label, F_CO2] = e
    fl[label, F_WAIT] = wait
    il[label, I_NODE] = node
    il[label, I_KEY] = key
    il[label, I_PARENT] = parent
    il[label, I_ARC] = arc
    il[label, I_TAG] = tag
    il[label, I_COUNTRY] = country
    il[label, I_VISITED] = visited
    il[label, I_NEXT] = head
    dead[label] = False
    bucket_head[key, node] = label
    # push (priority, label) on the binary heap; labels are unique, so the order is total
    priority = weights[0] * fc + weights[1] * ft + weights[2] * fe
    j = heap_size
    while j > 0:
        up = (j - 1) >> 1
        if heap_p[up] < priority or (heap_p[up] == priority and heap_l[up] < label):
            break
        heap_p[j] = heap_p[up]
        heap_l[j] = heap_l[up]
        j = up
    heap_p[j] = priority
    heap_l[j] = label
    return n_labels + 1, heap_size + 1, event


@njit(cache=True, nogil=True)
def _grow_rows(table: npt.NDArray[Any], rows: int) -> npt.NDArray[Any]:
    """`table` with room for `rows` rows (numba compiles it once per dtype)."""
    out = np.empty((rows, table.shape[1]), dtype=table.dtype)
    out[: table.shape[0]] = table
    return out


@njit(cache=True, nogil=True)
def _grow_bool(mask: BoolArray, rows: int) -> BoolArray:
    out = np.zeros(rows, dtype=mask.dtype)
    out[: mask.shape[0]] = mask
    return out


@njit(cache=True, nogil=True)
def _extended(
    key: int,
    place: int,
    n_places: int,
    key_ids: Dict[int, int],
    key_parent: IntArray,
    key_place: IntArray,
    n_keys: int,
) -> tuple[int, IntArray, IntArray, int]:
    """The corridor key `key` with one more border crossing `place`, numbered on first use;
    returns (that key, the key tables — grown when full — and the number of keys)."""
    pair = key * n_places + place
    found = key_ids[pair] if pair in key_ids else -1  # noqa: SIM401
    if found >= 0:
        return found, key_parent, key_place, n_keys
    if n_keys == key_parent.shape[0]:
        key_parent = np.concatenate((key_parent, np.empty_like(key_parent)))
        key_place = np.concatenate((key_place, np.empty_like(key_place)))
    key_ids[pair] = n_keys
    key_parent[n_keys] = key
    key_place[n_keys] = place
    return n_keys, key_parent, key_place, n_keys + 1


@njit(cache=True, nogil=True)
def _grow_buckets(bucket_head: IntArray, rows: int) -> IntArray:
    out = np.full((rows, bucket_head.shape[1]), -1, dtype=bucket_head.dtype)
    out[: bucket_head.shape[0]] = bucket_head
    return out


@njit(cache=True, nogil=True)
def _grow_heap(heap_p: FloatArray, heap_l: IntArray, rows: int) -> tuple[FloatArray, IntArray]:
    p = np.empty(rows, dtype=heap_p.dtype)
    p[: heap_p.shape[0]] = heap_p
    lab = np.empty(rows, dtype=heap_l.dtype)
    lab[: heap_l.shape[0]] = heap_l
    return p, lab


@njit(cache=True, nogil=True)
def search(
    arc_start: IntArray,
    arc_head: IntArray,
    arc_kind: IntArray,
    node_place: IntArray,
    place_is_border: BoolArray,
    place_country: IntArray,
    arc_ok: BoolArray,
    node_ok: BoolArray,
    arc_cost: FloatArray,
    arc_time: FloatArray,
    arc_co2: FloatArray,
    h_cost: FloatArray,
    h_time: FloatArray,
    h_co2: FloatArray,
    is_target: BoolArray,
    start_node: IntArray,
    start_values: FloatArray,
    start_tag: IntArray,
    pass_start: IntArray,
    pass_place: IntArray,
    service_offset_h: FloatArray,
    service_days_mask: IntArray,
    service_frequency: FloatArray,
    border_open_mask: IntArray,
    arc_dated: IntArray,
    link_shut: IntArray,
    border_shut: IntArray,
    week_h: float,
    weights: FloatArray,
    max_time_h: float,
    prune_factor: float,
    slack: float,
    link_kind: int,
    service_kind: int,
    transfer_kind: int,
    border_opens_h: float,
    n_slots: int,
) -> tuple[FloatArray, IntArray, IntArray, IntArray, IntArray, IntArray, IntArray, int, bool]:
    """The Pareto label search (see `search.pareto_search_reference` for the rules).

    Returns (float label table [n, 4], int label table [n, 8], finals, key parents, key
    places, refusal counts per slot, first event per slot, labels settled, whether a label
    ran past the closure table's days, which makes the result invalid).
    """
    node_count = node_place.shape[0]
    n_places = place_is_border.shape[0]
    n_days = link_shut.shape[1]
    capacity = 512  # labels (grown by doubling: typical searches grow it, so tests cover it)
    fl = np.empty((capacity, 4), dtype=np.float64)
    il = np.empty((capacity, 8), dtype=np.int64)
    dead = np.zeros(capacity, dtype=np.bool_)
    heap_p = np.empty(capacity, dtype=np.float64)
    heap_l = np.empty(capacity, dtype=np.int64)
    n_labels = 0
    heap_size = 0
    # the newest label of each (corridor key, node); labels chain to the older ones
    bucket_head = np.full((KEYS_AT_FIRST, node_count), -1, dtype=np.int64)
    key_ids = Dict.empty(key_type=types.int64, value_type=types.int64)
    key_parent = np.empty(KEYS_AT_FIRST, dtype=np.int64)
    key_place = np.empty(KEYS_AT_FIRST, dtype=np.int64)
    key_parent[0] = -1
    key_place[0] = -1
    n_keys = 1
    counts = np.zeros(n_slots, dtype=np.int64)
    first = np.full(n_slots, -1, dtype=np.int64)
    event = 0
    front = np.empty((4, 3), dtype=np.float64)
    prune = np.empty((4, 3), dtype=np.float64)
    front_count = 0
    finals = np.empty(8, dtype=np.int64)
    n_finals = 0
    past_table = False

    for s in range(start_node.shape[0]):
        if n_labels + 1 > fl.shape[0]:
            rows = 2 * fl.shape[0]
            fl, il, dead = _grow_rows(fl, rows), _grow_rows(il, rows), _grow_bool(dead, rows)
            heap_p, heap_l = _grow_heap(heap_p, heap_l, rows)
        node = start_node[s]
        country = place_country[node_place[node]]
        n_labels, heap_size, event = _push(
            start_values[s, 0], start_values[s, 1], start_values[s, 2], node, 0, -1, -1, 0.0,
            start_tag[s], country, np.int64(1) << country,
            h_cost, h_time, h_co2, prune, front_count, bucket_head, dead,
            fl, il, n_labels, heap_p, heap_l, heap_size, weights, slack, counts, first, event,
        )  # fmt: skip

    settled = 0
    while heap_size > 0:
        label = heap_l[0]
        heap_size -= 1
        last_p = heap_p[heap_size]
        last_l = heap_l[heap_size]
        j = 0
        while True:
            child = 2 * j + 1
            if child >= heap_size:
                break
            right = child + 1
            if right < heap_size and (
                heap_p[right] < heap_p[child]
                or (heap_p[right] == heap_p[child] and heap_l[right] < heap_l[child])
            ):
                child = right
            if heap_p[child] > last_p or (heap_p[child] == last_p and heap_l[child] > last_l):
                break
            heap_p[j] = heap_p[child]
            heap_l[j] = heap_l[child]
            j = child
        heap_p[j] = last_p
        heap_l[j] = last_l
        if dead[label]:
            continue
        settled += 1
        node = il[label, I_NODE]
        if is_target[node]:
            if n_finals == finals.shape[0]:
                grown = np.empty(2 * n_finals, dtype=np.int64)
                grown[:n_finals] = finals
                finals = grown
            finals[n_finals] = label
            n_finals += 1
            vc = fl[label, F_COST]
            vt = fl[label, F_TIME]
            ve = fl[label, F_CO2]
            beaten = False
            for i in range(front_count):
                if front[i, 0] <= vc and front[i, 1] <= vt and front[i, 2] <= ve:
                    beaten = True
                    break
            if not beaten:
                kept = 0
                for i in range(front_count):
                    if not (vc <= front[i, 0] and vt <= front[i, 1] and ve <= front[i, 2]):
                        front[kept] = front[i]
                        kept += 1
                if kept == front.shape[0]:
                    front = _grow_rows(front, 2 * kept)
                    prune = _grow_rows(prune, 2 * kept)
                front[kept, 0] = vc
                front[kept, 1] = vt
                front[kept, 2] = ve
                front_count = kept + 1
                for i in range(front_count):
                    prune[i, 0] = front[i, 0] * prune_factor
                    prune[i, 1] = front[i, 1] * prune_factor
                    prune[i, 2] = front[i, 2] * prune_factor
            continue
        # room for every label this one can create
        need = n_labels + (arc_start[node + 1] - arc_start[node])
        if need > fl.shape[0]:
            rows = max(2 * fl.shape[0], need)
            fl, il, dead = _grow_rows(fl, rows), _grow_rows(il, rows), _grow_bool(dead, rows)
            heap_p, heap_l = _grow_heap(heap_p, heap_l, rows)
        c0 = fl[label, F_COST]
        t0 = fl[label, F_TIME]
        e0 = fl[label, F_CO2]
        key = il[label, I_KEY]
        tag = il[label, I_TAG]
        country = il[label, I_COUNTRY]
        visited = il[label, I_VISITED]
        tail_place = node_place[node]
        leaving_border = place_is_border[tail_place] and il[label, I_PARENT] >= 0
        came_by = il[label, I_ARC]
        after_transfer = came_by >= 0 and arc_kind[came_by] == transfer_kind
        for arc in range(arc_start[node], arc_start[node + 1]):
            if not arc_ok[arc] or (after_transfer and arc_kind[arc] == transfer_kind):
                continue
            head = arc_head[arc]
            if not node_ok[head]:
                continue
            head_place = node_place[head]
            head_country = place_country[head_place]
            new_key = key
            new_country = country
            new_visited = visited
            if head_country != country and not place_is_border[head_place]:
                if (visited >> head_country) & 1:
                    continue  # no re-entry into a country already left
                if leaving_border:
                    new_key, key_parent, key_place, n_keys = _extended(
                        key, tail_place, n_places, key_ids, key_parent, key_place, n_keys
                    )
                    if n_keys > bucket_head.shape[0]:
                        bucket_head = _grow_buckets(bucket_head, 2 * n_keys)
                new_country = head_country
                new_visited = visited | (np.int64(1) << head_country)
            for p in range(pass_start[arc], pass_start[arc + 1]):
                place = pass_place[p]
                new_key, key_parent, key_place, n_keys = _extended(
                    new_key, place, n_places, key_ids, key_parent, key_place, n_keys
                )
                if n_keys > bucket_head.shape[0]:
                    bucket_head = _grow_buckets(bucket_head, 2 * n_keys)
                new_visited = new_visited | (np.int64(1) << place_country[place])
            wait = 0.0
            row = arc_dated[arc]
            kind = arc_kind[arc]
            if kind == service_kind:
                leaves_h = next_departure_week_h(
                    week_h + t0, service_offset_h[arc], service_days_mask[arc],
                    service_frequency[arc],
                )  # fmt: skip
                wait = leaves_h - week_h - t0
                if row >= 0:
                    day = math.floor(leaves_h / 24.0)
                    if day >= n_days:
                        past_table = True
                        continue
                    shut = link_shut[row, day]
                    if shut < 0:
                        shut = border_shut[row, day]
                    if shut >= 0:
                        slot = SLOT_FIRST_CLOSURE + 2 * shut + WORDING_PLAIN
                        event = _refuse(counts, first, slot, event)
                        continue
            elif kind == link_kind:
                if row >= 0:
                    day = math.floor((week_h + t0) / 24.0)
                    if day >= n_days:
                        past_table = True
                        continue
                    shut = link_shut[row, day]
                    if shut >= 0:
                        slot = SLOT_FIRST_CLOSURE + 2 * shut + WORDING_PLAIN
                        event = _refuse(counts, first, slot, event)
                        continue
                    shut = border_shut[row, day]
                    if shut >= 0:
                        slot = SLOT_FIRST_CLOSURE + 2 * shut + WORDING_BORDER
                        event = _refuse(counts, first, slot, event)
                        continue
                if leaving_border and border_open_mask[arc] >= 0:
                    wait = border_wait_week_h(week_h + t0, border_open_mask[arc], border_opens_h)
            t = t0 + wait + arc_time[arc]
            if t > max_time_h:
                event = _refuse(counts, first, SLOT_TOO_LONG, event)
                continue
            n_labels, heap_size, event = _push(
                c0 + arc_cost[arc], t, e0 + arc_co2[arc], head, new_key, label, arc, wait, tag,
                new_country, new_visited,
                h_cost, h_time, h_co2, prune, front_count, bucket_head, dead,
                fl, il, n_labels, heap_p, heap_l, heap_size, weights, slack, counts, first, event,
            )  # fmt: skip
    return (
        fl[:n_labels],
        il[:n_labels],
        finals[:n_finals],
        key_parent[:n_keys],
        key_place[:n_keys],
        counts,
        first,
        settled,
        past_table,
    )


@njit(cache=True, nogil=True)
def final_paths(parent: IntArray, finals: IntArray) -> tuple[IntArray, IntArray]:
    """The label path (start first) of every final label, concatenated: (offsets, labels);
    final i's path is labels[offsets[i]:offsets[i + 1]]."""
    offsets = np.zeros(finals.shape[0] + 1, dtype=np.int64)
    for i in range(finals.shape[0]):
        length = 0
        label = finals[i]
        while label >= 0:
            length += 1
            label = parent[label]
        offsets[i + 1] = offsets[i] + length
    flat = np.empty(offsets[-1], dtype=np.int64)
    for i in range(finals.shape[0]):
        position = offsets[i + 1] - 1
        label = finals[i]
        while label >= 0:
            flat[position] = label
            position -= 1
            label = parent[label]
    return offsets, flat
