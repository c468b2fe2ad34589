"""Every report test starts and ends with no language chosen in the process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from daliz.i18n import set_language


@pytest.fixture(autouse=True)
def _no_language_chosen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in ("DALIZ_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    set_language(None)
    yield
    set_language(None)
