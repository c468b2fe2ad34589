"""Analyses on a hand-built KZ–PK fixture whose every figure is computed by hand here."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest
from trade_fixtures import write

from daliz.errors import RequestError
from daliz.trade import analytics, burden, mirror, published, store, target

# KZ-reported (kz-bns) and PK-reported (pk-pbs) monthly flows, USD and kg.
KZ_ROWS = """\
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
PK_ROWS = """\
year,month,reporter,partner,flow,hs_code,value_usd,net_weight_kg,source
2025,1,PK,KZ,M,0713,318,2000,pk-pbs
2025,2,PK,KZ,M,0703,159,1500,pk-pbs
2025,2,PK,KZ,M,7208,100,200,pk-pbs
2025,1,PK,KZ,X,0805,90,120,pk-pbs
2025,2,PK,KZ,X,3004,40,4,pk-pbs
"""


@pytest.fixture
def loaded(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    store.import_file(con, write(tmp_path / "kz.csv", KZ_ROWS))
    store.import_file(con, write(tmp_path / "pk.csv", PK_ROWS))
    return con


def test_monthly_turnover_and_ytd_labels(loaded: duckdb.DuckDBPyConnection) -> None:
    y = analytics.ytd(loaded, "KZ", "PK", year=2025, through_month=2)
    # Jan–Feb 2025: X 600, M 100 → 700; Jan–Feb 2024: X 300, M 50 → 350.
    assert (y.turnover_usd, y.prior_turnover_usd) == (700, 350)
    assert y.ratio == pytest.approx(2.0) and y.growth == pytest.approx(1.0)
    assert y.ratio_label == "200.0 % of Jan–Feb 2024"
    assert y.growth_label == "+100.0 % y/y"
    rows = analytics.annual_series(loaded, "KZ", "PK")
    assert [(r.value.year, r.value.months, r.value.turnover_usd) for r in rows] == [
        (2024, 2, 350),
        (2025, 2, 700),
    ]
    # Two months are not a year: no y/y growth between partial years.
    assert rows[1].turnover_growth is None


def test_composition_by_heading_chapter_section(loaded: duckdb.DuckDBPyConnection) -> None:
    c = analytics.composition(loaded, "KZ", "PK", flow="X", year=2025, level="heading")
    assert [(i.code, i.value_usd) for i in c.items] == [("0713", 300), ("0703", 150), ("7208", 150)]
    assert [round(i.share, 4) for i in c.items] == [0.5, 0.25, 0.25]
    assert c.items[0].description_ru.startswith("Овощи бобовые")
    ch = analytics.composition(loaded, "KZ", "PK", flow="X", year=2025, level="chapter")
    assert {i.code: i.value_usd for i in ch.items} == {"07": 450, "72": 150}
    sec = analytics.composition(loaded, "KZ", "PK", flow="X", year=2025, level="section")
    assert {i.code: i.value_usd for i in sec.items} == {"II": 450, "XV": 150}
    with pytest.raises(RequestError, match="HS6"):
        analytics.composition(loaded, "KZ", "PK", flow="X", year=2025, level="subheading")


def test_new_and_lost_products(loaded: duckdb.DuckDBPyConnection) -> None:
    ch = analytics.product_changes(loaded, "KZ", "PK", flow="X", from_year=2024, to_year=2025)
    assert [i.code for i in ch.new] == ["0703", "7208"]
    assert [i.code for i in ch.lost] == ["1001"]
    assert ch.kept == 1


def test_concentration_by_product(loaded: duckdb.DuckDBPyConnection) -> None:
    c = analytics.concentration(loaded, "KZ", partner="PK", flow="X", year=2025, digits=4)
    # shares 0.5, 0.25, 0.25: H = 0.375; N = 1,229 HS2022 headings.
    n = 1229
    assert (c.n_active, c.n_lines, c.level) == (3, n, "HS4")
    assert c.hhi == pytest.approx(0.375)
    assert c.hhi_normalized == pytest.approx((0.375 - 1 / n) / (1 - 1 / n))
    assert c.unctad_concentration == pytest.approx(
        (math.sqrt(0.375) - math.sqrt(1 / n)) / (1 - math.sqrt(1 / n))
    )
    t_w = 0.5 * math.log(1.5) + 2 * 0.25 * math.log(0.75)
    assert c.theil_within == pytest.approx(t_w)
    assert c.theil_between == pytest.approx(math.log(n / 3))
    assert c.theil == pytest.approx(t_w + math.log(n / 3))


def test_partner_concentration_refuses_partial_partner_lists(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(RequestError, match="every partner"):
        analytics.concentration(loaded, "KZ", by="partner", flow="X", year=2025)


def test_mirror_totals_and_products(loaded: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # Annual mirror needs complete years: add both sides' annual totals for 2023.
    annual = (
        "year,reporter,partner,flow,hs_code,value_usd,source\n"
        "2023,KZ,PK,X,TOTAL,5700000,kz-bns\n"
        "2023,KZ,PK,M,TOTAL,46800000,kz-bns\n"
        "2023,PK,KZ,M,TOTAL,6360000,pk-pbs\n"
        "2023,PK,KZ,X,TOTAL,120000000,pk-pbs\n"
    )
    store.import_file(loaded, write(tmp_path / "annual.csv", annual))
    rep = mirror.mirror(loaded, "KZ", "PK", year=2023)
    kz_pk = next(r for r in rep.rows if r.direction == "KAZ→PAK")
    assert (kz_pk.reported_by, kz_pk.reported_source, kz_pk.reported_usd) == (
        "KAZ",
        "kz-bns",
        5_700_000,
    )
    assert (kz_pk.mirror_by, kz_pk.mirror_source, kz_pk.mirror_valuation) == (
        "PAK",
        "pk-pbs",
        "CIF",
    )
    assert kz_pk.gap_usd == pytest.approx(660_000)
    assert kz_pk.mirror_fob_usd == pytest.approx(6_000_000)  # 6.36 m / 1.06
    assert kz_pk.gap_fob_usd == pytest.approx(300_000)
    pk_kz = next(r for r in rep.rows if r.direction == "PAK→KAZ")
    assert pk_kz.ratio == pytest.approx(46.8 / 120)
    assert any("CIF" in c for c in rep.caveats)
    by_product = mirror.mirror(loaded, "KZ", "PK", year=2025, digits=4)
    r0713 = next(r for r in by_product.rows if r.hs_code == "0713")
    assert (r0713.reported_usd, r0713.mirror_usd) == (300, 318)
    assert r0713.mirror_fob_usd == pytest.approx(300)


def test_target_from_published_matches_trade_data_vectors() -> None:
    fig = published.figure("kz-2025-11m-t")
    assert fig.growth_as_published == "+108 %" and fig.months == 11
    for year, expected in ((2027, 2.008), (2030, 0.554), (2035, 0.246)):
        t = target.from_published(fig, target_year=year)
        assert t.base_usd == pytest.approx(101.3e6 * 12 / 11)
        assert t.required_cagr == pytest.approx(expected, abs=5e-4)
        assert t.required_path[-1][1] == pytest.approx(1e9)
    assert "KZ side" in t.label and "S10" in t.label


def test_target_trend_from_store(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = "year,reporter,partner,flow,hs_code,value_usd,source\n" + "".join(
        f"{y},KZ,PK,X,TOTAL,{v},kz-bns\n{y},KZ,PK,M,TOTAL,{v},kz-bns\n"
        for y, v in ((2020, 25e6), (2021, 50e6))
    )
    store.import_file(con, write(tmp_path / "t.csv", rows))
    t = target.from_store(con, "KZ", "PK", target_year=2026)
    assert (t.base_year, t.base_usd) == (2021, 100e6)
    assert t.trend_cagr == pytest.approx(1.0)  # 50 m (2020) → 100 m (2021): doubled
    assert t.required_cagr == pytest.approx(10 ** (1 / 5) - 1)
    assert t.trend_reaches_target_in == pytest.approx(2021 + math.log(10) / math.log(2))


def test_logistics_burden_with_a_cost_function(loaded: duckdb.DuckDBPyConnection) -> None:
    calls = []

    def cost(hs_code: str, origin: str, destination: str) -> float | None:
        calls.append((hs_code, origin, destination))
        return None if hs_code == "7208" else 90.0  # USD per tonne

    rows = burden.logistics_burden(loaded, "KZ", "PK", cost, flow="X", year=2025)
    by = {r.hs_code: r for r in rows}
    # 0713: USD 300 for 2 t → 150 USD/t; corridor 90 USD/t → 60 % of the goods' value.
    assert by["0713"].unit_value_usd_per_t == pytest.approx(150)
    assert by["0713"].burden_share == pytest.approx(0.6)
    assert math.isnan(by["7208"].burden_share)
    assert ("0713", "KAZ", "PAK") in calls
    imports = burden.logistics_burden(loaded, "KZ", "PK", cost, flow="M", year=2025)
    assert imports[0].origin == "PAK" and imports[0].destination == "KAZ"


def test_sources_are_never_mixed(loaded: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    other = KZ_ROWS.replace("kz-bns", "comtrade")
    store.import_file(loaded, write(tmp_path / "other.csv", other))
    with pytest.raises(RequestError, match="does not mix"):
        analytics.composition(loaded, "KZ", "PK", flow="X", year=2025)
    rows = analytics.annual_series(loaded, "KZ", "PK")
    assert {r.value.source for r in rows} == {"kz-bns", "comtrade"}


def test_published_figures_carry_sources_and_both_sides() -> None:
    figs = published.figures()
    assert {f.side for f in figs} == {"KZ", "PK"}
    assert all(f.source.url.startswith("http") for f in figs)
    fy25 = [f for f in figs if f.figure_id in ("pk-fy25-x", "pk-fy25-m")]
    assert sum(f.value_usd for f in fy25) == pytest.approx(227.59e6)
    assert published.latest_turnover("KZ").figure_id == "kz-2025-11m-t"


def test_published_trend_includes_the_annualised_base() -> None:
    fig = published.figure("kz-2025-11m-t")
    hist = [
        (f.period_start.year, f.value_usd)
        for f in published.figures()
        if f.side == "KZ" and f.indicator == "turnover" and f.months == 12
    ]
    assert hist == [(2021, 95e6), (2022, 73.5e6), (2023, 52.5e6), (2024, 53.7e6)]
    t = target.from_published(fig, target_year=2030, history=hist)
    assert t.trend_years == "2021–2025"
    assert t.trend_cagr == pytest.approx((101.3e6 * 12 / 11 / 95e6) ** 0.25 - 1)
