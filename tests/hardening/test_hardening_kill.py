"""Crash safety: real subprocesses killed with SIGKILL at random moments, several times.

- trade import: the store holds exactly the rows before the import, or exactly those after
  it (tests/trade kills once at a fixed point; here the moment varies and repeats);
- dataset activation: the served dataset is the old one or the new one, never a mix; an
  unpacked dataset directory is complete or absent;
- batch run: no output file, or a complete one; the rerun succeeds (batch has no resume: a
  rerun recomputes everything).

The moments are drawn from a seeded generator, so a failure can be replayed.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from service_helpers import MINI, mini_variant, zip_directory

from daliz.service import Settings
from daliz.service.app import build_context
from daliz.trade import store, synth

KILLS = 3
RNG = random.Random(20261125)


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    """A Python child in its own process group (so its helpers die with it)."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )


def wait_for(child: subprocess.Popen[str], word: str, timeout_s: float = 120) -> None:
    """Read the child's output until a line equal to `word` (fails if it exits first)."""
    assert child.stdout is not None
    deadline = time.monotonic() + timeout_s
    for line in child.stdout:
        if line.strip() == word:
            return
        assert time.monotonic() < deadline, f"no {word!r} within {timeout_s} s"
    pytest.fail(f"the child exited before printing {word!r} (code {child.wait()})")


def kill_group(child: subprocess.Popen[str]) -> bool:
    """SIGKILL the child's whole process group; True when it was still running."""
    running = child.poll() is None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=60)
    return running


# --------------------------------------------------------------------------- trade import
TRADE_CHILD = """
import sys
from pathlib import Path
from daliz.trade import store
with store.connect(Path(sys.argv[1])) as con:
    print("open", flush=True)
    store.import_file(con, Path(sys.argv[2]))
print("done", flush=True)
"""
TRADE_BASE = (
    "year,month,reporter,partner,flow,hs_code,value_usd,net_weight_kg,source\n"
    "2023,1,KZ,PK,X,1001,1000,5000,kz-bns\n"
    "2023,2,KZ,PK,X,1001,2000,9000,kz-bns\n"
    "2023,1,KZ,PK,M,0805,300,700,kz-bns\n"
)


def trade_state(db_path: Path) -> tuple[int, int, Any]:
    """(flows, imports, checksum of the first import's rows)."""
    with store.connect(db_path, read_only=True) as con:
        flows = store.scalar(con, "SELECT count(*) FROM trade_flow")
        imports = store.scalar(con, "SELECT count(*) FROM trade_import")
        checksum = store.scalar(
            con,
            "SELECT sum(hash(reporter, partner, flow, year, month, hs_code, value_usd)) "
            "FROM trade_flow WHERE import_id = 1",
        )
    return int(flows), int(imports), checksum


@pytest.mark.slow
def test_killed_trade_imports_leave_the_store_before_or_after(tmp_path: Path) -> None:
    db_path = tmp_path / "trade.duckdb"
    base = tmp_path / "base.csv"
    base.write_text(TRADE_BASE, encoding="utf-8")
    with store.connect(db_path) as con:
        store.import_file(con, base)
    rows = 150_000
    big = tmp_path / "big.csv"
    synth.write_comtrade_csv(big, rows=rows, seed=11)
    before = trade_state(db_path)
    after = (before[0] + rows, before[1] + 1, before[2])
    outcomes = []
    for _ in range(KILLS):
        child = spawn(TRADE_CHILD, str(db_path), str(big))
        wait_for(child, "open")
        time.sleep(RNG.uniform(0.0, 1.5))
        kill_group(child)
        state = trade_state(db_path)
        assert state in (before, after), f"partial import: {state}, before {before}"
        outcomes.append("after" if state == after else "before")
        if state == after:
            break
    # The store still works: the import completes (or finds it was already done).
    with store.connect(db_path) as con:
        store.import_file(con, big)
    assert trade_state(db_path) == after, outcomes
    print(f"trade import kills: {outcomes}")


# --------------------------------------------------------------------------- activation
ACTIVATE_CHILD = """
import sys
from pathlib import Path
from daliz.service import Settings
from daliz.service.app import build_context
settings = Settings(data_dir=Path(sys.argv[1]), dataset=sys.argv[2],
                    database_url=sys.argv[3], warm_up=False)
context = build_context(settings)
print("ready", flush=True)
context.datasets.activate(int(sys.argv[4]), None)
print("done", flush=True)
"""


def served_state(settings: Settings) -> tuple[list[tuple[int, int]], list[tuple[int, str]]]:
    """(activations as (id, dataset), records as (id, status)); checks the active one loads.

    Reads the database without the start-up registration (which would activate the
    configured dataset again).
    """
    from sqlalchemy import select

    from daliz.service.datasets import DatasetManager
    from daliz.service.db import make_engine, session_factory
    from daliz.service.models import Activation, DatasetRecord

    engine = make_engine(settings.resolved_database_url())
    sessions = session_factory(engine)
    try:
        with sessions() as session:
            activations = [
                (a.id, a.dataset_id)
                for a in session.scalars(select(Activation).order_by(Activation.id))
            ]
            records = [
                (r.id, r.status)
                for r in session.scalars(select(DatasetRecord).order_by(DatasetRecord.id))
            ]
        network = DatasetManager(settings, sessions).network()
        assert network.info.version in ("test-1", "test-7")
    finally:
        engine.dispose()
    return activations, records


@pytest.mark.slow
def test_killed_activation_serves_the_old_or_the_new_dataset(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    url = f"sqlite:///{tmp_path / 'service.db'}"
    settings = Settings(data_dir=data_dir, dataset=str(MINI), database_url=url, warm_up=False)
    context = build_context(settings)
    archive = zip_directory(mini_variant(tmp_path / "v7", version="test-7"))
    record, _created = context.datasets.upload(archive, "v7.zip", "kill test", None)
    context.engine.dispose()
    before = served_state(settings)
    assert before[0][-1][1] != record.id
    cache = settings.dataset_cache_dir()
    # How long an activation takes here: measured on a copy, so kills land inside it.
    shutil.copy(tmp_path / "service.db", tmp_path / "probe.db")
    probe = spawn(ACTIVATE_CHILD, str(tmp_path / "probe"), str(MINI),
                  f"sqlite:///{tmp_path / 'probe.db'}", str(record.id))  # fmt: skip
    wait_for(probe, "ready")
    started = time.monotonic()
    wait_for(probe, "done")
    duration_s = time.monotonic() - started
    probe.wait(timeout=60)
    outcomes = []
    for _ in range(KILLS + 1):
        shutil.rmtree(cache, ignore_errors=True)  # the child must unpack the archive again
        child = spawn(ACTIVATE_CHILD, str(data_dir), str(MINI), url, str(record.id))
        wait_for(child, "ready")
        time.sleep(RNG.uniform(0.0, duration_s))
        kill_group(child)
        activations, records = served_state(settings)
        assert records == before[1], "dataset records changed"
        if activations == before[0]:
            outcomes.append("before")
        else:
            assert activations[:-1] == before[0] and activations[-1][1] == record.id
            outcomes.append("after")
            break
        # An unpacked directory is whole or absent (staging directories are not served).
        target = cache / (record.archive_sha256 or "")
        if target.exists():
            assert sorted(p.name for p in target.iterdir()) == sorted(
                p.name for p in MINI.iterdir() if "__pycache__" not in p.name
            )
    # Activation still works after the kills.
    if outcomes[-1] == "before":
        context = build_context(settings)
        context.datasets.activate(record.id, None)
        context.engine.dispose()
    assert served_state(settings)[0][-1][1] == record.id
    print(f"activation kills: {outcomes} (an activation takes {duration_s:.2f} s)")


# --------------------------------------------------------------------------- batch
FLOWS = """origin,destination,commodity,tonnes,date
Shymkent,Karachi,wheat,500,2027-03-01
Shymkent,Peshawar,wheat,300,2027-03-04
Tashkent,Karachi,medicines,20,2027-03-02
=HYPERLINK("http://evil.example"),Karachi,wheat,10,2027-03-01
"""


def batch_command(flows: Path, out: Path) -> list[str]:
    return [
        "-m", "daliz", "batch", str(flows), "--out", str(out), "--dataset", str(MINI),
        "--workers", "1", "--draws", "200",
    ]  # fmt: skip


@pytest.mark.slow
def test_killed_batch_leaves_no_partial_output_and_reruns(tmp_path: Path) -> None:
    flows = tmp_path / "flows.csv"
    header, *lines = FLOWS.splitlines(keepends=True)
    flows.write_text(header + "".join(lines) * 10, encoding="utf-8")  # 40 flows
    out = tmp_path / "results.csv"
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, *batch_command(flows, out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(RNG.uniform(1.0, 6.0))
        running = child.poll() is None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        if out.exists():  # the kill came after the rename (or the run had finished): whole
            import pandas as pd

            assert len(pd.read_csv(out, dtype=str, keep_default_na=False)) == 40, running
            out.unlink()
    done = subprocess.run(
        [sys.executable, *batch_command(flows, out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    import pandas as pd

    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(frame) == 40  # one row per flow on the base dataset
    # Formula injection: the hostile origin is written as text, not as a formula.
    hostile = frame[frame["origin"].str.contains("HYPERLINK")]
    assert len(hostile) == 10
    assert all(v.startswith("'=") for v in hostile["origin"])
    assert not any(str(v).startswith(("=", "+", "@")) for v in frame.to_numpy().ravel())
