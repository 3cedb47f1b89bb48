"""Shared pytest configuration.

`pytest --update-goldens` rewrites fixtures/legacy/*.expected.py from what `kerasfix fix` does
today instead of comparing with them. Review the result with `git diff` before committing:
a golden file is a claim that every line of it is right (architecture.md R6.2).
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite fixtures/legacy/*.expected.py instead of comparing with them")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(autouse=True)
def _no_kerasfix_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run without the `check` cache (tests/test_cache.py switches it back on), so that
    no test writes .kerasfix_cache/ into the checkout or sees another test's results."""
    monkeypatch.setenv("KERASFIX_NO_CACHE", "1")
