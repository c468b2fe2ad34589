"""The load test of bench/load_service.py, shortened for CI: a real `daliz serve` on loopback,
32 concurrent clients, a cold and a repeated mix of plans on the bundled dataset.

No latency thresholds here (the machine running CI is shared and its speed varies); the
figures go to docs/security.md from full bench runs. This checks what must hold anywhere:
every request answered 200, the server alive at the end, memory bounded.
"""

from __future__ import annotations

import shutil

import pytest
from hardening_helpers import load_bench


@pytest.mark.slow
def test_short_load_run_has_no_errors() -> None:
    bench = load_bench()
    report = bench.run(seconds=5.0, clients=32, workers=1, mixes=("cold", "repeated"))
    bench._print(report)
    assert report["server_alive_at_end"]
    for mix in report["mixes"]:
        assert mix["requests"] > 0, mix
        assert mix["errors"] == 0, mix["error_samples"]
        assert mix["statuses"] == {"200": mix["requests"]}
        # Bounded memory: the plan cache holds at most 128 plans (~0.6 MB each); a leak of the
        # ~100 kB answers would grow with the request count instead.
        assert mix["rss_after_mb"] < report["rss_at_start_mb"] + 400, mix


@pytest.mark.slow
def test_short_load_run_with_wrk_has_no_errors() -> None:
    """The bench's wrk client (what the README figures use) on the mixed mix."""
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (scripts/system-deps.sh installs it)")
    bench = load_bench()
    report = bench.run(seconds=4.0, clients=32, workers=1, mixes=("mixed",), client="wrk")
    bench._print(report)
    assert report["server_alive_at_end"]
    (mix,) = report["mixes"]
    assert mix["requests"] > 0 and mix["errors"] == 0, mix
    assert mix["statuses"] == {"200": mix["requests"]}


@pytest.mark.slow
def test_two_workers_share_the_connections_evenly() -> None:
    """`daliz serve --workers 2`: the workers even out the 32 client connections (the kernel
    alone split them up to 30 / 2), and closing connections to do so loses no request."""
    client = "wrk" if shutil.which("wrk") else "httpx"
    bench = load_bench()
    report = bench.run(seconds=6.0, clients=32, workers=2, mixes=("cold",), client=client)
    bench._print(report)
    assert report["server_alive_at_end"]
    (mix,) = report["mixes"]
    assert mix["requests"] > 0 and mix["errors"] == 0, mix
    held = mix["connections"]  # per worker, halfway through the run
    assert len(held) == 2 and sum(held) >= 28, held
    assert max(held) <= 20, held
    # The supervising parent imports neither the app nor the planner (it was ~210 MB).
    assert report["parent_rss_mb"] < 100, report["parent_rss_mb"]
