"""`daliz rules` commands through Typer's runner."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from daliz.cli import rules as rules_cli
from daliz.rules import reference as ref

runner = CliRunner()


def test_agreements_filter_by_party_and_status() -> None:
    result = runner.invoke(
        rules_cli.app,
        ["agreements", "--party", "KZ", "--status", "in_force", "--date", "2026-03-01", "--json"],
    )
    assert result.exit_code == 0, result.output
    ids = {a["id"] for a in json.loads(result.output)["agreements"]}
    assert {"tir-convention", "qtta", "eco-ttfa"} <= ids
    assert "kz-pk-tta" not in ids  # signed, not in force
    assert "aptta" not in ids  # Kazakhstan is not a party


def test_commodities_json_lists_the_catalogue() -> None:
    result = runner.invoke(rules_cli.app, ["commodities", "--json"])
    assert result.exit_code == 0, result.output
    ids = {c["id"] for c in json.loads(result.output)["commodities"]}
    assert {"wheat", "citrus-kinnow", "medicines"} <= ids


def test_chain_uses_a_connected_planner() -> None:
    calls: list[tuple[str, str, str, dt.date]] = []

    def planner(origin, destination, commodity, departure):  # type: ignore[no-untyped-def]
        calls.append((origin, destination, commodity.id, departure))
        return [ref.cn_kkh_road()]

    rules_cli.set_plan_alternatives(planner)
    try:
        result = runner.invoke(
            rules_cli.app,
            ["chain", "--commodity", "пшеница", "--from", "Kostanay", "--to", "Karachi",
             "--date", "2026-03-01", "--json"],
        )  # fmt: skip
    finally:
        rules_cli.set_plan_alternatives(None)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert calls == [("Kostanay", "Karachi", "wheat", dt.date(2026, 3, 1))]
    assert data["note"] == "alternatives from the planner"
    assert [c["corridor"] for c in data["corridors"]] == [ref.cn_kkh_road().corridor]


def test_chain_without_planner_uses_reference_corridors() -> None:
    result = runner.invoke(
        rules_cli.app,
        ["chain", "--commodity", "kinnow", "--from", "PK", "--to", "KZ", "--date", "2026-01-10"],
    )
    assert result.exit_code == 0, result.output
    assert "reference corridors" in result.output
    assert "Torkham" in result.output or "bcp-torkham" in result.output
