"""Formatting integer cents for people."""

from __future__ import annotations

_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "cad": "CA$", "aud": "A$"}
_ZERO_DECIMAL = {"jpy", "krw"}
_SUFFIX = {
    "subscription_monthly": " / month",
    "subscription_yearly": " / year",
    "usage": " / run",
}


def format_amount(cents: int, currency: str) -> str:
    currency = currency.lower()
    symbol = _SYMBOLS.get(currency, currency.upper() + " ")
    if currency in _ZERO_DECIMAL:
        return f"{symbol}{cents:,}"
    whole, part = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    return f"{sign}{symbol}{whole:,}" + (f".{part:02d}" if part else "")


def format_price(cents: int, currency: str, pricing_model: str) -> str:
    if pricing_model == "free" or cents == 0:
        return "Free"
    return format_amount(cents, currency) + _SUFFIX.get(pricing_model, "")
