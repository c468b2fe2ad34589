"""HTML → PDF with headless Chromium (Debian's /usr/bin/chromium), fully offline.

The report is self-contained, so Chromium is started with every background service off (no
network use at all, see the flags) and a throw-away profile directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from daliz.errors import DalizError
from daliz.i18n import _

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 120
# Offline and quiet: no background networking, updates, sync or first-run work.
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
)


def find_browser() -> str | None:
    """The Chromium executable: $DALIZ_CHROMIUM, else the first of CANDIDATES on PATH."""
    configured = os.environ.get("DALIZ_CHROMIUM")
    if configured:
        return configured
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, out: Path) -> Path:
    """Print `html` to the PDF file `out` with headless Chromium; return `out`."""
    browser = find_browser()
    if browser is None:
        raise DalizError(
            _("No Chromium browser found to print the PDF."),
            hint=_(
                "Install Debian's chromium (scripts/system-deps.sh), set DALIZ_CHROMIUM, or "
                "write an .html report instead."
            ),
        )
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="daliz-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        profile = Path(tmp) / "profile"
        command = [
            browser,
            *OFFLINE_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            proc = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            raise DalizError(
                _("Chromium did not finish printing the PDF within {seconds} s.").format(
                    seconds=TIMEOUT_S
                )
            ) from None
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            raise DalizError(
                _("Chromium could not print the PDF (exit code {code}).").format(
                    code=proc.returncode
                ),
                hint="\n".join(tail) or None,
            )
    return out
