"""The plan report as HTML: self-contained, complete (request, map, chart, each alternative's
legs, costs, times, CO2e, documents, warnings, sources, dataset stamp) and in its language."""

from __future__ import annotations

import re

import pytest
from reports_helpers import mini_report, visible_text

from daliz.i18n import format_number, use_language
from daliz.reports.svgmap import basemap_path


@pytest.mark.parametrize("lang", ["en", "kk", "ru", "ur"])
def test_report_is_self_contained(lang: str) -> None:
    _result, html = mini_report(lang)
    assert html.startswith("<!DOCTYPE html>")
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "url("):
        assert forbidden not in html
    # the only web addresses are the sources' links, never something the page loads
    without_links = re.sub(r"<a href=\"[^\"]*\">[^<]*</a>", "", html)
    assert "http://" not in without_links.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in without_links


def test_map_draws_every_leg_on_the_basemap() -> None:
    result, html = mini_report("en")
    svg = html[html.index('<div class="figure map">') :]
    svg = svg[: svg.index("</svg>")]
    legs = [leg for alt in result.alternatives for leg in alt.legs]
    assert svg.count("<polyline") == len(legs)
    for alt in result.alternatives:
        assert f'data-rank="{alt.rank}"' in svg
    if basemap_path() is not None:
        land = svg[svg.index('<g class="land">') :]
        assert land.count("<path") >= 5  # KZ, UZ, TM, AF, IR, PK … around the routes
        assert ">Afghanistan<" in svg
    assert ">Shymkent<" in svg and ">Karachi Port<" in svg


def test_every_alternative_in_full() -> None:
    result, html = mini_report("en")
    text = visible_text(html)
    assert "Shipment plan: Shymkent → Karachi Port" in text
    for alt in result.alternatives:
        assert f"#{alt.rank} {alt.corridor}" in text
        t = alt.totals
        assert t.days_p90 is not None
        with use_language("en"):
            assert format_number(t.days_p90, digits=1) in text
            assert format_number(t.co2e_kg / 1000, digits=1) in text
        for leg in alt.legs:
            assert leg.from_name in text and leg.to_name in text
        for warning in alt.warnings:
            assert warning.split(" — ")[0].split(":")[0] in text
    for heading in (
        "Request",
        "Legs",
        "At places",
        "Cost breakdown",
        "Documents checklist",
        "Legal regime by leg",
        "Emission factors",
        "Sources of the numbers",
        "Cost, USD",
        "Door-to-door days (median–P90)",
    ):
        assert heading in text
    assert "Certificate of origin" in text and "TIR carnet" in text
    assert f"mini {result.dataset.version}" in text and result.dataset.hash[:12] in text


def test_sources_are_resolved_to_titles() -> None:
    result, html = mini_report("en")
    cited = {s for alt in result.alternatives for leg in alt.legs for s in leg.sources}
    assert cited
    sources = html[html.index('<table class="sources">') :]
    for source_id in cited:
        assert f"<bdi>{source_id}</bdi>" in sources
    # a rules source with a title and an address (the TIR Convention's UN treaty page)
    assert "treaties.un.org" in sources or "un.org" in sources


def test_kazakh_report_has_no_english_interface_text() -> None:
    _result, html = mini_report("kk")
    text = visible_text(html)
    assert 'lang="kk"' in html and 'dir="ltr"' in html
    assert "Тасымал жоспары: Шымкент → Карачи порты" in text
    for kazakh in ("Құжаттар тізімі", "Кезеңдер", "Шығындар құрылымы", "Сандардың дереккөздері"):
        assert kazakh in text
    assert "Шығу тегі туралы сертификат" in text  # a dataset text, through daliz_data
    for english in (
        "Shipment plan",
        "Documents checklist",
        "Cost breakdown",
        "Sources of the numbers",
        "issued by",
        "Certificate of origin",
        "Total cost",
        "border crossing",
    ):
        assert english not in text


def test_urdu_report_is_right_to_left() -> None:
    _result, html = mini_report("ur")
    assert 'lang="ur" dir="rtl"' in html
    assert "Noto Naskh Arabic" in html
    text = visible_text(html)
    assert "کھیپ کا منصوبہ" in text and "شیمکنت" in text
    assert "دستاویزات کی فہرست" in text
