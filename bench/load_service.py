"""Load test of the web service: concurrent clients planning against a real `daliz serve`.

Run:  .venv/bin/python bench/load_service.py [--seconds 60] [--clients 32] [--workers 1]
                [--mix all|cold|repeated|mixed] [--new-share 0.1] [--client auto|wrk|httpx]
                [--no-cache] [--json]

Starts `daliz serve` as a subprocess on 127.0.0.1 (a free port, a temporary data directory, the
bundled dataset), waits until it answers, then runs each mix for `--seconds` with `--clients`
concurrent clients, each sending its next `POST /api/v1/plan` as soon as the last one is
answered (closed loop), and prints per mix: requests, throughput, latency p50/p90/p99/max,
errors (any answer other than 200, or a transport error), the server's RSS (all its processes)
before and after, and the CPU seconds of server and client. Only loopback is used; the run is
bounded by `--seconds` per mix.

Mixes (origin, destination, commodity combinations of the bundled dataset):
- cold: every request is new (tonnes and departure date vary), so none is served from the
  plan cache: the cost of real planning;
- repeated: a fixed set of requests, cycled: after the first round every answer comes from
  the plan cache (the realistic case of popular questions);
- mixed: each request is new with probability `--new-share` (default 0.1), else a popular
  (repeated) question.

Clients: `wrk` (C, from Debian's `wrk` package; used when installed) takes a few percent of a
core, so the server gets the machine; `httpx` (async Python, always available, used by the CI
test) takes most of one of the two cores, which halves what the server can show.
The server's rate limit is turned off for the run (one address sends everything); pass
`--rate-limit` to keep the server's default and see 429s counted as errors.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

# (origin, destination, commodity, tonnes) on the bundled dataset; each plans 2+ alternatives.
COMBOS: list[tuple[str, str, str, float]] = [
    ("Kostanay", "Karachi", "wheat", 500.0),
    ("Almaty", "Lahore", "wheat", 120.0),
    ("Astana", "Karachi", "buckwheat", 60.0),
    ("Karachi", "Almaty", "citrus-kinnow", 200.0),
    ("Tashkent", "Peshawar", "onion", 80.0),
    ("Shymkent", "Karachi", "wheat", 500.0),
    ("Karachi", "Astana", "medicines", 20.0),
    ("Lahore", "Almaty", "textiles", 40.0),
    ("Pavlodar", "Islamabad", "flat-rolled-steel", 300.0),
    ("Sialkot", "Almaty", "medical-instruments", 5.0),
    ("Aktobe", "Karachi", "fertiliser", 1000.0),
    ("Sargodha", "Karaganda", "citrus-kinnow", 100.0),
]
FIRST_DAY = dt.date(2027, 1, 4)


def repeated_requests() -> list[dict[str, Any]]:
    """The repeated mix: each combination once, departing on one fixed date."""
    return [
        {"origin": o, "destination": d, "commodity": c, "tonnes": t, "date": "2027-03-01"}
        for o, d, c, t in COMBOS
    ]


def cold_requests() -> Iterator[dict[str, Any]]:
    """The cold mix: endless distinct requests (tonnes and date vary), never a cache hit."""
    for number in itertools.count():
        o, d, c, t = COMBOS[number % len(COMBOS)]
        day = FIRST_DAY + dt.timedelta(days=(number // len(COMBOS)) % 360)
        yield {
            "origin": o,
            "destination": d,
            "commodity": c,
            "tonnes": round(t * (0.5 + (number % 997) / 997), 3),
            "date": day.isoformat(),
        }


def mixed_requests(new_share: float, seed: int = 7) -> Iterator[dict[str, Any]]:
    """The mixed mix: each request is new with probability `new_share` (seeded), else one of
    the repeated ones. Independent draws, so any subsequence (e.g. the bodies one wrk thread
    takes: every other one) has the same share of new requests."""
    rng = random.Random(seed)
    cold, popular = cold_requests(), itertools.cycle(repeated_requests())
    while True:
        yield next(cold) if rng.random() < new_share else next(popular)


def requests_of(mix: str, new_share: float) -> Iterator[dict[str, Any]]:
    """The endless request bodies of a mix."""
    if mix == "cold":
        return cold_requests()
    if mix == "mixed":
        return mixed_requests(new_share)
    return itertools.cycle(repeated_requests())


# --------------------------------------------------------------------------- the server
def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running `daliz serve` subprocess."""

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def parent_rss_bytes(self) -> int:
        """Resident memory of the server's first process (with --workers N: the supervisor)."""
        try:
            return int(psutil.Process(self.process.pid).memory_info().rss)
        except psutil.NoSuchProcess:
            return 0

    def rss_bytes(self) -> int:
        """Resident memory of the server and all its worker processes."""
        try:
            root = psutil.Process(self.process.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for proc in processes:
            try:
                total += proc.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server and its worker processes."""
        try:
            root = psutil.Process(self.process.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0.0
        total = 0.0
        for proc in processes:
            try:
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def alive(self) -> bool:
        return self.process.poll() is None

    def connections_per_worker(self) -> list[int]:
        """Open client connections held by each process that holds any (largest first).

        With `--workers N` the kernel hands each new connection to whichever worker accepts
        first; a closed-loop client keeps its connection, so an uneven split means uneven
        queues (and the p99 follows the busiest worker)."""
        try:
            root = psutil.Process(self.process.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
        port = int(self.base_url.rsplit(":", 1)[1])
        counts = []
        for proc in processes:
            try:
                held = [
                    c for c in proc.net_connections("tcp")
                    if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port
                ]  # fmt: skip
            except psutil.Error:
                continue
            if held:
                counts.append(len(held))
        return sorted(counts, reverse=True)


@contextmanager
def running_server(
    *,
    workers: int = 1,
    cache: bool = True,
    rate_limit: bool = False,
    extra_env: dict[str, str] | None = None,
    start_timeout_s: float = 120.0,
) -> Iterator[Server]:
    """`daliz serve` on a free loopback port with a throw-away data directory."""
    with tempfile.TemporaryDirectory(prefix="daliz-load-") as tmp:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("DALIZ_")}
        env.update({"DALIZ_DATA_DIR": str(Path(tmp) / "data"), "PYTHONUNBUFFERED": "1"})
        if not rate_limit:
            env["DALIZ_RATE_LIMIT_PER_MINUTE"] = "0"
        if not cache:
            env["DALIZ_PLAN_CACHE_SIZE"] = "0"
        env.update(extra_env or {})
        log_path = Path(tmp) / "server.log"
        command = [
            sys.executable, "-m", "daliz", "serve",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        ]  # fmt: skip
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        server = Server(process, f"http://127.0.0.1:{port}", log_path)
        try:
            _wait_ready(server, start_timeout_s)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def _wait_ready(server: Server, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(
                "daliz serve exited while starting:\n" + server.log_path.read_text()[-3000:]
            )
        try:
            if httpx.get(f"{server.base_url}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"daliz serve did not answer within {timeout_s:g} s")


# --------------------------------------------------------------------------- the load
@dataclass
class MixReport:
    """What one mix measured."""

    mix: str
    clients: int
    seconds: float
    requests: int
    errors: int
    statuses: dict[str, int]
    throughput_rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    rss_before_mb: float
    rss_after_mb: float
    server_cpu_s: float
    client_cpu_s: float
    rss_mid_mb: float = float("nan")  # halfway through: caches fill early, then RSS must hold
    connections: list[int] = field(default_factory=list)  # per worker, halfway through
    error_samples: list[str] = field(default_factory=list)


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


async def _run_mix(
    base_url: str,
    mix: str,
    clients: int,
    seconds: float,
    headers: dict[str, str],
    new_share: float = 0.1,
) -> tuple[list[float], Counter[str], list[str], float]:
    requests_ = requests_of(mix, new_share)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    samples: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base_url, timeout=60.0, limits=limits, headers=headers
    ) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def one_client() -> None:
            while time.perf_counter() < deadline:
                body = next(requests_)
                t0 = time.perf_counter()
                try:
                    answer = await client.post("/api/v1/plan", json=body)
                    await answer.aread()
                    status = str(answer.status_code)
                    if answer.status_code != 200 and len(samples) < 5:
                        samples.append(f"{status}: {answer.text[:300]}")
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                    if len(samples) < 5:
                        samples.append(f"{status}: {exc}")
                latencies.append(time.perf_counter() - t0)
                statuses[status] += 1

        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return latencies, statuses, samples, elapsed


# The wrk client: a Lua script sends the same bodies as the Python generators above.
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept-Encoding"] = "gzip"
local bodies = {BODIES}
local cycle = {CYCLE}
local nthreads = {THREADS}
local threads = {{}}
local counter = 0
setup = function(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
request = function()
  -- threads interleave one sequence (0, 2, 4 … and 1, 3, 5 …), so no body repeats by accident
  local n = counter * nthreads + tid
  counter = counter + 1
  return wrk.format(nil, "/api/v1/plan", nil, bodies[(n % cycle) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{{"requests": %d, "non2xx": %d, "socket_errors": %d, "seconds": %.3f, ' ..
    '"p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}}\\n',
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""
WRK_THREADS = 2


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_script(mix: str, new_share: float, seconds: float, clients: int) -> str:
    """The Lua script for wrk with the mix's request bodies.

    wrk cycles through them. A cycle of 20,000 bodies holds far more distinct new requests than
    the plan cache keeps (128 per worker), so a 'new' body met again has long been evicted and
    is planned again: cycling never turns new requests into cache hits.
    """
    count = len(COMBOS) if mix == "repeated" else 20_000
    bodies = [
        json.dumps(b, separators=(",", ":"))
        for b in itertools.islice(requests_of(mix, new_share), count)
    ]
    # The template doubles the braces of Lua tables; undo that before inserting the bodies.
    template = WRK_SCRIPT.replace("{{", "{").replace("}}", "}")
    return (
        template.replace("{BODIES}", "{" + ",".join(_lua_string(b) for b in bodies) + "}")
        .replace("{CYCLE}", str(len(bodies)))
        .replace("{THREADS}", str(WRK_THREADS))
    )


def _run_wrk(
    base_url: str, mix: str, clients: int, seconds: float, new_share: float
) -> tuple[dict[str, Any], float]:
    """Run wrk for one mix; its summary and the CPU seconds it used."""
    with tempfile.TemporaryDirectory(prefix="daliz-wrk-") as tmp:
        script = Path(tmp) / "mix.lua"
        script.write_text(wrk_script(mix, new_share, seconds, clients))
        command = [
            "wrk", f"-t{WRK_THREADS}", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "60s",
            "-s", str(script), base_url,
        ]  # fmt: skip
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        out = proc.stdout.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise RuntimeError(f"wrk failed ({status}): {out[-2000:]}")
    summary = json.loads(out.strip().splitlines()[-1])
    return summary, usage.ru_utime + usage.ru_stime


def run_mix(
    server: Server,
    mix: str,
    *,
    clients: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    new_share: float = 0.1,
    client: str = "httpx",
) -> MixReport:
    """Run one mix against `server` and report it."""
    if client == "wrk":
        return _run_mix_wrk(server, mix, clients=clients, seconds=seconds, new_share=new_share)
    rss_before = server.rss_bytes()
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    with rss_midway(server, seconds) as rss_mid:
        latencies, statuses, samples, elapsed = asyncio.run(
            _run_mix(server.base_url, mix, clients, seconds, headers or {}, new_share)
        )
    server_cpu, client_cpu = server.cpu_seconds() - server_cpu, time.process_time() - client_cpu
    rss_after = server.rss_bytes()
    ordered = sorted(latencies)
    errors = sum(n for status, n in statuses.items() if status != "200")
    return MixReport(
        mix=mix,
        clients=clients,
        seconds=round(elapsed, 2),
        requests=len(latencies),
        errors=errors,
        statuses=dict(statuses),
        throughput_rps=round(len(latencies) / elapsed, 1) if elapsed > 0 else 0.0,
        p50_ms=round(1000 * _percentile(ordered, 0.50), 1),
        p90_ms=round(1000 * _percentile(ordered, 0.90), 1),
        p99_ms=round(1000 * _percentile(ordered, 0.99), 1),
        max_ms=round(1000 * ordered[-1], 1) if ordered else float("nan"),
        **_server_figures(rss_before, rss_mid, rss_after, server_cpu),
        client_cpu_s=round(client_cpu, 1),
        error_samples=samples,
    )


def _server_figures(
    rss_before: int, rss_mid: list[Any], rss_after: int, server_cpu_s: float
) -> dict[str, Any]:
    """The server's side of a mix report: memory before, halfway and after, connections per
    worker halfway, CPU seconds."""
    return {
        "rss_before_mb": round(rss_before / 2**20, 1),
        "rss_mid_mb": round(rss_mid[0] / 2**20, 1) if rss_mid else float("nan"),
        "rss_after_mb": round(rss_after / 2**20, 1),
        "connections": rss_mid[1] if rss_mid else [],
        "server_cpu_s": round(server_cpu_s, 1),
    }


@contextmanager
def rss_midway(server: Server, seconds: float) -> Iterator[list[Any]]:
    """[RSS, connections per worker] of the server halfway through a run of `seconds`
    (filled by a timer thread)."""
    taken: list[Any] = []

    def take() -> None:
        taken.extend([server.rss_bytes(), server.connections_per_worker()])

    timer = threading.Timer(seconds / 2, take)
    timer.start()
    try:
        yield taken
    finally:
        timer.cancel()


def _run_mix_wrk(
    server: Server, mix: str, *, clients: int, seconds: float, new_share: float
) -> MixReport:
    rss_before = server.rss_bytes()
    server_cpu = server.cpu_seconds()
    with rss_midway(server, seconds) as rss_mid:
        summary, client_cpu = _run_wrk(server.base_url, mix, clients, seconds, new_share)
    server_cpu = server.cpu_seconds() - server_cpu
    rss_after = server.rss_bytes()
    requests_, bad = int(summary["requests"]), int(summary["non2xx"])
    socket_errors = int(summary["socket_errors"])
    elapsed = float(summary["seconds"])
    statuses = {"200": requests_ - bad}
    if bad:
        statuses["non-2xx"] = bad
    if socket_errors:
        statuses["socket errors"] = socket_errors
    return MixReport(
        mix=mix,
        clients=clients,
        seconds=round(elapsed, 2),
        requests=requests_,
        errors=bad + socket_errors,
        statuses=statuses,
        throughput_rps=round(requests_ / elapsed, 1) if elapsed > 0 else 0.0,
        p50_ms=round(float(summary["p50_ms"]), 1),
        p90_ms=round(float(summary["p90_ms"]), 1),
        p99_ms=round(float(summary["p99_ms"]), 1),
        max_ms=round(float(summary["max_ms"]), 1),
        **_server_figures(rss_before, rss_mid, rss_after, server_cpu),
        client_cpu_s=round(client_cpu, 1),
    )


def warm(server: Server) -> None:
    """One plan of each combination, so the first mix does not pay for first-time work."""
    with httpx.Client(base_url=server.base_url, timeout=120) as client:
        for body in repeated_requests():
            answer = client.post("/api/v1/plan", json={**body, "date": "2026-12-01"})
            if answer.status_code != 200:
                raise RuntimeError(f"warm-up plan failed: {answer.status_code} {answer.text[:300]}")


def run(
    *,
    seconds: float = 60.0,
    clients: int = 32,
    workers: int = 1,
    mixes: tuple[str, ...] = ("cold", "repeated"),
    cache: bool = True,
    rate_limit: bool = False,
    new_share: float = 0.1,
    client: str = "httpx",
    server_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Start a server, warm it, run each mix; the report as a JSON-ready dict."""
    with running_server(
        workers=workers, cache=cache, rate_limit=rate_limit, extra_env=server_env
    ) as server:
        rss_start, parent_rss = server.rss_bytes(), server.parent_rss_bytes()
        warm(server)
        reports = [
            run_mix(
                server, mix, clients=clients, seconds=seconds, new_share=new_share, client=client
            )
            for mix in mixes
        ]
        alive = server.alive()
    return {
        "workers": workers,
        "server_env": server_env or {},
        "client": client,
        "new_share": new_share,
        "cache": cache,
        "cpu_count": os.cpu_count(),
        "rss_at_start_mb": round(rss_start / 2**20, 1),
        "parent_rss_mb": round(parent_rss / 2**20, 1),
        "server_alive_at_end": alive,
        "mixes": [asdict(r) for r in reports],
    }


def _print(report: dict[str, Any]) -> None:
    cache = "on" if report["cache"] else "off"
    print(
        f"daliz serve --workers {report['workers']}  plan cache {cache}  client "
        f"{report.get('client', 'httpx')}  mixed: {report.get('new_share', 0.1):.0%} new"
        f"  ({report['cpu_count']} CPUs; RSS at start {report['rss_at_start_mb']} MB, of which"
        f" the first process {report['parent_rss_mb']} MB)"
        + "".join(f"  {k}={v}" for k, v in report.get("server_env", {}).items())
    )
    head = (
        f"{'mix':<9}{'clients':>8}{'s':>7}{'requests':>10}{'req/s':>8}{'p50 ms':>9}"
        f"{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}{'RSS MB before→mid→after':>27}"
        f"{'CPU s server / client':>24}  connections per worker"
    )
    print(head)
    for m in report["mixes"]:
        print(
            f"{m['mix']:<9}{m['clients']:>8}{m['seconds']:>7.1f}{m['requests']:>10}"
            f"{m['throughput_rps']:>8.1f}{m['p50_ms']:>9.1f}{m['p90_ms']:>9.1f}{m['p99_ms']:>9.1f}"
            f"{m['max_ms']:>9.1f}{m['errors']:>8}"
            f"{m['rss_before_mb']:>11.1f} → {m.get('rss_mid_mb', float('nan')):>6.1f}"
            f" → {m['rss_after_mb']:>6.1f}"
            f"{m['server_cpu_s']:>13.1f} / {m['client_cpu_s']:<6.1f}"
            f"  {'/'.join(str(n) for n in m.get('connections', [])) or '-'}"
        )
        for sample in m["error_samples"]:
            print(f"    error: {sample}")
    if not report["server_alive_at_end"]:
        print("THE SERVER DIED during the run")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of each mix")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=1, help="daliz serve --workers")
    parser.add_argument(
        "--mix", choices=("all", "both", "cold", "repeated", "mixed"), default="all",
        help="all: cold, mixed and repeated; both: cold and repeated",
    )  # fmt: skip
    parser.add_argument(
        "--new-share", type=float, default=0.1, help="share of new requests in the mixed mix"
    )
    parser.add_argument(
        "--client", choices=("auto", "wrk", "httpx"), default="auto",
        help="load generator (auto: wrk when installed)",
    )  # fmt: skip
    parser.add_argument("--no-cache", action="store_true", help="DALIZ_PLAN_CACHE_SIZE=0")
    parser.add_argument("--rate-limit", action="store_true", help="keep the server's rate limit")
    parser.add_argument(
        "--server-env", action="append", default=[], metavar="DALIZ_X=VALUE",
        help="a setting for the server (repeatable), e.g. DALIZ_MAX_CONCURRENT_PLANS=1",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    mixes = {"all": ("cold", "mixed", "repeated"), "both": ("cold", "repeated")}.get(
        args.mix, (args.mix,)
    )
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "httpx"
    elif client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    report = run(
        seconds=args.seconds,
        clients=args.clients,
        workers=args.workers,
        mixes=mixes,
        cache=not args.no_cache,
        rate_limit=args.rate_limit,
        new_share=args.new_share,
        client=client,
        server_env=dict(item.split("=", 1) for item in args.server_env),
    )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)
    failed = not report["server_alive_at_end"] or any(m["errors"] for m in report["mixes"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
