"""Shared fixtures: the mini test dataset and writable copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def mini_dir() -> Path:
    """The read-only mini dataset."""
    return MINI


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini dataset, for tests that break it."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target
