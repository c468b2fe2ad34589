"""Find, read and check scenario files: a path, or the name of a bundled scenario.

Bundled scenarios live in `daliz/data/scenarios/NAME.yaml`; the sources they share are in
`daliz/data/scenarios/sources.csv` (same columns as a dataset's sources.csv). Errors name the
file, the change (as `row`, counted from 1) and the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from daliz.errors import DatasetError, Problem, RequestError
from daliz.scenarios.model import ACTIONS, Scenario, ScenarioSource

SUFFIXES = (".yaml", ".yml")
NESTED_TOO_DEEPLY = "nested too deeply to be read"


def bundled_scenarios_dir() -> Path:
    """The directory of the scenarios shipped with daliz."""
    return Path(str(resources.files("daliz") / "data" / "scenarios"))


def bundled_names() -> list[str]:
    """Names of the bundled scenarios, sorted."""
    directory = bundled_scenarios_dir()
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.iterdir() if p.suffix in SUFFIXES)


def resolve_scenario(text: str | Path) -> Path:
    """The file of a scenario given as a path or as a bundled scenario's name.

    Raises RequestError (with close names) when neither exists.
    """
    path = Path(text).expanduser()
    if path.is_file():
        return path
    name = str(text).strip()
    for suffix in SUFFIXES:
        candidate = bundled_scenarios_dir() / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    if path.suffix in SUFFIXES or "/" in name:
        raise RequestError(f"Scenario file {str(path)!r} does not exist.")
    names = bundled_names()
    raise RequestError(
        f"{name!r} is neither a scenario file nor a bundled scenario.",
        hint="Bundled scenarios: " + ", ".join(names) if names else None,
        suggestions=difflib.get_close_matches(name, names, n=3),
    )


def shared_sources() -> dict[str, ScenarioSource]:
    """Sources of `daliz/data/scenarios/sources.csv`, by id."""
    path = bundled_scenarios_dir() / "sources.csv"
    if not path.is_file():
        return {}
    out: dict[str, ScenarioSource] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            out[row["id"]] = ScenarioSource(
                id=row["id"],
                title=row["title"],
                publisher=row.get("publisher", ""),
                url=row.get("url", ""),
                published=_date(row.get("published", "")),
                accessed=_date(row.get("accessed", "")),
                note=row.get("note", ""),
            )
    return out


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _problems_of(exc: ValidationError, file: str, raw: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors():
        loc = list(error["loc"])
        row: int | None = None
        if len(loc) >= 2 and loc[0] == "changes" and isinstance(loc[1], int):
            row = loc[1] + 1
            loc = loc[2:]
            if loc and loc[0] in ACTIONS:
                loc = loc[1:]  # the discriminator tag pydantic adds
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "union_tag_invalid":
            message = f"unknown action; use one of: {', '.join(ACTIONS)}"
            loc = ["action"]
        elif error["type"] == "union_tag_not_found":
            message = f"a change needs an 'action' ({', '.join(ACTIONS)})"
            loc = ["action"]
        elif error["type"] == "extra_forbidden":
            message = "unknown field"
        field = ".".join(str(part) for part in loc) or None
        problems.append(Problem(file, row, field, message))
    return problems


def parse_scenario(data: object, file: str = "scenario") -> Scenario:
    """A Scenario from already-read YAML data; DatasetError lists every problem."""
    if not isinstance(data, dict):
        raise DatasetError(
            [Problem(file, None, None, "a scenario is a mapping with id, title and changes")],
            what="scenario",
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise DatasetError(_problems_of(exc, file, data), what="scenario") from None


def load_scenario(text: str | Path) -> Scenario:
    """Read and check a scenario given as a file path or a bundled scenario's name.

    Raises
    ------
    RequestError when the scenario cannot be found; DatasetError listing every problem (file,
    change number as row, field) when it is not a valid scenario.
    """
    path = resolve_scenario(text)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DatasetError([Problem(str(path), None, None, f"not valid YAML: {exc}")]) from None
    except RecursionError:  # e.g. 10,000 nested brackets
        raise DatasetError([Problem(str(path), None, None, NESTED_TOO_DEEPLY)]) from None
    return parse_scenario(data, str(path))
