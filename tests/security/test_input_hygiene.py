"""Bad input is a clear 4xx: control characters refused, bodies capped before they are read."""

from __future__ import annotations

from tests.fakes.commerce import api_fixture  # noqa: F401 - the `api` fixture
from vibecoder.api import licenses, webhooks


def test_license_api_caps_the_body_before_reading_it(api):
    big = b'{"license_key": "' + b"A" * (licenses.MAX_BODY_BYTES + 10) + b'"}'
    declared = api.post(
        "/api/v1/licenses/validate", content=big, headers={"Content-Type": "application/json"}
    )
    assert declared.status_code == 413 and declared.json()["error"] == "payload_too_large"

    def chunks():  # no Content-Length: cut off once past the cap
        for _ in range(64):
            yield b"A" * 1024

    chunked = api.post(
        "/api/v1/licenses/validate", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert chunked.status_code == 413


def test_license_api_refuses_control_characters(api):
    response = api.post("/api/v1/licenses/validate", json={"license_key": "VC-AAAAA\x00"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_characters"
    form = api.post("/api/v1/licenses/validate", data={"license_key": "VC-\x1b[31m"})
    assert form.status_code == 400


def test_webhook_body_is_capped(api):
    response = api.post(
        "/api/webhooks/stripe",
        content=b"x" * (webhooks.MAX_BODY_BYTES + 1),
        headers={"Content-Type": "application/json", "Stripe-Signature": "t=1,v1=00"},
    )
    assert response.status_code == 413
