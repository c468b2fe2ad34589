"""Shared fixtures for the trade monitor tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from daliz.trade import store

# CI clones the repo beside shared/: <parent>/main and <parent>/shared.
SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "trade-samples"


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"real trade samples not found at {SAMPLES.resolve()} (shared/ absent)")
    return SAMPLES


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "trade.duckdb"


@pytest.fixture
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with store.connect(db_path) as c:
        yield c
