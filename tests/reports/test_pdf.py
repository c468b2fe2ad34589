"""PDF reports printed by headless Chromium, checked as a reader would: the pages exist as
images (pdftoppm) and carry the key texts (pdftotext), in English and Kazakh (and Urdu)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from reports_helpers import mini_report

from daliz.reports import write_report
from daliz.reports.pdf import find_browser
from daliz.reports.trade import TradeReportOptions, trade_report_html

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_browser() is None or shutil.which("pdftoppm") is None,
        reason="needs Chromium and poppler-utils (scripts/system-deps.sh)",
    ),
]


def pages_as_png(pdf: Path, out: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(out / "page")], check=True)
    return sorted(out.glob("page-*.png"))


def pdf_text(pdf: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


def assert_pages_drawn(pages: list[Path]) -> None:
    for page in pages:
        with Image.open(page) as image:
            spread = ImageStat.Stat(image.convert("L")).stddev[0]
        assert spread > 5, f"{page.name} is blank"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "Shipment plan: Shymkent → Karachi Port",
                "Documents checklist",
                "Certificate of origin",
                "Sources of the numbers",
                "Door-to-door days (median–P90)",
                "Dataset mini",
            ],
        ),
        (
            "kk",
            [
                "Тасымал жоспары: Шымкент → Карачи порты",
                "Құжаттар тізімі",
                "Шығу тегі туралы сертификат",
                "Сандардың дереккөздері",
                "Деректер жинағы mini",
            ],
        ),
    ],
)
def test_plan_pdf(tmp_path: Path, lang: str, expected: list[str]) -> None:
    result, html = mini_report(lang)
    pdf = write_report(html, tmp_path / f"plan-{lang}.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = pages_as_png(pdf, tmp_path)
    assert len(pages) >= 1 + len(result.alternatives)  # summary, then one section per route
    assert_pages_drawn(pages)
    text = pdf_text(pdf)
    for snippet in expected:
        assert snippet in text, snippet
    for alt in result.alternatives:
        assert alt.corridor.split(",")[0] in text


def test_urdu_pdf_uses_an_arabic_script_font(tmp_path: Path) -> None:
    _result, html = mini_report("ur")
    pdf = write_report(html, tmp_path / "plan-ur.pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "NotoNaskhArabic" in fonts.stdout.replace(" ", "")
    assert_pages_drawn(pages_as_png(pdf, tmp_path))


@pytest.mark.parametrize("lang", ["en", "kk"])
def test_trade_pdf(tmp_path: Path, lang: str) -> None:
    html = trade_report_html(TradeReportOptions(db_path=tmp_path / "none.duckdb"), lang=lang)
    pdf = write_report(html, tmp_path / f"trade-{lang}.pdf")
    assert_pages_drawn(pages_as_png(pdf, tmp_path))
    text = pdf_text(pdf)
    if lang == "en":
        assert "Trade between Kazakhstan and Pakistan" in text
        assert "Published figures" in text and "KZ customs statistics" in text
    else:
        assert "Қазақстан – Пәкістан саудасы" in text
        assert "Жарияланған деректер" in text and "Қазақстан кеден статистикасы" in text
