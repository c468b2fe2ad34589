"""Variants of the mini dataset for reliability tests, written into a temporary directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_helpers import collapse_ranges, copy_mini, edit_table


@pytest.fixture
def mini_variant(tmp_path: Path) -> Callable[[str], Path]:
    """Make named writable copies of the mini dataset."""

    def make(name: str) -> Path:
        return copy_mini(tmp_path / name)

    return make


@pytest.fixture
def no_spread(tmp_path: Path) -> Path:
    """The mini dataset with every range collapsed to its typical value and no closure risk.

    Services known only by their frequency get daily departures: reliability draws their wait
    uniformly over the headway (the phase is unknown), which is spread by design.
    """
    directory = copy_mini(tmp_path / "no-spread")
    for table in ("links", "speeds", "tariffs", "border_crossings", "transfers"):
        edit_table(directory, table, collapse_ranges)
    edit_table(directory, "closures", lambda row: None if row["kind"] == "risk" else row)
    edit_table(
        directory,
        "services",
        lambda row: row if row["days"] else {**row, "days": "Mon;Tue;Wed;Thu;Fri;Sat;Sun"},
    )
    return directory
