"""Helpers shared by the trade tests (fixture file writers)."""

from __future__ import annotations

from pathlib import Path

NATIONAL_HEADER = "year,month,reporter,partner,flow,hs_code,value_usd,net_weight_kg,source\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
