"""The service tunes the garbage collector after start-up (and only when asked to)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from service_helpers import WHEAT

from daliz.service import Settings, create_app
from daliz.service.app import YOUNG_GENERATION_ALLOCATIONS


@pytest.fixture
def restore_gc() -> Iterator[None]:
    """Give the test process its collector settings back."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restore_gc")
def test_start_up_freezes_what_is_loaded_and_collects_young_objects_less_often(
    make_settings: Callable[..., Settings],
) -> None:
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    with TestClient(create_app(make_settings())) as client:
        assert gc.get_freeze_count() > 0  # the loaded dataset is out of the collector's scans
        assert gc.get_threshold()[0] == YOUNG_GENERATION_ALLOCATIONS
        answer = client.post("/api/v1/plan", json=WHEAT)
        assert answer.status_code == 200, answer.text


@pytest.mark.usefixtures("restore_gc")
def test_the_collector_is_left_alone_when_turned_off(
    make_settings: Callable[..., Settings],
) -> None:
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    with TestClient(create_app(make_settings(gc_freeze=False))):
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == (700, 10, 10)
