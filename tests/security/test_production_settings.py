"""Production fails closed: no fake money, no unsigned webhooks, no test checkout routes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from vibecoder.settings import Settings

SECRET = "s" * 48


def _production(**overrides) -> Settings:
    values = {"environment": "production", "secret_key": SECRET, "_env_file": None}
    return Settings(**{**values, **overrides})


@pytest.fixture(autouse=True)
def _no_stripe_env(monkeypatch):
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "VIBECODER_PAYMENT_GATEWAY"):
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_the_test_gateway_without_the_explicit_flag():
    with pytest.raises(ValidationError, match="test gateway"):
        _production()  # "auto" without a Stripe key would fall back to the dummy gateway
    with pytest.raises(ValidationError, match="test gateway"):
        _production(payment_gateway="dummy")
    demo = _production(allow_test_payments=True)
    assert demo.uses_test_gateway and demo.test_checkout_enabled


def test_production_with_stripe_needs_the_webhook_secret():
    with pytest.raises(ValidationError, match="STRIPE_WEBHOOK_SECRET"):
        _production(stripe_secret_key="sk_live_x")
    live = _production(stripe_secret_key="sk_live_x", stripe_webhook_secret="whsec_1")
    assert not live.uses_test_gateway and not live.test_checkout_enabled


def test_production_refuses_placeholder_and_short_secrets():
    with pytest.raises(ValidationError, match="VIBECODER_SECRET_KEY"):
        _production(secret_key="short", allow_test_payments=True)


def test_preview_origin_must_differ_from_the_app():
    with pytest.raises(ValidationError, match="PREVIEW_URL"):
        _production(
            allow_test_payments=True,
            app_url="https://vibecoder.example",
            preview_url="https://vibecoder.example/",
        )
    ok = _production(
        allow_test_payments=True,
        app_url="https://vibecoder.example",
        preview_url="https://vibecoder-preview.example",
    )
    assert ok.public_preview_url == "https://vibecoder-preview.example" and ok.secure_cookies


def test_production_mounts_no_test_checkout_routes(monkeypatch):
    from vibecoder.api import build_api
    from vibecoder.settings import get_settings

    monkeypatch.setenv("VIBECODER_ENVIRONMENT", "production")
    monkeypatch.setenv("VIBECODER_SECRET_KEY", SECRET)
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_live_x")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_1")
    get_settings.cache_clear()
    try:
        paths = {route.path for route in build_api().routes}
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert not any("checkout/dummy" in path for path in paths)
    assert "/api/auth/signin" in paths
    # The development/test app keeps them (for the e2e purchase flows).
    assert any("checkout/dummy" in route.path for route in build_api().routes)
