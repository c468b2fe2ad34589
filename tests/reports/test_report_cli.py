"""`daliz report plan|trade … --out FILE [--lang]` through the real entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reports_helpers import visible_text

PLAN = [
    "report",
    "plan",
    "Shymkent",
    "Karachi",
    "--commodity",
    "wheat",
    "--tonnes",
    "500",
    "--date",
    "2027-03-01",
    "--draws",
    "100",
    "--dataset",
    "tests/fixtures/mini",
]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DALIZ_LANG", "LANG", "LC_ALL")}
    clean.update({"DALIZ_ROADS": "off", **env})
    return subprocess.run(
        [sys.executable, "-m", "daliz", *args],
        capture_output=True,
        text=True,
        env=clean,
        check=False,
        timeout=180,
    )


def test_plan_report_html_in_the_report_language(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    done = run(*PLAN, "--out", str(out), "--lang", "ru")
    assert done.returncode == 0, done.stderr
    assert "Отчёт записан в" in done.stdout
    text = visible_text(out.read_text(encoding="utf-8"))
    assert "План перевозки: Шымкент → " in text
    assert "Перечень документов" in text


def test_global_language_applies_to_reports(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    done = run(*PLAN, "--out", str(out), DALIZ_LANG="kk")
    assert done.returncode == 0, done.stderr
    assert 'lang="kk"' in out.read_text(encoding="utf-8")


def test_bad_output_name_is_refused_in_the_language(tmp_path: Path) -> None:
    done = run("--lang", "kk", *PLAN, "--out", str(tmp_path / "plan.docx"))
    assert done.returncode == 2
    assert "Есепті '.docx' ретінде жазу мүмкін емес." in done.stderr
    assert not (tmp_path / "plan.docx").exists()


def test_trade_report_html(tmp_path: Path) -> None:
    out = tmp_path / "trade.html"
    done = run(
        "report", "trade", "--out", str(out), "--db", str(tmp_path / "none.duckdb"), "--lang", "ur"
    )
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert 'dir="rtl"' in html and "شائع شدہ اعداد" in html
