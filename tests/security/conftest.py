"""The running app and Chromium from the e2e suite; 127.0.0.1 is the trusted proxy here."""

from __future__ import annotations

import os

# Read by the app `live_app` starts: the test client plays the reverse proxy on loopback, so
# X-Forwarded-For from it is believed (and from nobody else).
os.environ["VIBECODER_TRUSTED_PROXIES"] = "127.0.0.1/32"
os.environ["VIBECODER_TRUSTED_PROXY_HOPS"] = "1"

from tests.e2e.conftest import browser, live_app, page  # noqa: E402,F401
