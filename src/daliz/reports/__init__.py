"""Shareable reports: self-contained HTML (inline CSS, inline SVG map and charts) and PDF.

    from daliz.reports import plan_report, write_report
    result, html = plan_report(request, lang="kk")
    write_report(html, Path("plan.pdf"))      # .html or .pdf

Reports are rendered in the language given (English, Kazakh, Russian, Urdu right to left) and
never touch the network: the basemap ships with daliz, PDFs are printed by headless Chromium.
"""

from __future__ import annotations

from pathlib import Path

from daliz.errors import DalizError
from daliz.i18n import _
from daliz.reports.pdf import html_to_pdf
from daliz.reports.plan import plan_report, plan_report_html

FORMATS = (".html", ".htm", ".pdf")


def write_report(html: str, out: Path) -> Path:
    """Write `html` to `out`: as is for .html, printed by Chromium for .pdf."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise DalizError(
            _("Cannot write a report as {suffix!r}.").format(suffix=out.suffix or out.name),
            hint=_("Give a file name ending in .html or .pdf."),
        )
    if suffix == ".pdf":
        return html_to_pdf(html, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


__all__ = ["FORMATS", "html_to_pdf", "plan_report", "plan_report_html", "write_report"]
