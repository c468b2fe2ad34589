"""Rate limiting (token buckets, 429 problem+json) and the plan cache of the service."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest
from fastapi.testclient import TestClient
from hardening_helpers import app_of, make_keys
from service_helpers import WHEAT, bearer, mini_variant, zip_directory

from daliz.errors import NoRouteError
from daliz.planning import PlanRequest
from daliz.service.plancache import CachedPlan, PlanCache, plan_key
from daliz.service.ratelimit import TokenBuckets


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --------------------------------------------------------------------------- token buckets
def test_bucket_allows_a_burst_then_the_rate() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(rate_per_s=2.0, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)  # one token back in 1/2 s
    assert buckets.take("b") == 0.0  # another identity has its own bucket
    clock.now += 0.5
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0
    clock.now += 100  # refills up to the burst, no more
    assert [buckets.take("a") for _ in range(4)][-1] > 0


def test_buckets_are_bounded_in_number() -> None:
    buckets = TokenBuckets(rate_per_s=1.0, burst=1, max_buckets=100, clock=FakeClock())
    for n in range(1000):
        buckets.take(f"ip:10.0.{n // 256}.{n % 256}")
    assert len(buckets) == 100


# --------------------------------------------------------------------------- through the app
def assert_rate_limited(answer: object) -> None:
    from httpx import Response

    assert isinstance(answer, Response)
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["type"] == "urn:daliz:problem:rate-limited"
    assert body["status"] == 429 and body["instance"] == answer.request.url.path
    assert "per minute" in body["detail"]
    retry = int(answer.headers["retry-after"])
    assert 1 <= retry <= 60


def test_429_per_key_with_retry_after(make_client: Callable[..., TestClient]) -> None:
    client = make_client(rate_limit_per_minute=6, rate_limit_burst=3)
    keys = make_keys(client)
    viewer, planner = bearer(keys["viewer"]), bearer(keys["planner"])
    for _ in range(3):
        assert client.get("/api/v1/me", headers=viewer).status_code == 200
    limited = client.get("/api/v1/me", headers=viewer)
    assert_rate_limited(limited)
    assert int(limited.headers["retry-after"]) == 10  # 6 per minute: a token every 10 s
    assert "this API key" in limited.json()["detail"]
    # Another key, X-API-Key or Bearer alike, has its own bucket; health is never limited.
    assert client.get("/api/v1/me", headers={"X-API-Key": keys["planner"]}).status_code == 200
    assert client.get("/api/v1/me", headers=planner).status_code == 200
    for _ in range(10):
        assert client.get("/api/v1/health").status_code == 200
    # Anonymous requests count per address, apart from the keys.
    for _ in range(3):
        assert client.get("/api/v1/places").status_code == 200
    assert_rate_limited(client.get("/api/v1/places"))
    # The page and its static files are not API requests.
    assert client.get("/").status_code == 200


def test_wrong_keys_count_against_the_address(make_client: Callable[..., TestClient]) -> None:
    client = make_client(rate_limit_per_minute=6, rate_limit_burst=3)
    keys = make_keys(client)
    for _ in range(3):
        assert client.get("/api/v1/me", headers=bearer(keys["wrong"])).status_code == 401
    # Guessing on: limited, whether the next guess is well-formed or not.
    assert_rate_limited(client.get("/api/v1/me", headers=bearer("dlz_aaaaaaaaaaaa_" + "b" * 43)))
    assert_rate_limited(client.get("/api/v1/me", headers=bearer("guess")))
    assert_rate_limited(client.get("/api/v1/me", headers=bearer(keys["revoked"])))
    # A valid key is not punished for the address's wrong guesses.
    assert client.get("/api/v1/me", headers=bearer(keys["admin"])).status_code == 200


def test_rate_limit_zero_turns_it_off(make_client: Callable[..., TestClient]) -> None:
    client = make_client(rate_limit_per_minute=0, rate_limit_burst=1)
    assert all(client.get("/api/v1/places").status_code == 200 for _ in range(20))


# --------------------------------------------------------------------------- plan cache
def test_repeated_plan_is_served_from_the_cache(client: TestClient) -> None:
    cache = app_of(client).state.daliz.plan_cache
    first = client.post("/api/v1/plan", json=WHEAT)
    assert first.status_code == 200 and cache.misses == 1 and cache.hits == 0
    second = client.post("/api/v1/plan", json=dict(reversed(list(WHEAT.items()))))
    assert second.status_code == 200 and cache.hits == 1  # same request, other key order
    assert second.json() == first.json()
    assert second.headers["content-encoding"] == "gzip"  # pre-compressed once
    plain = client.post("/api/v1/plan", json=WHEAT, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert json.loads(plain.content) == first.json()
    # Another language is another plan; so is another request.
    russian = client.post("/api/v1/plan?lang=ru", json=WHEAT)
    assert russian.headers["content-language"] == "ru" and cache.misses == 2
    client.post("/api/v1/plan", json={**WHEAT, "tonnes": 501})
    assert cache.misses == 3 and len(cache) == 3
    # The saved plan and the GeoJSON answer use the same cached result.
    geo = client.post("/api/v1/plan/geojson", json=WHEAT)
    assert geo.status_code == 200 and cache.hits == 3


def test_cache_is_bounded_and_can_be_off(make_client: Callable[..., TestClient]) -> None:
    small = make_client(plan_cache_size=2, rate_limit_per_minute=0)
    for tonnes in (100, 200, 300, 100):
        assert small.post("/api/v1/plan", json={**WHEAT, "tonnes": tonnes}).status_code == 200
    cache = app_of(small).state.daliz.plan_cache
    assert len(cache) == 2 and cache.hits == 0  # 100 was dropped before it came back
    off = make_client(plan_cache_size=0, rate_limit_per_minute=0)
    for _ in range(2):
        assert off.post("/api/v1/plan", json=WHEAT).status_code == 200
    assert len(app_of(off).state.daliz.plan_cache) == 0


def test_another_active_dataset_is_another_plan(
    client: TestClient, keys: dict[str, str], tmp_path: Path
) -> None:
    before = client.post("/api/v1/plan", json=WHEAT).json()["dataset"]
    data = zip_directory(mini_variant(tmp_path / "v2", version="test-2"))
    admin = bearer(keys["admin"])
    record = client.post(
        "/api/v1/admin/datasets", files={"file": ("v2.zip", data, "application/zip")}, headers=admin
    ).json()
    activated = client.post(f"/api/v1/admin/datasets/{record['id']}/activate", headers=admin)
    assert activated.status_code == 200, activated.text
    after = client.post("/api/v1/plan", json=WHEAT).json()["dataset"]
    assert before["version"] == "test-1" and after["version"] == "test-2"
    assert before["hash"] != after["hash"]


def test_key_fills_in_todays_date() -> None:
    import datetime as dt

    undated = PlanRequest(origin="A", destination="B", commodity="wheat", tonnes=1)
    dated = undated.model_copy(update={"date": dt.date.today()})
    assert plan_key(undated, "h", "en") == plan_key(dated, "h", "en")
    assert plan_key(undated, "h", "en") != plan_key(undated, "h", "kk")
    assert plan_key(undated, "h", "en") != plan_key(undated, "h2", "en")


def test_single_flight_shares_result_and_error() -> None:
    calls = 0

    async def scenario() -> None:
        nonlocal calls
        cache = PlanCache(size=4)
        results: list[object] = []

        async def compute() -> CachedPlan:
            nonlocal calls
            calls += 1
            await anyio.sleep(0.05)
            return CachedPlan(f"plan {calls}".encode(), b"")

        async def ask() -> None:
            results.append((await cache.get_or_compute("k", compute)).body)

        async with anyio.create_task_group() as group:
            for _ in range(8):
                group.start_soon(ask)
        assert calls == 1 and set(results) == {b"plan 1"}
        assert cache.hits == 7 and cache.misses == 1

        async def fail() -> CachedPlan:
            nonlocal calls
            calls += 1
            await anyio.sleep(0.05)
            raise NoRouteError("no route")

        errors: list[BaseException] = []

        async def ask_failing() -> None:
            try:
                await cache.get_or_compute("bad", fail)
            except NoRouteError as exc:
                errors.append(exc)

        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(ask_failing)
        assert calls == 2 and len(errors) == 5  # computed once, every waiter got the error
        assert len(cache) == 1  # errors are not cached
        with pytest.raises(NoRouteError):
            await cache.get_or_compute("bad", fail)
        assert calls == 3

    anyio.run(scenario)


def test_cached_gzip_body_is_the_json_body(client: TestClient) -> None:
    client.post("/api/v1/plan", json=WHEAT)
    cache = app_of(client).state.daliz.plan_cache
    (entry,) = cache._entries.values()
    assert gzip.decompress(entry.gzip_body()) == entry.json_body()


def test_the_cache_keeps_bytes_and_reads_the_result_back(client: TestClient) -> None:
    """Cached plans hold no object tree (it slowed the garbage collector); a cached plan's
    result, read back from its JSON, is the computed one: GeoJSON from the cache is the same."""
    fresh = client.post("/api/v1/plan/geojson", json=WHEAT)
    cache = app_of(client).state.daliz.plan_cache
    (entry,) = cache._entries.values()
    assert entry.kept_result is None
    hits = cache.hits
    again = client.post("/api/v1/plan/geojson", json=WHEAT)
    assert cache.hits == hits + 1
    assert again.status_code == fresh.status_code == 200
    assert again.json() == fresh.json() and again.json()["features"]
    assert entry.result.to_json() == entry.json_body()
