"""Shared fixture: the bundled rules, loaded once."""

from __future__ import annotations

import pytest
from rules_testdata import DEFAULT

from daliz.rules import RuleBook, load_rules


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return load_rules([DEFAULT])
