"""The project's middleware: user preferences, the client's real address, the request-size limit,
security headers (CSP with a per-request nonce, Permissions-Policy), and the WebSocket origin check.

Django middleware (settings.MIDDLEWARE) for HTTP; the ASGI ones wrap qiaocamp.asgi's router.
"""

import asyncio
import ipaddress
import logging
import secrets
import zoneinfo
from functools import cache
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port, validate_host
from django.shortcuts import render
from django.utils import timezone, translation

logger = logging.getLogger(__name__)


class UserPreferencesMiddleware:
    """Activate the signed-in user's language and time zone for every request (qiaocamp.language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.preferred_language:
                translation.activate(user.preferred_language)
                request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        response = self.get_response(request)
        _language_cookie_follow(request, response)
        return response


def _language_cookie_follow(request, response) -> None:
    """The language cookie says the signed-in person's language, so that the pages they see after
    signing out (and the next sign-in page) stay in it rather than in an older choice."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.preferred_language:
        return
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) == user.preferred_language:
        return
    if settings.LANGUAGE_COOKIE_NAME in response.cookies:  # the switcher set it on this response
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, user.preferred_language,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


# --- The client's address ---------------------------------------------------------------------
# nginx's `proxy_add_x_forwarded_for` APPENDS the address it saw to whatever X-Forwarded-For the
# client sent: everything left of the proxies' own entries is written by the client and can be
# anything. Daphne's --proxy-headers takes the leftmost entry, so a guesser could spread its tries
# over made-up addresses, or spend a school's budget by naming the school's address. We take the
# rightmost address that is not one of our proxies (QIAOCAMP_TRUSTED_PROXIES), and only when the
# request really came from one of them; daphne then runs WITHOUT --proxy-headers (README).


@cache
def trusted_proxies() -> tuple:
    networks = []
    for entry in settings.QIAOCAMP_TRUSTED_PROXIES:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(f"QIAOCAMP_TRUSTED_PROXIES: {entry!r} is not an address or network") from error
    return tuple(networks)


def _address(text: str):
    """An IP address from an X-Forwarded-For entry ("203.0.113.7", "[2001:db8::1]:443", "1.2.3.4:80")."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _trusted(address) -> bool:
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in trusted_proxies())


def client_from(peer: str, forwarded_for: str) -> str:
    """The client's address: the peer itself, unless the peer is a trusted proxy; then the
    rightmost X-Forwarded-For entry that is not a trusted proxy (all trusted: the leftmost)."""
    peer_address = _address(peer or "")
    if peer_address is None or not _trusted(peer_address):
        if forwarded_for and peer and forwarded_for.split(",")[0].strip() == peer:
            _warn_proxy_headers()
        return peer
    client = peer
    for hop in reversed([h for h in (forwarded_for or "").split(",") if h.strip()]):
        address = _address(hop)
        if address is None:  # garbage left of our proxies: nobody we trust wrote it
            break
        client = str(address)
        if not _trusted(address):
            break
    return client


@cache
def _warn_proxy_headers() -> None:
    logger.warning(
        "The client address equals the first X-Forwarded-For entry: is daphne running with "
        "--proxy-headers? Then client addresses can be forged. Run daphne without it and list the "
        "proxy in QIAOCAMP_TRUSTED_PROXIES (README, deployment).")


class ClientAddressMiddleware:
    """HTTP: REMOTE_ADDR becomes the client's address as the proxy saw it (client_from), for every
    reader: camp.ratelimit (join codes, /verify/), allauth's sign-in limits, logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        peer = request.META.get("REMOTE_ADDR", "")
        client = client_from(peer, request.META.get("HTTP_X_FORWARDED_FOR", ""))
        if client != peer:
            request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


def _header(scope, name: bytes) -> str:
    values = [value.decode("latin-1") for key, value in scope.get("headers", []) if key.lower() == name]
    return ",".join(values)


class ClientAddressASGIMiddleware:
    """WebSocket: scope["client"] becomes the client's address as the proxy saw it (client_from)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        peer = scope.get("client") or ("", 0)
        client = client_from(peer[0] or "", _header(scope, b"x-forwarded-for"))
        if client != peer[0]:
            scope = {**scope, "client": [client, 0]}
        return await self.app(scope, receive, send)


# --- Request size -------------------------------------------------------------------------------
# The reverse proxy refuses big bodies first (client_max_body_size); without it, Django would spool
# any body to disk before a view could say no. The largest legitimate one is a lesson attachment
# (20 MiB) with its multipart envelope.
TOO_LARGE = "qiaocamp.request_too_large"


def _content_length(value) -> int | None:
    try:
        length = int(value)
    except (TypeError, ValueError):
        return None
    return length if length >= 0 else None


class RequestSizeASGIMiddleware:
    """HTTP under ASGI: a body announced (Content-Length) or streamed beyond
    QIAOCAMP_MAX_REQUEST_BYTES is not read: Django gets an empty body and RequestSizeMiddleware
    answers 413. Daphne itself still receives what the client sends: keep the proxy's limit."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.QIAOCAMP_MAX_REQUEST_BYTES
        length = _content_length(_header(scope, b"content-length") or None)
        scope = {**scope}
        state = {"read": 0}

        async def limited_receive():
            if scope.get(TOO_LARGE):
                # Django has its (empty) body and answers 413 at once; it only listens for a
                # disconnect meanwhile. The rest of the body is not asked for.
                await asyncio.Event().wait()
            if length is not None and length > limit:
                scope[TOO_LARGE] = True
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                state["read"] += len(message.get("body", b""))
                if state["read"] > limit:
                    scope[TOO_LARGE] = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        return await self.app(scope, limited_receive, send)


class RequestSizeMiddleware:
    """A request whose body is over the limit gets the 413 page, before anything reads the body
    (under WSGI by its Content-Length; under ASGI as RequestSizeASGIMiddleware marked it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _content_length(request.META.get("CONTENT_LENGTH")) or 0
        scope = getattr(request, "scope", None) or {}
        if scope.get(TOO_LARGE) or length > settings.QIAOCAMP_MAX_REQUEST_BYTES:
            response = render(request, "413.html", {
                "limit_mb": settings.QIAOCAMP_MAX_REQUEST_BYTES // (1024 * 1024)}, status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)


# --- Security headers ------------------------------------------------------------------------------


class SecurityHeadersMiddleware:
    """Content-Security-Policy with a fresh nonce per request (request.csp_nonce, for the few
    inline <style>/<script> blocks that need one: `nonce="{{ request.csp_nonce }}"`), and
    Permissions-Policy. Referrer-Policy and X-Content-Type-Options come from Django's
    SecurityMiddleware (SECURE_REFERRER_POLICY, SECURE_CONTENT_TYPE_NOSNIFF)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# The live room's video needs the camera and microphone of our own pages; nothing else does.
PERMISSIONS_POLICY = ("camera=(self), microphone=(self), display-capture=(self), fullscreen=(self), "
                      "geolocation=(), payment=(), usb=(), serial=(), bluetooth=()")


def form_action_sources() -> str:
    """'self', and the sign-in pages of the configured LINE/WeChat apps: the login page's buttons
    post to us and we redirect to the provider, and browsers check form-action on that redirect too."""
    origins = getattr(settings, "SOCIALACCOUNT_AUTHORIZE_ORIGINS", {})
    providers = getattr(settings, "SOCIALACCOUNT_PROVIDERS", {})
    return " ".join(["'self'", *(origins[name] for name in providers if name in origins)])


def content_security_policy(request) -> str:
    nonce = f"'nonce-{request.csp_nonce}'"
    host = request.get_host()
    # 'self' covers ws(s): of the same host in current browsers; older Safari needs them named.
    sockets = f"ws://{host} wss://{host}"
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {nonce}",
        f"style-src 'self' {nonce}",
        "img-src 'self' data:",
        "font-src 'self'",
        f"connect-src 'self' {sockets}",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        f"form-action {form_action_sources()}",
        "frame-ancestors 'none'",
    ])


# --- WebSocket origin ---------------------------------------------------------------------------------
DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin, the port filled in from the scheme."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def _allowed_hosts() -> list[str]:
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]
    return hosts


def origin_allowed(origin: str, host_header: str) -> bool:
    """A socket's Origin is ours: SITE_URL's or a CSRF_TRUSTED_ORIGINS one (scheme, host and port),
    or the very host:port the socket was opened on (the Host header), when that host is allowed."""
    parsed = _origin(origin)
    if parsed is None:
        return False
    for trusted in [settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS]:
        scheme, _sep, rest = trusted.partition("://")
        wildcard = rest.startswith("*.")
        candidate = _origin(f"{scheme}://{rest[2:] if wildcard else rest}")
        if candidate is None or candidate[0] != parsed[0] or candidate[2] != parsed[2]:
            continue
        if candidate[1] == parsed[1] or (wildcard and parsed[1].endswith("." + candidate[1])):
            return True
    domain, port = split_domain_port(host_header)
    if not domain or not validate_host(domain, _allowed_hosts()):
        return False
    try:
        host_port = int(port) if port else DEFAULT_PORTS[parsed[0]]
    except ValueError:
        return False
    return parsed[1] == domain and parsed[2] == host_port


class SameOriginWebsocketMiddleware:
    """Refuse a WebSocket whose Origin is not ours, comparing the port too (channels'
    AllowedHostsOriginValidator accepts any port of an allowed host)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(_header(scope, b"origin"), _header(scope, b"host")):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.app(scope, receive, send)
