"""Helpers for scenario tests: the mini dataset, scenario texts, plans on variants."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from daliz.planning.planner import request_from_fields
from daliz.planning.request import PlanRequest

HERE = Path(__file__).parent
MINI = HERE.parent / "fixtures" / "mini"
MINI_RAIL = HERE / "data" / "mini-rail.yaml"


def request(**fields: Any) -> PlanRequest:
    """A wheat request on the mini network (fields override)."""
    base: dict[str, Any] = {
        "origin": "Shymkent",
        "destination": "Peshawar",
        "commodity": "wheat",
        "tonnes": 500,
        "date": "2027-03-01",
        "draws": 0,
        "max_alternatives": 20,
    }
    base.update(fields)
    return request_from_fields(**base)


def write_scenario(directory: Path, data: dict[str, Any], name: str = "s.yaml") -> Path:
    """Write a scenario mapping as YAML and return its path."""
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def scenario(*changes: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A scenario mapping with the given changes."""
    data: dict[str, Any] = {"id": "test", "title": "Test scenario", "changes": list(changes)}
    data.update(fields)
    return data
