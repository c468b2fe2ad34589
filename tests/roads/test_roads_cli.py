"""`daliz roads` commands, run through the real console entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from daliz.cli.roads import app, parse_point
from daliz.errors import RequestError

runner = CliRunner()


def run_daliz(*args: str, env_cache: Path) -> subprocess.CompletedProcess[str]:
    """The installed `daliz` entry point in a fresh process (errors become clean messages)."""
    code = "import sys; from daliz.cli import main; sys.argv = ['daliz', *sys.argv[1:]]; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={"DALIZ_CACHE_DIR": str(env_cache), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_route_prints_json_with_geometry_and_attribution(almaty_file: Path) -> None:
    result = runner.invoke(
        app, ["route", "43.238,76.946", "41.311,69.280", "--source", str(almaty_file), "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert 700 < payload["distance_km"] < 1100
    assert payload["geometry"][0] == [76.946, 43.238]
    assert payload["snap_origin_km"] >= 0
    assert payload["total_km"] == pytest.approx(
        payload["distance_km"] + payload["snap_origin_km"] + payload["snap_destination_km"]
    )


def test_route_table_and_geojson_file(almaty_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "leg.geojson"
    result = runner.invoke(
        app,
        [
            "route",
            "43.238,76.946",
            "41.311,69.280",
            "--source",
            str(almaty_file),
            "--geojson",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "road distance" in result.output and "snapped" in result.output
    feature = json.loads(out.read_text())
    assert feature["type"] == "Feature"
    # A user file gets no OpenStreetMap claim, but a reminder to state its licence.
    assert feature["properties"]["attribution"].startswith("User-supplied graph alm.graphjson")


def test_prepare_and_info(almaty_file: Path, road_cache: Path) -> None:
    result = runner.invoke(app, ["prepare", "--source", str(almaty_file), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["nodes"] > 500 and summary["cache_dir"].startswith(str(road_cache))
    info = runner.invoke(app, ["info", "--json"])
    assert info.exit_code == 0, info.output
    listed = json.loads(info.output)
    assert any(item["folder"] == summary["cache_dir"] for item in listed["compiled"])
    assert "OpenStreetMap" in listed["attribution"]
    table = runner.invoke(app, ["info"])
    assert "Compiled graphs" in table.output


def test_bad_points_are_clean_errors(almaty_file: Path, road_cache: Path) -> None:
    with pytest.raises(RequestError, match="LAT,LON"):
        parse_point("43.2", what="origin")
    with pytest.raises(RequestError, match="not a number"):
        parse_point("north,76", what="origin")
    done = run_daliz(
        "roads", "route", "43.238,76.946", "95,70", "--source", str(almaty_file),
        env_cache=road_cache,
    )  # fmt: skip
    assert done.returncode == 2
    assert "error:" in done.stderr and "latitude 95.0 is outside" in done.stderr
    assert "Traceback" not in done.stderr
