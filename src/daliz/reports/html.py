"""Small HTML building blocks for self-contained reports: escaping, tables, the page frame.

Reports are one HTML file with inline CSS and inline SVG: no scripts, no web fonts, nothing
fetched. The fonts named in the CSS are the system's (Noto Sans, Noto Naskh Arabic for Urdu,
DejaVu Sans as fallback); the PDF embeds whatever the printing browser used.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from daliz.i18n import current_language, text_direction

Cell = str | tuple[str, str]  # text, or (text, css class)


def esc(text: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(text), quote=True)


def bdi(text: object) -> str:
    """Text isolated from the surrounding direction (ids, codes, names inside Urdu text)."""
    return f"<bdi>{esc(text)}</bdi>"


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    numeric: Iterable[int] = (),
    css_class: str = "",
) -> str:
    """An HTML table; `numeric` columns are aligned to the end. Cells are escaped unless given
    as (html, css class) pairs built by the caller."""
    numeric_columns = set(numeric)

    def cell(tag: str, index: int, value: Cell) -> str:
        classes = ["num"] if index in numeric_columns else []
        if isinstance(value, tuple):
            content, extra = value
            classes.append(extra)
        else:
            content = esc(value)
        attr = f' class="{" ".join(c for c in classes if c)}"' if classes else ""
        return f"<{tag}{attr}>{content}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    cls = f' class="{css_class}"' if css_class else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def raw(content: str, css_class: str = "") -> tuple[str, str]:
    """A table cell holding already-built HTML."""
    return (content, css_class)


def definition_list(items: Iterable[tuple[str, str]]) -> str:
    """A two-column list of label → value (values already escaped HTML)."""
    return (
        '<dl class="facts">'
        + "".join(f"<dt>{esc(label)}</dt><dd>{value}</dd>" for label, value in items)
        + "</dl>"
    )


def _fonts(lang: str) -> str:
    if lang == "ur":
        return '"Noto Naskh Arabic", "Noto Sans Arabic", "Noto Sans", "DejaVu Sans", sans-serif'
    return '"Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif'


_CSS = """
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
html { font-family: %(fonts)s; font-size: %(size)s; color: #1d2430; }
body { margin: 0 auto; max-width: 190mm; line-height: %(leading)s; }
h1 { font-size: 1.55rem; margin: 0 0 .2rem; color: #0b3d5c; }
h2 { font-size: 1.2rem; margin: 1.4rem 0 .5rem; color: #0b3d5c;
     border-block-end: 2px solid #0b3d5c; padding-block-end: .15rem; }
h3 { font-size: 1.02rem; margin: 1rem 0 .35rem; color: #123; }
p { margin: .3rem 0; }
.subtitle { color: #445; margin-block-end: .6rem; }
.stamp { color: #556; font-size: .82rem; }
table { border-collapse: collapse; width: 100%%; margin: .3rem 0 .7rem; font-size: .84rem; }
th, td { border-block-end: 1px solid #d5dbe3; padding: .22rem .35rem; text-align: start;
         vertical-align: top; }
th { background: #eef2f7; font-weight: 600; }
td.num, th.num { text-align: end; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .9rem;
         margin: .3rem 0 .6rem; font-size: .9rem; }
.facts dt { color: #445; }
.facts dd { margin: 0; font-weight: 600; }
.figure { margin: .5rem 0 .8rem; break-inside: avoid; }
.figure > svg { width: 100%%; height: auto; display: block; }
.nowrap { white-space: nowrap; }
.caption { font-size: .78rem; color: #556; margin-block-start: .2rem; }
.alternative { break-before: page; }
.swatch { display: inline-block; width: .8em; height: .8em;
          border-radius: 2px; margin-inline-end: .35em; vertical-align: -0.05em; }
.badge { display: inline-block; padding: 0 .35em; border-radius: 3px; font-size: .76rem;
         margin-inline-start: .3em; background: #e6eef7; color: #0b3d5c; }
.badge.blocked { background: #fde2e1; color: #9b1c1c; }
.callout { border-inline-start: 4px solid; padding: .3rem .6rem; margin: .35rem 0;
           font-size: .88rem; break-inside: avoid; }
.callout.blocker { border-color: #c0392b; background: #fdf0ef; }
.callout.warning { border-color: #d68910; background: #fef8ec; }
ul.checklist { list-style: none; padding-inline-start: .2rem; margin: .2rem 0 .5rem; }
ul.checklist li { margin: .15rem 0; font-size: .88rem; }
ul.checklist li::before { content: "☐"; margin-inline-end: .45em; }
.muted { color: #667; }
.small { font-size: .78rem; }
.sources td { font-size: .76rem; }
.sources a { color: #0b5c8a; word-break: break-all; }
.notes li { font-size: .84rem; color: #334; }
footer { margin-block-start: 1.5rem; border-block-start: 1px solid #ccd; padding-block-start: .4rem;
         font-size: .76rem; color: #556; }
"""


def page(title: str, body: str, *, lang: str | None = None) -> str:
    """A complete HTML document in `lang` (default: the current language), RTL for Urdu."""
    lang = lang or current_language()
    css = _CSS % {
        "fonts": _fonts(lang),
        "size": "11.5pt" if lang == "ur" else "10pt",
        "leading": "1.75" if lang == "ur" else "1.38",
    }
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}" dir="{text_direction(lang)}">'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{css}</style></head>"
        f"<body>{body}</body></html>\n"
    )
