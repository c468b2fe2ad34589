"""Hostile files: huge, deeply nested or self-referencing YAML (billion laughs), wrong text
encodings (Windows-1251 Kazakh/Russian text, UTF-16), spreadsheet formulas in exported CSV.

Path traversal, absolute paths, links and zip bombs in uploaded dataset archives are tested by
the service's own tests (tests/service/test_service_admin.py:
test_hostile_or_broken_archives_are_refused, test_archive_limits), not repeated here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from service_helpers import MINI

from daliz.errors import DalizError, DatasetError
from daliz.network import load_network
from daliz.network.tables import MAX_TABLE_BYTES
from daliz.rules.load import load_rules
from daliz.scenarios.batch import BatchResult, neutralise_formula, read_flows, write_rows
from daliz.scenarios.load import load_scenario
from daliz.service.datasets import _check_meta
from daliz.trade import store

KAZAKH_RUSSIAN = "Қостанай,Костанай,пшеница мягкая,Шымкент\n"
DEEP_YAML = "a: " + "[" * 20_000 + "]" * 20_000 + "\n"


def laughs(depth: int, key: str = "changes") -> str:
    """A YAML 'billion laughs': each level refers nine times to the one below (9**depth)."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, depth):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\nid: bomb\ntitle: bomb\n{key}: *l{depth - 1}\n"


def problems_text(exc: DatasetError) -> str:
    return " ".join(f"{p.file} {p.message}" for p in exc.problems)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


# --------------------------------------------------------------------------- huge files
def test_huge_dataset_table_is_refused_before_reading(mini: Path) -> None:
    with (mini / "links.csv").open("r+b") as handle:
        handle.truncate(MAX_TABLE_BYTES + 1)  # sparse: huge on paper, cheap to make
    with pytest.raises(DatasetError) as caught:
        load_network(mini)
    assert "links.csv" in problems_text(caught.value)
    assert "larger than" in problems_text(caught.value)


def test_huge_trade_file_of_garbage_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write(b"year,month,reporter,partner,flow,hs_code,value_usd\n")
        handle.truncate(50 * 2**20)  # 50 MB of NUL bytes after the header
    with store.connect(tmp_path / "t.duckdb") as con:
        with pytest.raises(DalizError):
            store.import_file(con, path)
        assert store.scalar(con, "SELECT count(*) FROM trade_flow") == 0


# --------------------------------------------------------------------------- nested YAML
def test_deeply_nested_yaml_and_json_are_clean_errors(mini: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "deep.yaml"
    scenario.write_text(DEEP_YAML, encoding="utf-8")
    with pytest.raises(DatasetError, match="nested too deeply"):
        load_scenario(scenario)

    (mini / "agreements.yaml").write_text(DEEP_YAML, encoding="utf-8")
    with pytest.raises(DatasetError, match="nested too deeply"):
        load_rules([mini])

    shutil.copy(MINI / "agreements.yaml", mini / "agreements.yaml")
    (mini / "geometry.geojson").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    with pytest.raises(DatasetError, match="nested too deeply"):
        load_network(mini)

    (mini / "dataset.yaml").write_text(DEEP_YAML, encoding="utf-8")
    assert "nested too deeply" in _check_meta(mini)[0].message


BOMB_CHILD = """
import sys
from pathlib import Path
from daliz.errors import DalizError
from daliz.rules.load import load_rules
from daliz.scenarios.load import load_scenario
kind, path = sys.argv[1], Path(sys.argv[2])
try:
    load_scenario(path) if kind == "scenario" else load_rules([path])
except DalizError as exc:
    print("clean:", " ".join(exc.message.splitlines()))
else:
    print("loaded")
"""


@pytest.mark.parametrize("key", ["changes", "assumptions", "sources", "title"])
def test_billion_laughs_in_a_scenario_is_refused_quickly(tmp_path: Path, key: str) -> None:
    """9**9 (387 million) references: refused in a child process within a time limit."""
    path = tmp_path / "bomb.yaml"
    path.write_text(laughs(9, key), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", BOMB_CHILD, "scenario", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("clean:"), done.stdout


def test_billion_laughs_in_agreements_is_refused_quickly(mini: Path) -> None:
    lines = laughs(9, "x").splitlines()[:-3]
    text = "\n".join(lines) + "\nagreements:\n  - id: bomb\n    parties: *l8\n    title: *l8\n"
    (mini / "agreements.yaml").write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", BOMB_CHILD, "rules", str(mini)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("clean:"), done.stdout
    assert "aliases (*name) are not allowed" in done.stdout


# --------------------------------------------------------------------------- encodings
def test_windows_1251_and_utf16_dataset_tables_are_named(mini: Path) -> None:
    places = (MINI / "places.csv").read_text(encoding="utf-8")
    for encoding in ("cp1251", "utf-16"):
        (mini / "places.csv").write_bytes(places.encode(encoding, errors="replace"))
        with pytest.raises(DatasetError) as caught:
            load_network(mini)
        text = problems_text(caught.value)
        assert "places.csv" in text and "UTF-8" in text, (encoding, text)


def test_windows_1251_rules_table_is_named(mini: Path) -> None:
    commodities = (MINI / "commodities.csv").read_text(encoding="utf-8")
    (mini / "commodities.csv").write_bytes(
        (commodities + KAZAKH_RUSSIAN).encode("cp1251", "replace")
    )
    with pytest.raises(DatasetError) as caught:
        load_rules([mini])
    assert "commodities.csv" in problems_text(caught.value)


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16"])
def test_trade_file_in_another_encoding(tmp_path: Path, encoding: str) -> None:
    """Imported (codes are ASCII; text columns decoded as well as can be) or a clean error;
    never a traceback, never half a file."""
    text = (
        "year,month,reporter,partner,flow,hs_code,value_usd,net_weight_kg,source,note\n"
        "2023,1,KZ,PK,X,1001,1000,5000,kz-bns,пшеница Костанай\n"
        "2023,2,KZ,PK,X,1001,2000,9000,kz-bns,пшеница\n"
    )
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    with store.connect(tmp_path / "t.duckdb") as con:
        try:
            result = store.import_file(con, path)
        except DalizError:
            assert store.scalar(con, "SELECT count(*) FROM trade_flow") == 0
        else:
            assert result.rows_added + result.rows_rejected == 2
            assert store.scalar(con, "SELECT count(*) FROM trade_flow") == result.rows_added


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16"])
def test_flows_file_in_another_encoding_is_a_clean_error(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "flows.csv"
    text = "origin,destination,commodity,tonnes\nШымкент,Карачи,пшеница,500\n"
    path.write_bytes(text.encode(encoding))
    try:
        flows = read_flows(path)
    except DalizError:
        return
    assert len(flows) == 1  # read, with the names as decoded: each flow reports its own error


# --------------------------------------------------------------------------- CSV formulas
def test_formulas_in_batch_csv_are_neutralised(tmp_path: Path) -> None:
    rows = [
        {
            "flow_id": "=1+1",
            "scenario": "base",
            "origin": '=HYPERLINK("http://evil.example","x")',
            "destination": "+cmd|' /C calc'!A0",
            "commodity": "@SUM(A1:A2)",
            "tonnes": -5.0,  # numbers stay numbers, negative or not
            "corridor": "-2+3",
            "error": "\t=1",
            "cost_usd": 1200.5,
        }
    ]
    result = BatchResult(rows=rows, scenarios=["base"], flows=1, seconds=0.0, workers=1)
    path = write_rows(result, tmp_path / "out.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = frame.iloc[0]
    for column in ("flow_id", "origin", "destination", "commodity", "corridor", "error"):
        assert row[column].startswith("'"), (column, row[column])
    assert row["tonnes"] == "-5.0" and row["cost_usd"] == "1200.5"
    assert not list(tmp_path.glob(".out.csv.partial-*"))
    parquet = write_rows(result, tmp_path / "out.parquet")  # Parquet keeps values as they are
    assert pd.read_parquet(parquet).iloc[0]["origin"].startswith("=HYPERLINK")
    assert neutralise_formula("Karachi") == "Karachi" and neutralise_formula(3) == 3


def test_trade_export_is_parquet_not_csv() -> None:
    """The trade store exports only Parquet (typed columns, no formulas to run): if a CSV
    export is added, it must neutralise formulas like the batch writer does."""
    import inspect

    source = inspect.getsource(store.export_parquet)
    assert "FORMAT parquet" in source
    assert not hasattr(store, "export_csv"), "a CSV export needs formula neutralisation"


def test_geojson_of_hostile_names_is_valid_json(tmp_path: Path) -> None:
    """Names with quotes, brackets and scripts survive JSON export unharmed."""
    value = '"]}<script>alert(1)</script>=1+1'
    assert json.loads(json.dumps({"name": value}))["name"] == value
