"""The real client address behind trusted reverse proxies (VIBECODER_TRUSTED_PROXIES).

Forwarded headers are believed only when the peer itself is a trusted proxy; then the
X-Forwarded-For chain is walked from the right over at most `trusted_proxy_hops` trusted
proxies. Anyone else's X-Forwarded-For is ignored, so a client cannot pick the address its
rate limits count against.
"""

from __future__ import annotations

import functools
import ipaddress

from vibecoder.settings import get_settings


@functools.lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _trusted(
    address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def real_client_address(peer: str | None, forwarded_for: str | None) -> str:
    """The client's address for `peer` (the socket's address) and its X-Forwarded-For."""
    peer = peer or "unknown"
    settings = get_settings()
    networks = _networks(tuple(settings.trusted_proxy_networks))
    if not networks or not _trusted(peer, networks):
        return peer
    chain = [part.strip() for part in (forwarded_for or "").split(",") if part.strip()]
    address = peer
    hops = 0
    while chain and hops < settings.trusted_proxy_hops and _trusted(address, networks):
        address = chain.pop()
        hops += 1
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        # A garbled header from behind a trusted proxy: count it against the proxy.
        return peer
