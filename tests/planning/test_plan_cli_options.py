"""The plan options shared by `daliz plan`, `daliz report plan` and `daliz compare`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from daliz.cli.plan import PlanOptions, plan_command, plan_options
from daliz.cli.report import report_plan
from daliz.cli.scenarios import compare_command

SHARED = [f.name for f in dataclasses.fields(PlanOptions)]


def _params(command: Callable[..., None]) -> list[Any]:
    """The command-line parameters Typer makes of a command."""
    app = typer.Typer(add_completion=False)
    app.command()(command)
    return list(typer.main.get_command(app).params)


def _names(command: Callable[..., None]) -> list[str | None]:
    return [p.name for p in _params(command)]


def test_each_command_lists_the_shared_options_in_their_place() -> None:
    assert _names(plan_command) == [*SHARED, "dataset", "as_json", "geojson", "details"]
    assert _names(report_plan) == [
        "origin",
        "destination",
        "out",
        *SHARED[2:],
        "dataset",
        "lang",
    ]
    without = [n for n in SHARED if n not in ("max_alternatives", "include_blocked")]
    assert _names(compare_command) == [
        "origin",
        "destination",
        "scenario",
        *without[2:],
        "dataset",
        "png",
        "html",
        "as_json",
    ]


def test_shared_options_have_the_same_flags_defaults_and_help_everywhere() -> None:
    def shared(command: Callable[..., None]) -> dict[str | None, tuple[object, ...]]:
        return {
            p.name: (tuple(p.opts), p.default, p.required, getattr(p, "help", None))
            for p in _params(command)
            if p.name in SHARED
        }

    plan = shared(plan_command)
    assert plan["objective"] == (
        ("--objective",),
        "balanced",
        False,
        "cheapest, fastest, greenest, balanced or reliable.",
    )
    assert plan["draws"][1] == 10_000 and plan["max_alternatives"][1] == 5
    assert plan["origin"][2] and plan["destination"][2]
    assert shared(report_plan) == plan
    assert shared(compare_command) == {
        k: v for k, v in plan.items() if k not in ("max_alternatives", "include_blocked")
    }


def test_the_command_gets_one_plan_options_with_omitted_fields_at_their_defaults() -> None:
    seen: list[tuple[PlanOptions, str]] = []

    @plan_options(omit=("draws",))
    def command(*, label: str = "x", shipment: PlanOptions, extra: str = "e") -> None:
        seen.append((shipment, label + extra))

    app = typer.Typer()
    app.command()(command)
    args = ["Shymkent", "Karachi", "--tonnes", "20", "--avoid-mode", "sea", "--avoid-mode", "road"]
    result = CliRunner().invoke(app, [*args, "--label", "L", "--extra", "E"])
    assert result.exit_code == 0, result.output
    shipment, rest = seen[0]
    assert rest == "LE"
    assert shipment == PlanOptions(
        "Shymkent", "Karachi", tonnes=20.0, avoid_mode=["sea", "road"], draws=10_000
    )
    refused = CliRunner().invoke(app, [*args, "--draws", "5"])
    assert refused.exit_code == 2 and "No such option" in refused.output


def test_request_maps_repeatable_options_and_empty_lists() -> None:
    request = PlanOptions(
        "Shymkent",
        "Karachi",
        commodity="wheat",
        tonnes=500,
        avoid_country=["AF"],
        avoid_mode=None,
        draws=0,
    ).request()
    assert request.avoid_countries == ["AF"]
    assert request.avoid_borders == [] and request.avoid_modes == []
    assert request.tonnes == 500 and request.objective == "balanced"


def test_decorator_refuses_misuse() -> None:
    with pytest.raises(TypeError, match="no such option"):
        plan_options(omit=("max_alternative",))
    with pytest.raises(TypeError, match="shipment"):
        plan_options()(lambda other: None)
