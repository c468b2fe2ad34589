"""Helpers for reliability tests: writable variants of the mini dataset, a plan on it."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from daliz.planning import PlanResult, plan

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"

Row = dict[str, str]


def edit_table(directory: Path, name: str, edit: Callable[[Row], Row | None]) -> None:
    """Rewrite `name`.csv in `directory` row by row; `edit` returns the new row or None to drop."""
    path = directory / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = [out for row in reader if (out := edit(dict(row))) is not None]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def collapse_ranges(row: Row) -> Row:
    """Set every `*_min` / `*_max` of a row to its typical value (no spread)."""
    for column in list(row):
        for end in ("_min", "_max"):
            if column.endswith(end) and row[column] != "":
                stem = column[: -len(end)]
                typ = row.get(f"{stem}_typ", row.get(stem, ""))
                if typ:
                    row[column] = typ
    return row


def copy_mini(target: Path) -> Path:
    """A writable copy of the mini dataset."""
    shutil.copytree(MINI, target)
    return target


def mini_plan(tonnes: float, **extra: Any) -> PlanResult:
    """Wheat from Shymkent to Karachi on the mini dataset, 2027-03-01, 3,000 draws, up to 10
    alternatives (the shared-cache tests plan it for several shipments)."""
    return plan(
        dataset=str(MINI),
        origin="Shymkent",
        destination="Karachi",
        commodity="wheat",
        tonnes=tonnes,
        date="2027-03-01",
        draws=3000,
        max_alternatives=10,
        **extra,
    )
