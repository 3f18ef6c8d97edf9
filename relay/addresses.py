"""The client's address for rate limits and the audit log, also behind a reverse proxy.

A connection from an address in ``server.trusted_proxies`` carries the real
client in ``X-Forwarded-For`` (each proxy appends the address it saw).  We walk
that list from the right, skipping our own trusted proxies, and take the first
other address - the one the outermost trusted proxy saw.  Anything malformed, or a
header from a peer that is not a trusted proxy, is ignored: the peer's own address
is used, so a client can never choose its rate-limit bucket.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(trusted: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(t, strict=False) for t in trusted)


def is_trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    """True if ``address`` is one of the trusted reverse proxies."""
    return _trusted(address, proxies)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(peer: str, forwarded: Iterable[str], proxies: tuple[Network, ...]) -> str:
    """``peer`` itself, or the real client named by trusted proxies' X-Forwarded-For."""
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for header in forwarded for hop in header.split(",")]
    for hop in reversed(hops):
        try:
            ip = str(ipaddress.ip_address(hop))
        except ValueError:
            return peer  # a garbled chain: believe nothing of it
        if not _trusted(ip, proxies):
            return ip
    return peer
