"""Connection balancing between the workers of `daliz serve --workers N` (daliz.service.balance).

The board is a real memory-mapped file shared by WorkerBoard instances; workers are told apart
by pid (this process and its parent stand for two live workers; an exited child for a dead one).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from daliz.service.app import create_app
from daliz.service.balance import (
    BOARD_BYTES,
    PUBLISH_S,
    WINDOW_S,
    ConnectionBalancer,
    WorkerBoard,
    create_board,
)
from daliz.service.settings import Settings


@pytest.fixture
def board_path(tmp_path: Path) -> Path:
    return create_board(tmp_path / "workers.board")


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_workers_claim_their_own_slots_and_read_each_other(board_path: Path) -> None:
    me = WorkerBoard(board_path)
    other = WorkerBoard(board_path, pid=os.getppid())
    assert me.slot != other.slot
    me.publish(5, now=1000.0)
    other.publish(3, now=1000.0)
    assert sorted(me.counts(now=1000.5)) == [3, 5]
    assert me.counts(now=1000.5, include_self=False) == [3]
    # A count not refreshed within the window reads as 0: that worker has gone quiet.
    assert sorted(me.counts(now=1000.0 + WINDOW_S + 3 * PUBLISH_S)) == [0, 0]
    other.close()
    assert me.counts(now=1000.5) == [5]


def test_a_dead_workers_slot_is_ignored_and_reused(board_path: Path) -> None:
    dead_pid = _dead_pid()
    dead = WorkerBoard(board_path, pid=dead_pid)
    dead.publish(30, now=1000.0)
    me = WorkerBoard(board_path)
    assert me.slot == dead.slot  # the first free slot: the dead worker's
    me.publish(2, now=1000.0)
    assert me.counts(now=1000.1) == [2]


def test_a_file_that_is_not_a_board_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other"
    path.write_bytes(b"x" * (BOARD_BYTES - 1))
    with pytest.raises(ValueError, match="not a worker board"):
        WorkerBoard(path)


def test_a_worker_above_its_share_closes_connections_until_even(board_path: Path) -> None:
    other = WorkerBoard(board_path, pid=os.getppid())
    balancer = ConnectionBalancer(WorkerBoard(board_path))
    clients = [("127.0.0.1", 40000 + i) for i in range(8)]
    other.publish(0, now=time.time())
    # Nothing on the other worker: every second new connection beyond the first is closed
    # (and counted as the other worker's until it publishes again): 4 / 4.
    decisions = [balancer.should_close(c, now=100.0) for c in clients]
    assert decisions == [False, True, False, True, False, True, False, True]
    assert balancer.closed == 4 and len(balancer.seen) == 4
    # The closed ones reconnected there and it published: even, nothing more closes here.
    other.publish(4, now=time.time())
    balancer.refresh(100.0 + PUBLISH_S)
    kept = [c for c, closed in zip(clients, decisions, strict=True) if not closed]
    assert not any(balancer.should_close(c, now=100.3) for c in kept)
    # One more here makes 5 / 4: ⌈9 / 2⌉ = 5, still its share; a sixth is one too many.
    assert not balancer.should_close(("127.0.0.1", 41000), now=100.3)
    assert balancer.should_close(("127.0.0.1", 41001), now=100.3)
    assert balancer.closed == 5


def test_connections_idle_for_a_window_stop_counting(board_path: Path) -> None:
    balancer = ConnectionBalancer(WorkerBoard(board_path))
    for port in range(3):
        balancer.should_close(("10.0.0.1", port), now=10.0)
    assert len(balancer.seen) == 3
    balancer.should_close(("10.0.0.1", 99), now=10.0 + WINDOW_S + PUBLISH_S)
    assert list(balancer.seen) == [("10.0.0.1", 99)]


def test_a_single_worker_never_closes(board_path: Path) -> None:
    balancer = ConnectionBalancer(WorkerBoard(board_path))
    assert not any(balancer.should_close(("127.0.0.1", p), now=1.0 + p) for p in range(50))


def test_the_service_closes_beyond_its_share_and_still_answers(
    board_path: Path, make_settings: Callable[..., Settings]
) -> None:
    """Through the app: answers past the share carry `Connection: close` and a full body."""
    other = WorkerBoard(board_path, pid=os.getppid())
    other.publish(0, now=time.time())
    app = create_app(make_settings(worker_board=str(board_path), warm_up=False))
    closing = []
    for port in range(6):
        client = TestClient(app, client=("127.0.0.1", 50000 + port))
        answer = client.get("/api/v1/health")
        assert answer.status_code == 200 and answer.json()["status"] == "ok"
        closing.append(answer.headers.get("connection") == "close")
    # Six connections here, none there: every second one is closed (it goes there).
    assert closing == [False, True, False, True, False, True]


def test_without_a_board_nothing_is_closed(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(warm_up=False))
    for port in range(6):
        answer = TestClient(app, client=("127.0.0.1", port)).get("/api/v1/health")
        assert answer.status_code == 200 and "connection" not in answer.headers


def test_a_missing_board_is_a_warning_not_a_failure(
    tmp_path: Path, make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(make_settings(worker_board=str(tmp_path / "gone.board"), warm_up=False))
    assert "not balanced" in caplog.text
    answer = TestClient(app, client=("127.0.0.1", 1)).get("/api/v1/health")
    assert answer.status_code == 200 and "connection" not in answer.headers
