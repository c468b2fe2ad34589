"""Helpers for the rules tests: the bundled dataset dir and small file writers."""

from __future__ import annotations

from pathlib import Path

from daliz.network.load import bundled_dataset_dir

DEFAULT = bundled_dataset_dir()
SOURCES_HEADER = "id,title,publisher,url,published,accessed,note\n"
SOURCE_ROW = "test-src,A test source,Tests,https://example.org/t,2026-01-01,2026-11-25,\n"


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
