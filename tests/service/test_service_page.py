"""The page without a browser: rendering, texts in four languages, static files, basemap."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from daliz.service.basemap import REGION_LAT, REGION_LON, build, clip_ring, ring_area_centroid
from daliz.service.page_strings import STRINGS, page_strings
from daliz.service.routes.page import STATIC_DIR

JS_FILES = sorted((STATIC_DIR / "js").glob("*.js"))


def test_page_renders_in_the_request_language(client: TestClient) -> None:
    english = client.get("/")
    assert english.status_code == 200
    assert '<html lang="en" dir="ltr">' in english.text
    assert "{{" not in english.text, "every placeholder is filled"
    assert "Plan a shipment" in english.text
    urdu = client.get("/?lang=ur").text
    assert '<html lang="ur" dir="rtl">' in urdu
    assert page_strings("ur")["form.heading"] in urdu
    kazakh = client.get("/", headers={"Accept-Language": "kk-KZ,ru;q=0.8"}).text
    assert '<html lang="kk" dir="ltr">' in kazakh
    assert page_strings("kk")["form.heading"] in kazakh


def test_initial_strings_are_safe_json(client: TestClient) -> None:
    text = client.get("/?lang=ru").text
    match = re.search(r'<script type="application/json" id="initial-strings">(.*?)</script>', text)
    assert match
    data = json.loads(match.group(1))
    assert data["lang"] == "ru" and data["strings"] == page_strings("ru")


def test_every_text_key_used_by_the_page_exists() -> None:
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r'data-i18n(?:-placeholder|-title)?="([^"]+)"', html))
    used |= set(re.findall(r"\{\{t:([^}]+)\}\}", html))
    for path in JS_FILES:
        used |= set(re.findall(r"\bt\('([a-z0-9_.-]+)'\)", path.read_text(encoding="utf-8")))
    # Keys built at run time: one per mode and per event kind.
    used |= {f"mode.{m}" for m in ("road", "rail", "sea", "ferry")}
    used |= {"trade.side_KZ", "trade.side_PK"}
    used |= {
        f"event.{k}"
        for k in (
            "border_crossing",
            "transshipment",
            "gauge_change",
            "bogie_exchange",
            "port_handling",
            "ferry_loading",
            "service_wait",
            "border_wait",
        )
    }
    missing = sorted(used - set(STRINGS))
    assert not missing, f"texts used by the page but not in page_strings.py: {missing}"


@pytest.mark.parametrize("lang", ["kk", "ru", "ur"])
def test_every_page_text_has_a_translation(lang: str) -> None:
    strings = page_strings(lang)
    untranslated = [k for k, v in strings.items() if v == STRINGS[k] and not v.isascii()]
    assert not untranslated
    # Only texts that are codes or units may stay as in English.
    same = sorted(k for k, v in strings.items() if v == STRINGS[k])
    assert set(same) <= {"details.usd"}, same


def test_static_files_are_served_and_reference_nothing_outside(client: TestClient) -> None:
    for url in ("/static/app.css", "/static/js/app.js", "/static/vendor/leaflet/leaflet.js"):
        assert client.get(url).status_code == 200
    own = [STATIC_DIR / "index.html", STATIC_DIR / "app.css", *JS_FILES]
    for path in own:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']https?://""", text), path
        assert not re.search(r"""fetch\(\s*["']https?://""", text), path
        assert "url(http" not in text.replace(" ", ""), path


def test_vendored_files_carry_their_licences() -> None:
    leaflet = STATIC_DIR / "vendor" / "leaflet"
    assert "BSD" in (leaflet / "LICENSE").read_text(encoding="utf-8") or "Redistribution" in (
        leaflet / "LICENSE"
    ).read_text(encoding="utf-8")
    assert "Leaflet 1.9.4" in (leaflet / "leaflet.js").read_text(encoding="utf-8")[:300]
    notice = (STATIC_DIR / "basemap" / "NOTICE.md").read_text(encoding="utf-8")
    assert "Natural Earth" in notice and "world-atlas" in notice and "ISC" in notice


def test_shipped_basemap_covers_the_corridor_countries() -> None:
    data = json.loads((STATIC_DIR / "basemap" / "countries.geojson").read_text(encoding="utf-8"))
    by_code = {f["properties"]["iso2"]: f for f in data["features"]}
    for code in ("KZ", "PK", "AF", "UZ", "TM", "IR", "CN", "KG", "TJ", "AE", "AZ", "OM"):
        assert code in by_code, code
        names = by_code[code]["properties"]["names"]
        assert set(names) == {"en", "kk", "ru", "ur"} and all(names.values())
    assert by_code["KZ"]["properties"]["names"]["kk"] == "Қазақстан"
    for feature in data["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert ring[0] == ring[-1] and len(ring) >= 4
                for lon, lat in ring:
                    assert REGION_LON[0] <= lon <= REGION_LON[1]
                    assert REGION_LAT[0] <= lat <= REGION_LAT[1]
    assert (STATIC_DIR / "basemap" / "countries.geojson").stat().st_size < 400_000


def test_clip_ring_to_the_region() -> None:
    square = [(20.0, 0.0), (40.0, 0.0), (40.0, 20.0), (20.0, 20.0), (20.0, 0.0)]
    clipped = clip_ring(square, (25.0, 100.0), (5.0, 58.0))
    area, (cx, cy) = ring_area_centroid([list(p) for p in clipped])
    assert area == pytest.approx(15.0 * 15.0)
    assert (cx, cy) == pytest.approx((32.5, 12.5))
    outside = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    assert clip_ring(outside, (25.0, 100.0), (5.0, 58.0)) == []


def test_build_decodes_a_quantized_topology() -> None:
    # Two squares sharing one arc, quantized with a transform (the world-atlas layout).
    topology = {
        "type": "Topology",
        "transform": {"scale": [1.0, 1.0], "translate": [60.0, 30.0]},
        "arcs": [
            [[0, 0], [0, 10]],  # shared edge x=60, 30→40
            [[0, 10], [-10, 0], [0, -10], [10, 0]],  # west square around it
            [[0, 0], [10, 0], [0, 10], [-10, 0]],  # east square
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "id": "398",
                        "properties": {"name": "Kazakhstan"},
                        "arcs": [[0, 1]],
                    },
                    {
                        "type": "Polygon",
                        "id": "586",
                        "properties": {"name": "Pakistan"},
                        "arcs": [[2, ~0]],
                    },
                ],
            }
        },
    }
    collection = build(topology)
    features = {f["properties"]["iso2"]: f for f in collection["features"]}
    assert set(features) == {"KZ", "PK"}
    kz = features["KZ"]["geometry"]["coordinates"][0][0]
    assert sorted(map(tuple, kz[:-1])) == [(50.0, 30.0), (50.0, 40.0), (60.0, 30.0), (60.0, 40.0)]
    assert features["PK"]["properties"]["label"] == [65.0, 35.0]
    assert features["PK"]["properties"]["names"]["ru"] == "Пакистан"


def test_page_title_in_each_language(client: TestClient) -> None:
    for lang in ("en", "kk", "ru", "ur"):
        text = client.get(f"/?lang={lang}").text
        assert f"<title>daliz — {page_strings(lang)['app.title']}</title>" in text


def test_static_dir_is_inside_the_package() -> None:
    import daliz

    assert Path(daliz.__file__).parent in STATIC_DIR.parents
