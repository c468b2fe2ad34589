"""Trade routes: the summary of an imported store (hand-computed figures) and published figures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_helpers import bearer

from daliz.service import Settings, create_app
from daliz.trade import published, store

# KZ-reported monthly flows (USD): Jan–Feb 2024 turnover 350, Jan–Feb 2025 turnover 700.
ROWS = """\
year,month,reporter,partner,flow,hs_code,value_usd,net_weight_kg,source
2024,1,KZ,PK,X,0713,100,1000,kz-bns
2024,2,KZ,PK,X,1001,200,4000,kz-bns
2024,1,KZ,PK,M,0805,50,100,kz-bns
2025,1,KZ,PK,X,0713,300,2000,kz-bns
2025,2,KZ,PK,X,0703,150,1500,kz-bns
2025,2,KZ,PK,X,7208,150,200,kz-bns
2025,1,KZ,PK,M,0805,60,120,kz-bns
2025,2,KZ,PK,M,3004,40,4,kz-bns
"""


@pytest.fixture
def trade_client(make_settings: Callable[..., Settings], tmp_path: Path) -> tuple[TestClient, Path]:
    db = tmp_path / "trade.duckdb"
    app = create_app(make_settings(trade_db=db))
    return TestClient(app), db


def test_summary_of_imported_flows(trade_client: tuple[TestClient, Path], tmp_path: Path) -> None:
    client, db = trade_client
    missing = client.get("/api/v1/trade/summary", params={"reporter": "KZ", "partner": "PK"})
    assert missing.status_code == 404
    assert "daliz trade import" in missing.json()["hint"]
    source = tmp_path / "kz.csv"
    source.write_text(ROWS, encoding="utf-8")
    with store.connect(db) as con:
        store.import_file(con, source)
    body = client.get("/api/v1/trade/summary", params={"reporter": "KZ", "partner": "PK"}).json()
    assert [(y["year"], y["months"], y["turnover_usd"]) for y in body["years"]] == [
        (2024, 2, 350),
        (2025, 2, 700),
    ]
    assert all(y["source"] == "kz-bns" and y["reporter"] == "KAZ" for y in body["years"])
    assert body["years"][1]["turnover_growth"] is None  # two months are not a year
    ytd = body["ytd"][0]
    assert (ytd["turnover_usd"], ytd["prior_turnover_usd"]) == (700, 350)
    assert ytd["ratio_label"] == "200.0 % of Jan–Feb 2024"
    assert ytd["growth_label"] == "+100.0 % y/y"
    unknown = client.get("/api/v1/trade/summary", params={"reporter": "Narnia"})
    assert unknown.status_code == 422
    assert "Narnia" in unknown.json()["detail"]


def test_published_figures(client: TestClient) -> None:
    every = client.get("/api/v1/trade/published").json()
    assert len(every) == len(published.figures())
    first = every[0]
    assert {"figure_id", "side", "value_usd", "period_start", "source", "months"} <= set(first)
    assert first["source"]["url"].startswith("http")
    kz = client.get("/api/v1/trade/published", params={"side": "KZ"}).json()
    assert kz and all(f["side"] == "KZ" for f in kz)
    assert client.get("/api/v1/trade/published", params={"side": "XX"}).status_code == 422


def test_trade_routes_follow_anonymous_access(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(anonymous="none"))
    from daliz.service.auth import add_user

    key = add_user(app.state.daliz.sessions, "viewer", "viewer")[1]
    with TestClient(app) as client:
        assert client.get("/api/v1/trade/published").status_code == 401
        assert client.get("/api/v1/trade/published", headers=bearer(key)).status_code == 200
