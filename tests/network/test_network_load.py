"""Loading and validating datasets: the mini fixture, overlays, and broken files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from daliz.errors import DatasetError, Problem
from daliz.network import Mode, Status, load_network, validate_dataset


def rewrite(path: Path, change: Callable[[list[dict[str, str]]], None]) -> None:
    """Read a CSV as dicts, let `change` edit the rows in place, write it back."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    change(rows)
    for row in rows:
        for key in row:
            if key not in fields:
                fields.append(key)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(path: Path, row_id: str, field: str, value: str, key: str = "id") -> None:
    def change(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row[key] == row_id:
                row[field] = value
                return
        raise AssertionError(f"no row {row_id}")

    rewrite(path, change)


def test_mini_loads(mini_dir: Path) -> None:
    network = load_network(mini_dir)
    assert network.info.name == "mini"
    assert len(network.places) == 15
    assert network.links["rail-mazar-peshawar"].status == Status.PLANNED
    assert network.links["sea-bandar-karachi"].mode == Mode.SEA
    assert len(network.info.content_hash) == 64
    assert network.number_counts["derived"] > 0  # fixture rows cite a source and an estimate


def test_hash_changes_with_content(mini_copy: Path, mini_dir: Path) -> None:
    before = load_network(mini_dir).info.content_hash
    set_cell(mini_copy / "links.csv", "road-shym-zz", "note", "edited")
    after = load_network(mini_copy).info.content_hash
    assert before != after


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


FAULTS: list[tuple[str, Callable[[Path], None], str, str | None, str]] = []


def fault(
    file: str, field: str | None, message: str
) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    def register(func: Callable[[Path], None]) -> Callable[[Path], None]:
        FAULTS.append((func.__name__, func, file, field, message))
        return func

    return register


@fault("links.csv", "from", "unknown place id 'kz-nowhere'")
def link_to_nowhere(d: Path) -> None:
    set_cell(d / "links.csv", "road-shym-zz", "from", "kz-nowhere")


@fault("links.csv", "distance_km", "'12O' is not a number")
def non_numeric_distance(d: Path) -> None:
    set_cell(d / "links.csv", "road-tash-termez", "distance_km", "12O")


@fault("links.csv", "distance_km", "shorter than the great-circle distance")
def too_short(d: Path) -> None:
    set_cell(d / "links.csv", "road-tash-termez", "distance_km", "200")
    set_cell(d / "links.csv", "road-tash-termez", "distance_km_min", "150")


@fault("links.csv", "distance_km", "implausible")
def absurd_detour(d: Path) -> None:
    set_cell(d / "links.csv", "road-tash-termez", "distance_km", "5000")
    set_cell(d / "links.csv", "road-tash-termez", "distance_km_max", "6000")


@fault("links.csv", "source", "numbers need a source id")
def unsourced(d: Path) -> None:
    set_cell(d / "links.csv", "road-tash-termez", "source", "")
    set_cell(d / "links.csv", "road-tash-termez", "estimate", "")


@fault("links.csv", "source", "unknown source id 'nope'")
def unknown_source(d: Path) -> None:
    set_cell(d / "links.csv", "road-tash-termez", "source", "nope")


@fault("links.csv", "estimate", "an estimate needs a min/max range")
def estimate_without_range(d: Path) -> None:
    set_cell(d / "links.csv", "road-tash-termez", "distance_km_min", "")


@fault("links.csv", "gauge_mm", "transfers.csv has no gauge_change")
def gauge_mismatch(d: Path) -> None:
    rewrite(
        d / "transfers.csv",
        lambda rows: rows.__setitem__(
            slice(None), [r for r in rows if r["kind"] != "bogie_exchange"]
        ),
    )


@fault("places.csv", "country", "'XX' is not an ISO 3166-1 alpha-2 code")
def bad_country(d: Path) -> None:
    set_cell(d / "places.csv", "uz-termez", "country", "XX")


@fault("links.csv", "id", "duplicate id")
def duplicate_id(d: Path) -> None:
    rewrite(d / "links.csv", lambda rows: rows.append(dict(rows[0])))


@fault("links.csv", "distnce_km", "unknown column (did you mean")
def typo_column(d: Path) -> None:
    rewrite(d / "links.csv", lambda rows: [r.__setitem__("distnce_km", "") for r in rows])


@fault("services.csv", "stops", "has no scheduled service")
def sea_link_without_service(d: Path) -> None:
    rewrite(d / "services.csv", lambda rows: rows.clear())


@fault("closures.csv", "valid_to", "'2027-13-40' is not a real date")
def bad_date(d: Path) -> None:
    set_cell(d / "closures.csv", "bcp-torkham", "valid_to", "2027-13-40", key="target")


@fault("speeds.csv", "speed_kmh_typ", "min ≤ typ ≤ max")
def inverted_range(d: Path) -> None:
    set_cell(d / "speeds.csv", "speed-road", "speed_kmh_min", "70")


@fault("border_crossings.csv", "place", "is a city, not a border_crossing")
def border_at_city(d: Path) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        rows.append({**rows[0], "place": "uz-tashkent"})

    rewrite(d / "border_crossings.csv", change)


@fault("tariffs.csv", None, "not UTF-8 text")
def wrong_encoding(d: Path) -> None:
    path = d / "tariffs.csv"
    text = path.read_text(encoding="utf-8") + "road-test,teu,per_km,1,2,3,fixture,тест\n"
    path.write_bytes(text.encode("cp1251"))


@fault("geometry.geojson", "geometry", "coordinates out of range")
def bad_geometry(d: Path) -> None:
    feature = {
        "type": "Feature",
        "properties": {"link": "road-shym-zz"},
        "geometry": {"type": "LineString", "coordinates": [[42.3, 69.6], [41.4, 169.0], [41, 200]]},
    }
    (d / "geometry.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8"
    )


@pytest.mark.parametrize("name,breaker,file,field,message", FAULTS, ids=[f[0] for f in FAULTS])
def test_broken_dataset_is_refused_precisely(
    mini_copy: Path,
    name: str,
    breaker: Callable[[Path], None],
    file: str,
    field: str | None,
    message: str,
) -> None:
    breaker(mini_copy)
    problems = validate_dataset(mini_copy)
    assert problems, f"{name}: no problem found"
    matching = [p for p in problems if p.file.endswith(file) and message in p.message]
    assert matching, f"{name}: expected {file}: {message!r}, got:\n" + "\n".join(map(str, problems))
    if field is not None:
        assert matching[0].field == field
    with pytest.raises(DatasetError) as info:
        load_network(mini_copy)
    assert message in str(info.value)


def test_row_numbers_point_at_the_row(mini_copy: Path) -> None:
    set_cell(mini_copy / "links.csv", "road-tash-termez", "distance_km", "abc")
    problem = only(validate_dataset(mini_copy))
    with (mini_copy / "links.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert problem.row is not None
    assert rows[problem.row - 1]["id"] == "road-tash-termez"


def test_missing_table(mini_copy: Path) -> None:
    (mini_copy / "cargo_units.csv").unlink()
    messages = [str(p) for p in validate_dataset(mini_copy)]
    assert any("cargo_units.csv: table is missing" in m for m in messages)


def test_overlay_replaces_and_removes_rows(tmp_path: Path, mini_dir: Path) -> None:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "dataset.yaml").write_text(f"name: my-overlay\nversion: '2'\nbase: {mini_dir}\n")
    (overlay / "sources.csv").write_text(
        "id,title,publisher,url,published,accessed,note\n"
        "my-survey,Our own border survey,Us,https://example.org/survey,2026-10-01,,\n",
        encoding="utf-8",
    )
    (overlay / "border_crossings.csv").write_text(
        "place,mode,country_a,country_b,clearance_h_min,clearance_h_typ,clearance_h_max,"
        "cost_usd_min,cost_usd_typ,cost_usd_max,cost_unit,source\n"
        "bcp-torkham,road,AF,PK,2,6,12,50,60,80,truck,my-survey\n",
        encoding="utf-8",
    )
    (overlay / "links.csv").write_text(
        "id,from,to,mode,distance_km,status\nroad-peshawar-karachi,pk-peshawar,pk-karachi-port,road,1,removed\n",
        encoding="utf-8",
    )
    network = load_network(overlay)
    assert network.info.name == "my-overlay"
    assert len(network.info.directories) == 2
    torkham = network.border_crossings[("bcp-torkham", Mode.ROAD)]
    assert torkham.clearance_h.typ == 6 and torkham.sourcing.sources == ("my-survey",)
    assert "road-peshawar-karachi" not in network.links
    assert "road-shym-zz" in network.links


def test_cli_validate_reports_without_traceback(mini_copy: Path) -> None:
    set_cell(mini_copy / "links.csv", "road-shym-zz", "mode", "hovercraft")
    out = subprocess.run(
        [sys.executable, "-m", "daliz", "data", "validate", str(mini_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1
    assert "'hovercraft' is not one of road, rail, sea, ferry" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_cli_missing_directory_is_clean(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "daliz", "data", "info", "--dataset", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert "does not exist" in out.stderr
    assert "Traceback" not in out.stderr
