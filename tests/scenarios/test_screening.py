"""Screening: fast approximate best corridors that agree with full plans where they should."""

from __future__ import annotations

from pathlib import Path

import pytest

from daliz.errors import RequestError
from daliz.planning import plan, planning_context
from daliz.planning.screen import Screener
from daliz.scenarios.batch import BatchOptions, read_flows, run_batch

FLOWS = [
    ("Almaty", "Lahore", "wheat", 120.0),
    ("Karachi", "Almaty", "citrus", 200.0),
    ("Tashkent", "Peshawar", "onion", 80.0),
]


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f"{f[0]}-{f[1]}")
def test_fastest_screen_matches_the_full_plan(flow: tuple[str, str, str, float]) -> None:
    origin, destination, commodity, tonnes = flow
    screened = Screener(planning_context(), objective="fastest").screen(*flow)
    best = plan(
        origin=origin,
        destination=destination,
        commodity=commodity,
        tonnes=tonnes,
        objective="fastest",
        draws=0,
        max_alternatives=1,
        date="2027-03-01",
    )
    alt = best.alternatives[0]
    assert screened["corridor"] == alt.corridor
    assert screened["days"] == pytest.approx(alt.totals.days, rel=0.15)
    assert screened["cost_usd"] == pytest.approx(alt.totals.cost_usd, rel=0.25)


def test_screen_scales_with_tonnes_and_explains_errors() -> None:
    screener = Screener(planning_context(), objective="cheapest")
    small = screener.screen("Kostanay", "Karachi", "wheat", 100)
    big = screener.screen("Kostanay", "Karachi", "wheat", 1000)
    assert big["corridor"] == small["corridor"]
    assert big["cost_usd"] == pytest.approx(10 * small["cost_usd"])
    with pytest.raises(RequestError, match="Did you mean"):
        screener.screen("Kostanay", "Karachx", "wheat", 100)


def test_batch_in_screening_mode(tmp_path: Path) -> None:
    flows_file = tmp_path / "flows.csv"
    flows_file.write_text(
        "origin,destination,commodity,tonnes\n"
        "Kostanay,Karachi,wheat,500\nKarachi,Almaty,citrus,200\nKostanay,Nowhere,wheat,5\n",
        encoding="utf-8",
    )
    result = run_batch(
        read_flows(flows_file),
        ["trans-afghan-railway"],
        options=BatchOptions(screen=True),
        workers=1,
        processes=False,
    )
    rows = result.rows
    assert len(rows) == 6
    ok = [r for r in rows if not r["error"]]
    assert len(ok) == 4 and all("(screened)" in r["dataset"] for r in ok)
    failed = [r for r in rows if r["error"]]
    assert len(failed) == 2 and all("Nowhere" in r["error"] for r in failed)
    railway = next(
        r for r in ok if r["scenario"] == "trans-afghan-railway" and r["destination"] == "Karachi"
    )
    assert railway["corridor"] == "Trans-Afghan railway (planned)"
