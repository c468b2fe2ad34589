"""Batch runs on a local Dask cluster, checked against single plans."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from scenario_helpers import MINI, MINI_RAIL

from daliz.errors import DatasetError, RequestError
from daliz.planning.planner import plan, request_from_fields
from daliz.scenarios.batch import (
    OUTPUT_COLUMNS,
    BatchOptions,
    Flow,
    read_flows,
    run_batch,
    summarise,
    write_rows,
)
from daliz.scenarios.variants import base_variant, plan_variant, scenario_variant

FLOWS = """origin,destination,commodity,tonnes,date
Shymkent,Karachi,wheat,500,2027-03-01
Shymkent,Peshawar,wheat,300,2027-03-04
Karachi,Shymkent,citrus,100,2027-03-01
Shymkent,Atlantis,wheat,100,2027-03-01
Shymkent,Karachi,wheat,lots,2027-03-01
Tashkent,Karachi,medicines,20,2027-03-02
"""
OPTIONS = BatchOptions(draws=300)


@pytest.fixture
def flows_csv(tmp_path: Path) -> Path:
    path = tmp_path / "flows.csv"
    path.write_text(FLOWS, encoding="utf-8")
    return path


def test_read_flows_csv_and_parquet(flows_csv: Path, tmp_path: Path) -> None:
    flows = read_flows(flows_csv)
    assert len(flows) == 6
    assert flows[0] == Flow("1", "Shymkent", "Karachi", "wheat", "500", "2027-03-01")
    parquet = tmp_path / "flows.parquet"
    pd.read_csv(flows_csv, dtype=str).to_parquet(parquet)
    assert read_flows(parquet) == flows
    bad = tmp_path / "bad.csv"
    bad.write_text("origin,commodity\nA,wheat\n", encoding="utf-8")
    with pytest.raises(DatasetError) as exc:
        read_flows(bad)
    assert {p.field for p in exc.value.problems} == {"destination", "tonnes"}
    with pytest.raises(RequestError):
        read_flows(tmp_path / "missing.csv")


def test_batch_on_local_cluster_matches_single_plans(flows_csv: Path) -> None:
    flows = read_flows(flows_csv)
    progress: list[tuple[int, int]] = []
    result = run_batch(
        flows,
        [str(MINI_RAIL)],
        dataset=MINI,
        options=OPTIONS,
        workers=2,
        processes=False,
        chunk_size=2,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert result.scenarios == ["base", "mini-rail"]
    assert result.evaluations == 12 and len(result.rows) == 12
    assert progress[-1] == (12, 12) and [d for d, _ in progress] == sorted(d for d, _ in progress)
    # rows: flow order, base first within a flow
    assert [(r["flow_id"], r["scenario"]) for r in result.rows[:4]] == [
        ("1", "base"),
        ("1", "mini-rail"),
        ("2", "base"),
        ("2", "mini-rail"),
    ]
    errors = {r["flow_id"]: r["error"] for r in result.rows if r["error"]}
    assert set(errors) == {"4", "5"}  # an unknown place, a bad number: reported, not fatal
    assert "Atlantis" in errors["4"] and "lots" in errors["5"]
    assert result.failed == 4
    # every figure equals a single plan of the same flow
    rail = scenario_variant(base_variant(MINI), MINI_RAIL)
    for row in result.rows:
        if row["error"]:
            continue
        fields = {
            "origin": row["origin"],
            "destination": row["destination"],
            "commodity": row["commodity"],
            "tonnes": row["tonnes"],
            "date": row["date"],
            "draws": OPTIONS.draws,
        }
        if row["scenario"] == "base":
            single = plan(dataset=str(MINI), **fields)
        else:
            single = plan_variant(rail, request_from_fields(**fields))
        best = single.alternatives[0]
        assert row["corridor"] == best.corridor
        assert row["cost_usd"] == best.totals.cost_usd
        assert row["days_p50"] == best.totals.days_p50
        assert row["days_p90"] == best.totals.days_p90
        assert row["co2e_kg"] == best.totals.co2e_kg


def test_summary_shares_and_changes() -> None:
    rows = [
        {
            "flow_id": "1",
            "scenario": "base",
            "commodity": "wheat",
            "corridor": "A",
            "tonnes": 300.0,
            "cost_usd_per_tonne": 100.0,
            "days": 10.0,
            "days_p50": 10.0,
            "error": None,
        },
        {
            "flow_id": "2",
            "scenario": "base",
            "commodity": "wheat",
            "corridor": "B",
            "tonnes": 100.0,
            "cost_usd_per_tonne": 80.0,
            "days": 12.0,
            "days_p50": None,
            "error": None,
        },
        {
            "flow_id": "1",
            "scenario": "new",
            "commodity": "wheat",
            "corridor": "C",
            "tonnes": 300.0,
            "cost_usd_per_tonne": 70.0,
            "days": 6.0,
            "days_p50": 7.0,
            "error": None,
        },
        {
            "flow_id": "2",
            "scenario": "new",
            "commodity": "wheat",
            "corridor": None,
            "tonnes": 100.0,
            "cost_usd_per_tonne": None,
            "days": None,
            "days_p50": None,
            "error": "no route",
        },
    ]
    summary = summarise(rows, ["base", "new"])
    assert summary["shares"]["base"]["wheat"] == {"A": 0.75, "B": 0.25}
    assert summary["shares"]["new"]["wheat"] == {"C": 1.0}
    change = summary["changes"]["new"]
    assert change["corridor_changed"] == 1 and change["lost_the_route"] == 1
    assert change["mean_delta_cost_usd_per_tonne"] == -30.0
    assert change["mean_delta_median_days"] == -3.0
    assert change["main_moves"] == {"A → C": 1}


def test_write_rows_parquet_and_csv(flows_csv: Path, tmp_path: Path) -> None:
    result = run_batch(
        read_flows(flows_csv)[:2], [], dataset=MINI, options=OPTIONS, workers=1, processes=False
    )
    parquet = write_rows(result, tmp_path / "out.parquet")
    frame = pd.read_parquet(parquet)
    assert list(frame.columns) == list(OUTPUT_COLUMNS) and len(frame) == 2
    csv = write_rows(result, tmp_path / "out.csv")
    assert pd.read_csv(csv).shape == (2, len(OUTPUT_COLUMNS))


def test_invalid_scenario_fails_before_any_work(flows_csv: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\nchanges:\n  - action: open_link\n    link: nope\n")
    with pytest.raises(DatasetError, match="nope"):
        run_batch(read_flows(flows_csv), [str(bad)], dataset=MINI, processes=False)


@pytest.mark.slow
def test_cli_batch_on_worker_processes(flows_csv: Path, tmp_path: Path) -> None:
    out, summary = tmp_path / "results.parquet", tmp_path / "summary.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "daliz",
            "batch",
            str(flows_csv),
            "--out",
            str(out),
            "--scenario",
            str(MINI_RAIL),
            "--dataset",
            str(MINI),
            "--workers",
            "2",
            "--draws",
            "300",
            "--summary",
            str(summary),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    frame = pd.read_parquet(out)
    assert len(frame) == 12 and frame["error"].notna().sum() == 4
    assert "Corridor shares" in done.stdout and "mini-rail" in done.stdout
    shares = json.loads(summary.read_text(encoding="utf-8"))["shares"]
    for by_commodity in shares.values():
        for corridors in by_commodity.values():
            assert sum(corridors.values()) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.slow
def test_batch_on_a_running_scheduler(flows_csv: Path) -> None:
    import importlib

    distributed: Any = importlib.import_module("dask.distributed")  # no type hints
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        result = run_batch(
            read_flows(flows_csv)[:3],
            [],
            dataset=MINI,
            options=OPTIONS,
            scheduler=cluster.scheduler_address,
        )
        assert cluster.scheduler_address  # the cluster outlives the batch's client
    assert result.workers == 2 and result.evaluations == 3
    assert [r["flow_id"] for r in result.rows] == ["1", "2", "3"]
