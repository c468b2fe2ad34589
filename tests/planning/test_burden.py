"""Logistics burden: the trade monitor's products priced on the planner's cheapest corridor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from daliz.planning import plan
from daliz.planning.burden import CorridorCost

ROWS = """\
year,month,reporter,partner,flow,hs_code,value_usd,net_weight_kg,source
2025,1,KZ,PK,X,1001,2500000,10000000,kz-bns
2025,2,KZ,PK,X,0713,1200000,2000000,kz-bns
2025,1,KZ,PK,M,0805,900000,2000000,kz-bns
"""


def test_cost_per_tonne_is_the_cheapest_plan() -> None:
    cost = CorridorCost()
    value = cost("1001", "KAZ", "PAK")
    expected = plan(
        origin="kz-almaty",
        destination="pk-karachi",
        hs="1001",
        tonnes=20,
        objective="cheapest",
        draws=0,
    )
    assert value == pytest.approx(expected.alternatives[0].totals.cost_usd_per_tonne)
    assert cost("1001", "KZ", "PK") == value  # alpha-2 and alpha-3 alike, cached
    assert cost("1001", "KAZ", "USA") is None  # no gateway hub for that country
    assert "no gateway" in cost.notes[("1001", "KZ", "US")]


def test_trade_burden_command(tmp_path: Path) -> None:
    data = tmp_path / "kz.csv"
    data.write_text(ROWS, encoding="utf-8")
    env = {**os.environ, "DALIZ_TRADE_DB": str(tmp_path / "t.duckdb")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "daliz", "trade", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )

    assert run("import", str(data)).returncode == 0
    proc = run(
        "burden", "-r", "KZ", "-p", "PK", "--year", "2025", "--json", "--origin-place", "Kostanay"
    )
    assert proc.returncode == 0, proc.stderr
    rows = {r["hs_code"]: r for r in json.loads(proc.stdout)}
    wheat = rows["1001"]
    assert wheat["unit_value_usd_per_t"] == pytest.approx(250)
    assert 0 < wheat["cost_per_tonne_usd"] < 1000
    assert wheat["burden_share"] == pytest.approx(wheat["cost_per_tonne_usd"] / 250)
    imports = run("burden", "-r", "KZ", "-p", "PK", "--year", "2025", "--flow", "M", "--json")
    assert imports.returncode == 0, imports.stderr
    assert json.loads(imports.stdout)[0]["origin"] == "PAK"
