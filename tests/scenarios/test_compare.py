"""Comparisons across scenarios: rows, differences, charts and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scenario_helpers import MINI, MINI_RAIL, request

from daliz.scenarios.charts import html_page, write_html, write_png
from daliz.scenarios.compare import compare


def test_compare_rows_and_differences() -> None:
    comparison = compare(request(draws=500), [str(MINI_RAIL)], dataset=MINI)
    base, rail = comparison.rows
    assert base.scenario == "base" and rail.scenario == "mini-rail"
    assert base.changes == [] and rail.changes and "rail-mazar-peshawar" in rail.changes[0]
    assert rail.cost_usd is not None and base.cost_usd is not None
    assert comparison.delta(rail, "cost_usd") == rail.cost_usd - base.cost_usd < 0
    assert rail.days_p50 is not None and rail.days_p90 is not None
    assert rail.days_p50 <= rail.days_p90
    assert rail.median_days == rail.days_p50
    data = comparison.to_dict()
    assert [r["scenario"] for r in data["rows"]] == ["base", "mini-rail"]
    json.dumps(data)  # JSON-ready
    # asking twice for the same scenario compares it once
    assert len(compare(request(), [str(MINI_RAIL), str(MINI_RAIL)], dataset=MINI).rows) == 2


def test_charts_png_and_self_contained_html(tmp_path: Path) -> None:
    comparison = compare(request(draws=300), [str(MINI_RAIL)], dataset=MINI)
    png = write_png(comparison, tmp_path / "chart.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = html_page(comparison)
    assert page.count("<svg") == 2 and "<table>" in page
    assert "mini-rail" in page and "rail-mazar-peshawar" in page
    without_svg_namespace = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http" not in without_svg_namespace  # nothing fetched from the network
    assert "<script" not in page
    assert write_html(comparison, tmp_path / "c.html").read_text(encoding="utf-8") == page


def test_cli_compare_json_and_files(tmp_path: Path) -> None:
    png, html = tmp_path / "c.png", tmp_path / "c.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "daliz",
            "compare",
            "Shymkent",
            "Peshawar",
            "--commodity",
            "wheat",
            "--tonnes",
            "500",
            "--date",
            "2027-03-01",
            "--draws",
            "300",
            "--dataset",
            str(MINI),
            "--scenario",
            str(MINI_RAIL),
            "--png",
            str(png),
            "--html",
            str(html),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(done.stdout)
    assert [r["scenario"] for r in data["rows"]] == ["base", "mini-rail"]
    assert png.is_file() and html.is_file()


def test_cli_unknown_scenario_is_a_clean_error() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "daliz",
            "compare",
            "Shymkent",
            "Peshawar",
            "--commodity",
            "wheat",
            "--tonnes",
            "5",
            "--dataset",
            str(MINI),
            "--scenario",
            "trans-afgan-railway",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "trans-afghan-railway" in done.stderr and "Traceback" not in done.stderr


def test_cli_scenarios_list_show_validate(tmp_path: Path) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "daliz", "scenarios", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "trans-afghan-railway" in {item["name"] for item in json.loads(listed.stdout)}
    shown = subprocess.run(
        [sys.executable, "-m", "daliz", "scenarios", "show", "trans-afghan-railway"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Kharlachi" in shown.stdout and "tass.com" in shown.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\ntitle: Bad\nchanges:\n  - action: open_link\n    link: rail-nowhere\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "daliz",
            "scenarios",
            "validate",
            str(bad),
            str(MINI_RAIL),
            "--dataset",
            str(MINI),
        ],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 2
    assert "rail-nowhere" in checked.stdout and "row 1" in checked.stdout
    assert "mini-rail" in checked.stdout and "apply cleanly" in checked.stdout
