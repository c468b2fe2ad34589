"""Keep each worker of `daliz serve --workers N` at about its share of the client connections.

Why: a client keeps its connection open (HTTP keep-alive) and each worker plans for the
connections it accepted, first come first served. The kernel hands a burst of new connections
to whichever worker wakes first — measured 26/6 and 30/2 of 32 load-test clients on two
workers — so the busier worker's queue set the p99 while the other idled.

How: the workers share a board, a small memory-mapped file with one slot per worker holding
how many client connections it served within the last second. A worker above its share
(⌈all connections / live workers⌉) answers the current request normally but with
`Connection: close`; the client reconnects and the kernel hands the new connection to a worker
again. Every HTTP/1.1 client handles `Connection: close`. Once the shares are even nothing is
closed. A connection is known by the client's (address, port); behind a proxy that rewrites the
client address without a port, connections merge and the balancer under-counts (it then closes
nothing).
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import mmap
import os
import struct
import time
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SLOT = struct.Struct("<qqd")  # pid, connections, published at (time.time(), s)
SLOTS = 64  # more workers than this share the last slots' fate: they are not balanced
BOARD_BYTES = SLOT.size * SLOTS
WINDOW_S = 1.0  # a connection counts while it sent a request within this many seconds
PUBLISH_S = 0.2  # how often a worker refreshes its slot and reads the others
CONNECTION_CLOSE = (b"connection", b"close")


def create_board(path: Path) -> Path:
    """Create an empty board file (by the parent, before it starts the workers)."""
    path.write_bytes(bytes(BOARD_BYTES))
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's (a reused pid): not ours, but not free
        return True
    return True


class WorkerBoard:
    """This worker's slot on the shared board, and the others' published counts."""

    def __init__(self, path: Path, pid: int | None = None) -> None:
        self.pid = os.getpid() if pid is None else pid  # another pid: for tests
        with open(path, "r+b") as file:
            if os.fstat(file.fileno()).st_size != BOARD_BYTES:
                raise ValueError(f"{path} is not a worker board ({BOARD_BYTES} bytes)")
            self._map = mmap.mmap(file.fileno(), BOARD_BYTES)
            fcntl.flock(file, fcntl.LOCK_EX)  # claiming a slot is the only write that races
            try:
                self.slot = self._claim()
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    def _claim(self) -> int:
        free = SLOTS - 1
        for slot in range(SLOTS):
            pid, _, _ = SLOT.unpack_from(self._map, slot * SLOT.size)
            if pid == self.pid or pid == 0 or not _alive(pid):
                free = slot
                break
        SLOT.pack_into(self._map, free * SLOT.size, self.pid, 0, time.time())
        return free

    def publish(self, connections: int, now: float) -> None:
        """Write this worker's connection count (`now`: time.time())."""
        SLOT.pack_into(self._map, self.slot * SLOT.size, self.pid, connections, now)

    def counts(self, now: float, *, include_self: bool = True) -> list[int]:
        """Connections of every live worker (a count not refreshed for a while reads as 0)."""
        found = []
        for slot in range(SLOTS):
            pid, connections, at = SLOT.unpack_from(self._map, slot * SLOT.size)
            if pid == 0 or (pid == self.pid and not include_self):
                continue
            if pid != self.pid and not _alive(pid):
                continue
            fresh = now - at <= WINDOW_S + 2 * PUBLISH_S
            found.append(connections if fresh else 0)
        return found

    def close(self) -> None:
        """Free the slot (a worker that stops)."""
        with contextlib.suppress(ValueError):  # already closed
            SLOT.pack_into(self._map, self.slot * SLOT.size, 0, 0, 0.0)
            self._map.close()


class ConnectionBalancer:
    """Decides, per request, whether this worker should close the client's connection."""

    def __init__(self, board: WorkerBoard) -> None:
        self.board = board
        self.seen: dict[tuple[str, int], float] = {}  # connection → last request (monotonic)
        self.others: list[int] = []  # the other live workers' connections (last refresh)
        self._next_refresh = 0.0
        self._closed_since_refresh = 0  # counted as the others' until they publish again
        self.closed = 0  # connections closed so far

    def should_close(self, client: tuple[str, int], now: float | None = None) -> bool:
        """Note a request of `client`; True if its connection should close after the answer.

        Closes when this worker holds more than its share, ⌈all connections / live workers⌉.
        The others' counts are up to PUBLISH_S old, so connections closed since they were read
        count as theirs (where they will probably be); else a burst of new connections would
        be closed down to this worker's share of the stale total.
        """
        now = time.monotonic() if now is None else now
        self.seen[client] = now
        if now >= self._next_refresh:
            self.refresh(now)
        if not self.others:
            return False
        mine = len(self.seen)
        total = mine + sum(self.others) + self._closed_since_refresh
        if mine <= math.ceil(total / (len(self.others) + 1)):
            return False
        del self.seen[client]  # it reconnects as a new connection, maybe to another worker
        self._closed_since_refresh += 1
        self.closed += 1
        return True

    def refresh(self, now: float) -> None:
        """Forget connections quiet for WINDOW_S, publish the count, read the others'."""
        self._next_refresh = now + PUBLISH_S
        self._closed_since_refresh = 0
        old = now - WINDOW_S
        for client in [c for c, at in self.seen.items() if at < old]:
            del self.seen[client]
        wall = time.time()
        self.board.publish(len(self.seen), wall)
        self.others = self.board.counts(wall, include_self=False)


class BalanceMiddleware:
    """Adds `Connection: close` to answers on connections this worker holds beyond its share."""

    def __init__(self, app: ASGIApp, balancer: ConnectionBalancer) -> None:
        self.app = app
        self.balancer = balancer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or not client or not self.balancer.should_close(tuple(client)):
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), CONNECTION_CLOSE]
            await send(message)

        await self.app(scope, receive, send_closing)
