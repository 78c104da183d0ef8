"""Payment gateways behind one interface: Stripe when keys are configured, else the dummy."""

from __future__ import annotations

from vibecoder.domain.commerce.gateways.base import (
    CheckoutRequest,
    CheckoutSession,
    EventKind,
    GatewayError,
    GatewayOutcomeUnknown,
    PaymentEvent,
    PaymentGateway,
    RefundResult,
    SellerAccount,
)
from vibecoder.settings import get_settings

__all__ = [
    "CheckoutRequest",
    "CheckoutSession",
    "EventKind",
    "GatewayError",
    "GatewayOutcomeUnknown",
    "PaymentEvent",
    "PaymentGateway",
    "RefundResult",
    "SellerAccount",
    "gateway_name",
    "get_gateway",
    "parse_event",
]


def gateway_name() -> str:
    settings = get_settings()
    if settings.payment_gateway != "auto":
        return settings.payment_gateway
    return "stripe" if settings.stripe_secret_key else "dummy"


def get_gateway(name: str | None = None) -> PaymentGateway:
    """The gateway called `name` (default: the configured one). Built per call: cheap, and
    settings changes (tests, key rotation) take effect without a restart of the process."""
    name = name or gateway_name()
    if name == "stripe":
        from vibecoder.domain.commerce.gateways.stripe import StripeGateway

        settings = get_settings()
        if not settings.stripe_secret_key:
            raise GatewayError("stripe_not_configured", "Stripe is not configured.")
        return StripeGateway(
            secret_key=settings.stripe_secret_key,
            api_base=settings.stripe_api_base,
            timeout_seconds=settings.stripe_timeout_seconds,
        )
    if name in ("dummy", "free"):
        from vibecoder.domain.commerce.gateways.test import DummyGateway

        return DummyGateway()
    raise GatewayError("unknown_gateway", f"Unknown payment gateway {name!r}.")


def parse_event(gateway: str, payload: dict) -> PaymentEvent | None:
    """Our event for a stored payload of `gateway`; needs no API keys."""
    if gateway == "stripe":
        from vibecoder.domain.commerce.gateways.stripe import parse_stripe_event

        return parse_stripe_event(payload)
    return PaymentEvent.from_dict(payload)
