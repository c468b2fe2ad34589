"""`daliz roads` commands: compile and cache the real road graph, route between two points."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from daliz.errors import RequestError
from daliz.i18n import N_, _, format_number
from daliz.roads.model import point_label

app = typer.Typer(
    help=N_("Real road (and rail) graph: prepare the cache, route between coordinates."),
    no_args_is_help=True,
)
console = Console(soft_wrap=True)

RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region",
        help=N_("Cut-out 'west,south,east,north' in degrees, or 'corridor' (44,20,90,56)."),
        show_default=N_("whole graph"),
    ),
]
SourceOption = Annotated[
    str,
    typer.Option(
        "--source",
        help=N_(
            "world_highways, world_railways, or a graph file (.py scgraph-data layout, .graphjson)."
        ),
    ),
]
EngineOption = Annotated[
    str, typer.Option("--engine", help=N_("auto (CCH if installed), cch or dijkstra."))
]
JsonOption = Annotated[bool, typer.Option("--json", help=N_("Print JSON."))]


def parse_point(text: str, *, what: str) -> tuple[float, float]:
    """Read 'LAT,LON' in degrees."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise RequestError(
            _("The {what} '{text}' must be 'LAT,LON' in degrees, e.g. 43.238,76.946.").format(
                what=point_label(what), text=text
            ),
            hint=_("For a negative first number put `--` before the points."),
        )
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise RequestError(
            _("The {what} '{text}' has a value that is not a number; use 'LAT,LON'.").format(
                what=point_label(what), text=text
            )
        ) from None


def _km(value: float, digits: int) -> str:
    return _("{value} km").format(value=format_number(value, digits=digits))


@app.command(
    "prepare",
    help=N_(
        "Compile the graph to cached arrays and its routing hierarchy (once; later loads are fast)."
    ),
)
def prepare(
    region: RegionOption = None,
    source: SourceOption = "world_highways",
    engine: EngineOption = "auto",
    as_json: JsonOption = False,
) -> None:
    """Compile the graph to cached arrays and its routing hierarchy (once; later loads are fast)."""
    from daliz.roads import load_road_network

    started = time.perf_counter()
    with console.status(
        escape(
            _("Compiling the road graph and its contraction order (world graph: about 20 s, once)…")
        )
    ):
        net = load_road_network(region, source=source, engine=engine)
    summary = {**net.info(), "ready_s": round(time.perf_counter() - started, 3)}
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    _print_info(summary)


@app.command(
    "route",
    help=N_("Shortest road route between two coordinates: km, hours, snap distances, geometry."),
)
def route(
    origin: Annotated[str, typer.Argument(help=N_("Origin 'LAT,LON' in degrees."))],
    destination: Annotated[str, typer.Argument(help=N_("Destination 'LAT,LON' in degrees."))],
    region: RegionOption = None,
    source: SourceOption = "world_highways",
    engine: EngineOption = "auto",
    max_snap_km: Annotated[
        float, typer.Option("--max-snap-km", help=N_("Farthest a point may be from a road."))
    ] = 50.0,
    as_json: JsonOption = False,
    geojson: Annotated[
        Path | None,
        typer.Option("--geojson", help=N_("Also write the route as a GeoJSON file.")),
    ] = None,
) -> None:
    """Shortest road route between two coordinates: km, hours, snap distances, geometry."""
    from daliz.roads import load_road_network

    o_lat, o_lon = parse_point(origin, what="origin")
    d_lat, d_lon = parse_point(destination, what="destination")
    net = load_road_network(region, source=source, engine=engine, max_snap_km=max_snap_km)
    started = time.perf_counter()
    leg = net.route(o_lat, o_lon, d_lat, d_lon)
    query_ms = (time.perf_counter() - started) * 1000.0
    if geojson is not None:
        geojson.write_text(json.dumps(leg.to_geojson()), encoding="utf-8")
    if as_json:
        payload: dict[str, Any] = {
            "origin": [o_lat, o_lon],
            "destination": [d_lat, d_lon],
            "distance_km": leg.distance_km,
            "total_km": leg.total_km,
            "duration_h": leg.duration_h,
            "snap_origin_km": leg.snap_origin_km,
            "snap_destination_km": leg.snap_destination_km,
            "speed_kmh": leg.speed_kmh,
            "access_speed_kmh": leg.access_speed_kmh,
            "engine": net.engine_name,
            "query_ms": round(query_ms, 4),
            "node_count": len(leg.node_path),
            "geometry": [list(p) for p in leg.geometry],
            "attribution": net.attribution,
        }
        typer.echo(json.dumps(payload))
        return
    table = Table(
        title=_("Road route ({engine}, {ms} ms)").format(
            engine=net.engine_name, ms=format_number(query_ms, digits=3)
        ),
        show_header=False,
    )
    table.add_column(_("what"))
    table.add_column(_("value"), justify="right")
    table.add_row(_("road distance"), _km(leg.distance_km, 1))
    table.add_row(_("origin snapped"), _km(leg.snap_origin_km, 2))
    table.add_row(_("destination snapped"), _km(leg.snap_destination_km, 2))
    table.add_row(_("door to door"), _km(leg.total_km, 1))
    table.add_row(
        _("duration"),
        escape(
            _("{hours} h (road {speed} km/h, access {access} km/h; estimates)").format(
                hours=format_number(leg.duration_h, digits=1),
                speed=f"{leg.speed_kmh:g}",
                access=f"{leg.access_speed_kmh:g}",
            )
        ),
    )
    table.add_row(_("graph nodes on path"), format_number(len(leg.node_path)))
    console.print(table)
    console.print(f"[dim]{escape(net.attribution)}[/]", highlight=False)


@app.command(
    "info",
    help=N_("Installed graph data and engine, cache folder and the graphs compiled in it."),
)
def info(as_json: JsonOption = False) -> None:
    """Installed graph data and engine, cache folder and the graphs compiled in it."""
    import importlib.util

    from daliz.roads.cache import cache_root
    from daliz.roads.source import OSM_ATTRIBUTION, attribution_text

    root = cache_root()
    compiled: list[dict[str, Any]] = []
    for meta_file in sorted(root.glob("*/*/meta.json")):
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict):
            compiled.append(
                {
                    "folder": str(meta_file.parent),
                    "source": meta.get("source"),
                    "region": meta.get("region"),
                    "nodes": meta.get("nodes"),
                    "arcs": meta.get("arcs"),
                    "cch_order_cached": (meta_file.parent / "cch_order.npy").is_file(),
                }
            )
    summary = {
        "scgraph_data_installed": importlib.util.find_spec("scgraph_data") is not None,
        "routingkit_cch_installed": importlib.util.find_spec("routingkit_cch") is not None,
        "cache_root": str(root),
        "compiled": compiled,
        "attribution": attribution_text(OSM_ATTRIBUTION),
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    console.print(
        escape(
            _("graph data (scgraph-data): {state}").format(
                state=_yes(summary["scgraph_data_installed"])
            )
        )
    )
    console.print(
        escape(
            _("CCH engine (routingkit-cch): {state}").format(
                state=_yes(summary["routingkit_cch_installed"])
            )
        )
    )
    console.print(escape(_("cache: {folder}").format(folder=root)), highlight=False)
    table = Table(title=_("Compiled graphs"))
    for column in (_("source"), _("region"), _("nodes"), _("arcs"), _("CCH order")):
        table.add_column(column)
    for item in compiled:
        table.add_row(
            str(item["source"]),
            ",".join(f"{v:g}" for v in item["region"]) if item["region"] else _("whole graph"),
            format_number(item["nodes"]) if isinstance(item["nodes"], int) else "?",
            format_number(item["arcs"]) if isinstance(item["arcs"], int) else "?",
            _("cached") if item["cch_order_cached"] else _("not yet"),
        )
    console.print(table)
    console.print(f"[dim]{escape(str(summary['attribution']))}[/]", highlight=False)


def _yes(flag: object) -> str:
    return _("installed") if flag else _("not installed (pip install 'daliz[roads]')")


def _info_label(key: str) -> str:
    labels = {
        "source": _("source"),
        "region": _("region"),
        "nodes": _("nodes"),
        "arcs": _("arcs"),
        "components": _("connected networks"),
        "largest_component_nodes": _("nodes of the largest network"),
        "snappable_nodes": _("nodes points may snap to"),
        "engine": _("engine"),
        "ready_s": _("ready in, s"),
        "cache_dir": _("cache folder"),
    }
    return labels.get(key, key)


def _print_info(summary: dict[str, Any]) -> None:
    table = Table(title=_("Road graph ready"), show_header=False)
    table.add_column(_("what"))
    table.add_column(_("value"))
    for key in (
        "source",
        "region",
        "nodes",
        "arcs",
        "components",
        "largest_component_nodes",
        "snappable_nodes",
        "engine",
        "ready_s",
        "cache_dir",
    ):
        value = summary.get(key)
        if isinstance(value, int):
            shown = format_number(value)
        elif key == "region" and value is None:
            shown = _("whole graph")
        else:
            shown = str(value)
        table.add_row(_info_label(key), escape(shown))
    console.print(table)
    console.print(f"[dim]{escape(str(summary.get('attribution', '')))}[/]", highlight=False)
