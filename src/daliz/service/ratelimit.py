"""Rate limiting: a token bucket per API key, per client address for requests without one.

Each identity has a bucket of `rate_limit_burst` tokens that refills at
`rate_limit_per_minute` / 60 tokens per second; every API request takes one token. An empty
bucket answers 429 `urn:daliz:problem:rate-limited` with `Retry-After` (whole seconds until a
token is back). A request with a valid key counts against that key's user; a request with no
key, or with a wrong or revoked key, counts against its client address, so guessing keys is
limited too. `/api/v1/health` is never limited (load balancers poll it), nor is the page.

The buckets live in the process: with `daliz serve --workers N` each worker keeps its own, so
a client may get up to N times the limit when its requests are spread over the workers.
"""

from __future__ import annotations

import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import anyio
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from daliz.i18n import N_, gettext_
from daliz.service.auth import Principal, authenticate
from daliz.service.problems import PROBLEM_JSON

LIMITED_PREFIX = "/api/"
EXEMPT_PATHS = frozenset({"/api/v1/health"})
RATE_LIMITED_TITLE = N_("Too many requests")
MAX_BUCKETS = 10_000  # identities remembered; the least recently seen is forgotten beyond this


@dataclass
class _Bucket:
    tokens: float
    updated_s: float


class TokenBuckets:
    """Token buckets by identity: `burst` tokens, refilled at `rate_per_s` tokens per second.

    Memory is bounded: at most `max_buckets` identities are kept (least recently seen dropped;
    a dropped identity starts again with a full bucket).
    """

    def __init__(
        self,
        rate_per_s: float,
        burst: int,
        *,
        max_buckets: int = MAX_BUCKETS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.max_buckets = max_buckets
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, identity: str) -> float:
        """Take one token for `identity`: 0.0 when granted, else seconds until one is back."""
        now = self.clock()
        bucket = self._buckets.get(identity)
        if bucket is None:
            bucket = _Bucket(float(self.burst), now)
            self._buckets[identity] = bucket
            while len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(identity)
            elapsed = max(0.0, now - bucket.updated_s)
            bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate_per_s)
            bucket.updated_s = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate_per_s

    def __len__(self) -> int:
        return len(self._buckets)


def _presented_key(scope: Scope) -> str | None:
    """The API key a request carries (Bearer or X-API-Key), unchecked."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, credentials = str(value.decode("latin-1")).partition(" ")
            if scheme.lower() == "bearer" and credentials.strip():
                return credentials.strip()
        elif name == b"x-api-key":
            text = str(value.decode("latin-1")).strip()
            if text:
                return text
    return None


def _client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class RateLimitMiddleware:
    """Applies the token buckets to API requests (see the module docstring).

    A valid key is checked here once and its principal handed on in the request state, so
    the route's own authentication does not query the database again.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        per_minute: float,
        burst: int,
        sessions: sessionmaker[Session],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.per_minute = per_minute
        self.burst = burst
        self.sessions = sessions
        self.buckets = TokenBuckets(per_minute / 60.0, burst, clock=clock) if per_minute else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if (
            self.buckets is None
            or scope["type"] != "http"
            or not path.startswith(LIMITED_PREFIX)
            or path in EXEMPT_PATHS
        ):
            await self.app(scope, receive, send)
            return
        identity, keyed = await self._identity(scope)
        wait_s = self.buckets.take(identity)
        if wait_s > 0:
            await self._too_many(scope, send, wait_s, keyed)
            return
        await self.app(scope, receive, send)

    async def _identity(self, scope: Scope) -> tuple[str, bool]:
        """('user:<id>', True) for a valid key, else ('ip:<address>', False)."""
        key = _presented_key(scope)
        if key is not None:
            try:
                user = await anyio.to_thread.run_sync(authenticate, self.sessions, key)
            except SQLAlchemyError:
                user = None  # the route answers 503 database-unavailable itself
            if user is not None:
                principal = Principal(user.id, user.name, user.role)
                scope.setdefault("state", {})["principal"] = principal
                return f"user:{user.id}", True
        return f"ip:{_client_address(scope)}", False

    async def _too_many(self, scope: Scope, send: Send, wait_s: float, keyed: bool) -> None:
        retry_after = max(1, math.ceil(wait_s))
        who = gettext_("this API key") if keyed else gettext_("this client address")
        detail = gettext_(
            "Too many requests from {who}: at most {rate:g} per minute, in bursts of up to "
            "{burst}. Try again in {seconds} s."
        ).format(who=who, rate=self.per_minute, burst=self.burst, seconds=retry_after)
        body = json.dumps(
            {
                "type": "urn:daliz:problem:rate-limited",
                "title": gettext_(RATE_LIMITED_TITLE),
                "status": 429,
                "detail": detail,
                "instance": scope.get("path", ""),
                "limit": "rate_limit_per_minute",
                "allowed": self.per_minute,
            },
            ensure_ascii=False,
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(retry_after).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
