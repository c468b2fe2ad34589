"""`daliz trade` commands end to end (Typer runner on the trade sub-app), plus charts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from daliz.cli.trade import app

runner = CliRunner()


def run(*args: str) -> str:
    res = runner.invoke(app, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def test_import_summary_and_json(samples: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "t.duckdb")
    out = json.loads(
        run("import", str(samples / "wits/Kazakhstan-WITS-Partner-Timeseries.csv"),
            "--db", db, "--json")
    )  # fmt: skip
    assert out[0]["format"] == "wits-wide" and out[0]["rows_added"] > 4000
    summary = json.loads(run("summary", "-r", "KZ", "-p", "PK", "--db", db, "--json"))
    y2021 = next(y for y in summary["years"] if y["value"]["year"] == 2021)
    assert y2021["value"]["imports_usd"] == pytest.approx(29_202_639.39)
    assert y2021["value"]["source"] == "wits"
    text = run("summary", "-r", "KZ", "-p", "PK", "--db", db)
    assert "reported by KAZ" in text
    conc = json.loads(
        run("concentration", "-r", "KZ", "--by", "partner", "--flow", "M", "--year", "2021",
            "--db", db, "--json")
    )  # fmt: skip
    assert conc["n_active"] > 150 and 0 < conc["hhi"] < 1
    again = json.loads(
        run("import", str(samples / "wits/Kazakhstan-WITS-Partner-Timeseries.csv"),
            "--db", db, "--json")
    )  # fmt: skip
    assert again[0]["already_imported_as"] == 1


def test_db_from_environment_and_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.duckdb"
    monkeypatch.setenv("DALIZ_TRADE_DB", str(db))
    csv = tmp_path / "n.csv"
    csv.write_text(
        "year,reporter,partner,flow,hs_code,value_usd,source\n2024,KZ,PK,X,1001,10,kz-bns\n"
    )
    run("import", str(csv))
    assert db.exists()
    out = tmp_path / "flows.parquet"
    res = json.loads(run("export", str(out), "--json"))
    assert res["rows"] == 1
    import pyarrow.parquet as pq

    t = pq.read_table(out)
    assert t.column("hs_code").to_pylist() == ["1001"]


def test_target_published_and_charts(tmp_path: Path) -> None:
    png, page = tmp_path / "t.png", tmp_path / "t.html"
    res = json.loads(
        run("target", "--by-year", "2030", "--published", "--json", "--chart", str(png))
    )
    assert res["required_cagr"] == pytest.approx(0.554, abs=5e-4)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = run("target", "--by-year", "2027", "--published", "--chart", str(page))
    assert "+200.8 %" in text
    html = page.read_text()
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html and "<script src" not in html


def test_published_ytd_wording() -> None:
    out = json.loads(run("published", "--side", "KZ", "--json"))
    seed = next(f for f in out if f["figure_id"] == "kz-2025-11m-t")
    assert seed["growth_as_published"] == "+108 %"
    assert "not '108 % of'" in seed["note"]


def test_errors_are_clean_messages(tmp_path: Path) -> None:
    res = runner.invoke(app, ["summary", "-r", "KZ", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code != 0
    assert "No trade database" in str(res.exception)


def test_hs_lookup_in_russian() -> None:
    assert "Черные металлы" in run("hs", "72", "--lang", "ru")
