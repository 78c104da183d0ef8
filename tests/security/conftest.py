"""The running app and Chromium of the e2e suite (one of each per test session)."""

from __future__ import annotations

from tests.e2e.conftest import (  # noqa: F401
    browser,
    live_app,
    page,
    pytest_runtest_makereport,
)
