"""The one rate-limit counter: tries counted in the cache per client address (or any key), in a
window that starts with the first try.

Every limit per client address goes through here, so every one groups addresses the same way:
IPv4 one by one, IPv6 by /64 (IPV6_PREFIX). Callers: youth join codes (camp.services.join),
guardian links (camp.services.consent.guardian_link_resolve) and certificate lookups
(reports.access.verify_rate_limited). allauth's own limits (sign-in, password
reset) group IPv6 by the same prefix: settings.ALLAUTH_RATE_LIMIT_IPV6_PREFIX, checked by a test.
The live room's per-user message bucket (live.services.ratelimit) counts per account, not per
address, in the database.
"""

import ipaddress

from django.core.cache import cache

# One IPv6 subscriber (a home, a school, a phone) is given a whole /64 and can pick a fresh address
# from it for every request: counted one by one, a per-address limit would not limit.
IPV6_PREFIX = 64


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, which qiaocamp.middleware.ClientAddressMiddleware sets to
    the address our reverse proxy saw (never an X-Forwarded-For entry the client wrote itself)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def client_address_bucket(ip: str) -> str:
    """The bucket a client address is counted in: IPv4 addresses one by one, IPv6 by /64
    (an IPv4-mapped IPv6 address is its IPv4 address; a zone such as %eth0 is dropped)."""
    try:
        address = ipaddress.ip_address(ip.strip().split("%", 1)[0])
    except ValueError:
        return ip[:64] or "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        network = ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False)
        return f"{network.network_address}/{IPV6_PREFIX}"
    return str(address)


def address_key(scope: str, ip: str) -> str:
    """The counter of one client address (its bucket) for one limit, e.g. "join:ip:2001:db8::/64"."""
    return f"{scope}:ip:{client_address_bucket(ip)}"


def hit(key: str, window: int) -> int:
    """Add one to a counter that lives `window` seconds from its first try; the new count."""
    # add() then incr() is atomic on Redis and on the local-memory cache alike.
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window)
        return 1


def give_back(key: str) -> None:
    """Undo one hit (a try that turned out not to count)."""
    try:
        cache.decr(key)
    except ValueError:  # the window ended meanwhile: nothing left to give back
        pass


def address_limited(scope: str, ip: str, *, limit: int, window: int) -> bool:
    """Count one try of this client address for `scope`; True once it has used up its `limit`
    tries of the window (the refused try is counted too: hammering does not reopen the window)."""
    return hit(address_key(scope, ip), window) > limit
