"""The web page: index.html rendered in the request's language, static files beside it."""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from daliz.i18n import current_language, is_rtl
from daliz.service.page_strings import page_strings

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
_PLACEHOLDER = re.compile(r"\{\{(t:[a-z0-9_.-]+|lang|dir|strings)\}\}")

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def _template() -> str:
    return (STATIC_DIR / "index.html").read_text(encoding="utf-8")


def render_page(lang: str) -> str:
    """index.html with its texts, `lang` and `dir` filled in (first paint in the right language)."""
    strings = page_strings(lang)
    # JSON inside <script type="application/json">: escape '<' so no text can close the tag.
    strings_json = json.dumps({"lang": lang, "strings": strings}, ensure_ascii=False)
    strings_json = strings_json.replace("<", "\\u003c")

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "lang":
            return lang
        if name == "dir":
            return "rtl" if is_rtl(lang) else "ltr"
        if name == "strings":
            return strings_json
        return html.escape(strings.get(name[2:], name[2:]))

    return _PLACEHOLDER.sub(fill, _template())


@router.get("/", response_class=HTMLResponse)
def index() -> HTMLResponse:
    """The planning page."""
    return HTMLResponse(render_page(current_language()), headers={"Cache-Control": "no-cache"})
