"""Public URLs follow the browser's loopback host when configured as localhost, never a
stranger's Host header, and a real domain stays as configured."""

from __future__ import annotations

from vibecoder.settings import Settings
from vibecoder.urls import localize, serving


def test_localhost_follows_the_loopback_host_the_browser_used():
    assert localize("http://localhost:3000", "127.0.0.1") == "http://127.0.0.1:3000"
    assert localize("http://localhost:8080/x", "localhost") == "http://localhost:8080/x"
    assert localize("http://localhost:8080", "::1") == "http://[::1]:8080"


def test_real_domains_and_foreign_hosts_are_never_rewritten():
    assert localize("https://shop.example", "127.0.0.1") == "https://shop.example"
    # A request claiming Host: evil.example cannot steer links anywhere.
    assert localize("http://localhost:3000", "evil.example") == "http://localhost:3000"
    assert localize("http://localhost:3000", None) == "http://localhost:3000"


def test_settings_public_urls_follow_the_current_request():
    settings = Settings(app_url="", api_url="", frontend_port=3000, backend_port=8000)
    assert settings.public_url == "http://localhost:3000"
    with serving("http://127.0.0.1:3000"):
        assert settings.public_url == "http://127.0.0.1:3000"
        assert settings.public_api_url == "http://127.0.0.1:8000"
        # Previews: the backend under the other loopback name, so the app's cookies (per
        # host, whatever the port) are not even sent with them.
        assert settings.public_preview_url == "http://localhost:8000"
    assert settings.public_api_url == "http://localhost:8000"
    assert settings.public_preview_url == "http://127.0.0.1:8000"
    prod = Settings(
        app_url="https://shop.example",
        api_url="https://shop.example",
        preview_url="https://preview.example-usercontent.net",
    )
    with serving("127.0.0.1:8080"):
        assert prod.public_url == "https://shop.example"
        assert prod.public_preview_url == "https://preview.example-usercontent.net"
