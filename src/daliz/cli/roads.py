"""`daliz roads` commands: compile and cache the real road graph, route between two points."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from daliz.errors import RequestError

app = typer.Typer(
    help="Real road (and rail) graph: prepare the cache, route between coordinates.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)

RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region",
        help="Cut-out 'west,south,east,north' in degrees, or 'corridor' (44,20,90,56).",
        show_default="whole graph",
    ),
]
SourceOption = Annotated[
    str,
    typer.Option(
        "--source",
        help="world_highways, world_railways, or a graph file (.py scgraph-data layout, "
        ".graphjson).",
    ),
]
EngineOption = Annotated[
    str, typer.Option("--engine", help="auto (CCH if installed), cch or dijkstra.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def parse_point(text: str, *, what: str) -> tuple[float, float]:
    """Read 'LAT,LON' in degrees."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise RequestError(
            f"The {what} '{text}' must be 'LAT,LON' in degrees, e.g. 43.238,76.946.",
            hint="For a negative first number put `--` before the points.",
        )
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise RequestError(
            f"The {what} '{text}' has a value that is not a number; use 'LAT,LON'."
        ) from None


@app.command("prepare")
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
        "Compiling the road graph and its contraction order (world graph: about 20 s, once)…"
    ):
        net = load_road_network(region, source=source, engine=engine)
    summary = {**net.info(), "ready_s": round(time.perf_counter() - started, 3)}
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    _print_info(summary)


@app.command("route")
def route(
    origin: Annotated[str, typer.Argument(help="Origin 'LAT,LON' in degrees.")],
    destination: Annotated[str, typer.Argument(help="Destination 'LAT,LON' in degrees.")],
    region: RegionOption = None,
    source: SourceOption = "world_highways",
    engine: EngineOption = "auto",
    max_snap_km: Annotated[
        float, typer.Option("--max-snap-km", help="Farthest a point may be from a road.")
    ] = 50.0,
    as_json: JsonOption = False,
    geojson: Annotated[
        Path | None, typer.Option("--geojson", help="Also write the route as a GeoJSON file.")
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
    table = Table(title=f"Road route ({net.engine_name}, {query_ms:.3f} ms)", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("road distance", f"{leg.distance_km:,.1f} km")
    table.add_row("origin snapped", f"{leg.snap_origin_km:.2f} km")
    table.add_row("destination snapped", f"{leg.snap_destination_km:.2f} km")
    table.add_row("door to door", f"{leg.total_km:,.1f} km")
    table.add_row(
        "duration",
        f"{leg.duration_h:.1f} h (road {leg.speed_kmh:g} km/h, access "
        f"{leg.access_speed_kmh:g} km/h; estimates)",
    )
    table.add_row("graph nodes on path", str(len(leg.node_path)))
    console.print(table)
    console.print(f"[dim]{net.attribution}[/]", highlight=False)


@app.command("info")
def info(as_json: JsonOption = False) -> None:
    """Installed graph data and engine, cache folder and the graphs compiled in it."""
    import importlib.util

    from daliz.roads.cache import cache_root
    from daliz.roads.source import OSM_ATTRIBUTION

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
        "attribution": OSM_ATTRIBUTION,
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    console.print(f"graph data (scgraph-data): {_yes(summary['scgraph_data_installed'])}")
    console.print(f"CCH engine (routingkit-cch): {_yes(summary['routingkit_cch_installed'])}")
    console.print(f"cache: {root}")
    table = Table(title="Compiled graphs")
    for column in ("source", "region", "nodes", "arcs", "CCH order"):
        table.add_column(column)
    for item in compiled:
        table.add_row(
            str(item["source"]),
            ",".join(f"{v:g}" for v in item["region"]) if item["region"] else "whole graph",
            f"{item['nodes']:,}" if isinstance(item["nodes"], int) else "?",
            f"{item['arcs']:,}" if isinstance(item["arcs"], int) else "?",
            "cached" if item["cch_order_cached"] else "not yet",
        )
    console.print(table)
    console.print(f"[dim]{OSM_ATTRIBUTION}[/]", highlight=False)


def _yes(flag: object) -> str:
    return "installed" if flag else "not installed (pip install 'daliz[roads]')"


def _print_info(summary: dict[str, Any]) -> None:
    table = Table(title="Road graph ready", show_header=False)
    table.add_column("what")
    table.add_column("value")
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
        table.add_row(key, f"{value:,}" if isinstance(value, int) else str(value))
    console.print(table)
    console.print(f"[dim]{summary.get('attribution', '')}[/]", highlight=False)
