import pytest

from shortener import Shortener, encode


def test_encode_is_base62():
    assert encode(0) == "0" and encode(61) == "Z" and encode(62) == "10"


def test_shorten_resolve_and_count():
    service = Shortener()
    code = service.shorten("https://example.com")
    assert service.resolve(code) == "https://example.com"
    assert service.stats(code)["clicks"] == 1


def test_expiry_and_validation():
    now = [1000.0]
    service = Shortener(clock=lambda: now[0])
    code = service.shorten("https://example.com", ttl_seconds=10)
    now[0] += 11
    assert service.resolve(code) is None
    with pytest.raises(ValueError):
        service.shorten("javascript:alert(1)")
    service.shorten("https://a.example", alias="taken")
    with pytest.raises(ValueError):
        service.shorten("https://b.example", alias="taken")
