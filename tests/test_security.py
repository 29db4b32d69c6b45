"""Project-level protections: the client's real address behind the proxy, the request-size limit,
security headers (CSP, Permissions-Policy, Referrer-Policy, nosniff), production cookies, and the
WebSocket origin check with its port."""

import asyncio
import os
import subprocess
import sys

import pytest
from asgiref.testing import ApplicationCommunicator
from django.test import override_settings
from django.urls import reverse

from camp.models import JoinCode
from camp.services.join import youth_accounts_issue
from qiaocamp import middleware
from qiaocamp.middleware import client_from, origin_allowed
from tests.ws import open_socket

PROXY = "127.0.0.1"  # nginx on the same machine: trusted by default
ATTACKER = "203.0.113.7"
SCHOOL = "198.51.100.20"
MB = 1024 * 1024


# --- The client's address ---------------------------------------------------------------------


@pytest.mark.parametrize("peer, forwarded_for, client", [
    (PROXY, ATTACKER, ATTACKER),                                   # nginx appended what it saw
    (PROXY, f"10.9.9.9, {SCHOOL}, {ATTACKER}", ATTACKER),          # the client's own entries are ignored
    (PROXY, f"{SCHOOL},{ATTACKER}", ATTACKER),
    (PROXY, f"garbage, {ATTACKER}", ATTACKER),
    (PROXY, f"{ATTACKER}, 127.0.0.1", ATTACKER),                   # two proxies of ours in a row
    (PROXY, "[2001:db8::5]:443", "2001:db8::5"),
    (PROXY, f"{ATTACKER}:51000", ATTACKER),
    (PROXY, "", PROXY),                                            # no header: the peer itself
    (PROXY, "127.0.0.1", PROXY),                                   # all ours: the leftmost
    (ATTACKER, SCHOOL, ATTACKER),                                  # not from a proxy: header ignored
    ("::ffff:127.0.0.1", ATTACKER, ATTACKER),                      # an IPv4-mapped proxy address
    ("", ATTACKER, ""),
])
def test_client_is_the_rightmost_address_that_is_not_our_proxy(peer, forwarded_for, client):
    assert client_from(peer, forwarded_for) == client


def test_more_proxies_can_be_trusted(settings):
    settings.QIAOCAMP_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    middleware.trusted_proxies.cache_clear()
    try:
        assert client_from("10.0.0.5", f"{SCHOOL}, {ATTACKER}, 10.1.2.3") == ATTACKER
    finally:
        middleware.trusted_proxies.cache_clear()


def test_a_bad_trusted_proxy_setting_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.QIAOCAMP_TRUSTED_PROXIES = ["not-an-address"]
    middleware.trusted_proxies.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured):
            client_from(PROXY, ATTACKER)
    finally:
        middleware.trusted_proxies.cache_clear()


def via_proxy(forwarded_for: str) -> dict:
    """What the view sees of a request nginx passed on: its own peer address, the header it extended."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


@pytest.mark.django_db
def test_forged_forwarded_for_cannot_spread_verify_guesses(client, monkeypatch):
    from reports import access

    monkeypatch.setattr(access, "VERIFY_RATE_LIMIT", (5, 60))
    url = reverse("reports:verify", args=["NOPE-NOPE-NOPE-NOPE"])
    statuses = [client.get(url, **via_proxy(f"10.0.{n}.1, {ATTACKER}")).status_code for n in range(6)]
    assert statuses == [404] * 5 + [429]  # six made-up addresses, one real one: counted together


@pytest.mark.django_db
def test_forged_forwarded_for_cannot_lock_a_school_out_of_verify(client, monkeypatch):
    from reports import access

    monkeypatch.setattr(access, "VERIFY_RATE_LIMIT", (5, 60))
    url = reverse("reports:verify", args=["NOPE-NOPE-NOPE-NOPE"])
    for _ in range(8):  # the attacker names the school's address
        client.get(url, **via_proxy(f"{SCHOOL}, {ATTACKER}"))
    assert client.get(url, **via_proxy(SCHOOL)).status_code == 404  # the school is not limited


@pytest.mark.django_db
@override_settings(JOIN_RATE_LIMIT_PER_IP=(3, 60))
def test_join_codes_count_the_address_the_proxy_saw(client, group, make_participant):
    youth = make_participant(group, with_account=False)
    youth_accounts_issue(group=group)
    youth.refresh_from_db()
    code = JoinCode.objects.get(user=youth.user, revoked_at__isnull=True).code
    for number in range(3):  # guesses spread over made-up addresses, and one naming the school
        forged = f"10.7.{number}.1, {SCHOOL}" if number else SCHOOL
        assert client.post(reverse("join"), {"code": "ZZZZ-ZZZZ-ZZ"},
                           **via_proxy(f"{forged}, {ATTACKER}")).status_code == 200
    assert client.post(reverse("join"), {"code": "ZZZZ-ZZZZ-ZZ"}, **via_proxy(f"10.8.0.1, {ATTACKER}")
                       ).status_code == 429
    # The school's classroom still logs in.
    assert client.post(reverse("join"), {"code": code}, **via_proxy(SCHOOL)).status_code == 302


@pytest.mark.django_db
def test_a_direct_request_keeps_its_own_address(client, monkeypatch):
    """Not from a proxy (daphne reached directly): X-Forwarded-For is not believed."""
    from reports import access

    monkeypatch.setattr(access, "VERIFY_RATE_LIMIT", (2, 60))
    url = reverse("reports:verify", args=["NOPE-NOPE-NOPE-NOPE"])
    statuses = [client.get(url, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.1.{n}.1").status_code
                for n in range(3)]
    assert statuses == [404, 404, 429]


def test_websocket_scope_gets_the_address_the_proxy_saw():
    seen = {}

    async def inner(scope, receive, send):
        seen["client"] = scope["client"]

    app = middleware.ClientAddressASGIMiddleware(inner)
    headers = [(b"x-forwarded-for", f"10.0.0.1, {SCHOOL}".encode()), (b"x-forwarded-for", ATTACKER.encode())]
    asyncio.run(app({"type": "websocket", "client": [PROXY, 40000], "headers": headers}, None, None))
    assert seen["client"][0] == ATTACKER
    asyncio.run(app({"type": "websocket", "client": [ATTACKER, 40000],
                     "headers": [(b"x-forwarded-for", SCHOOL.encode())]}, None, None))
    assert seen["client"][0] == ATTACKER


# --- Request size ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_100_mb_body_is_refused_before_it_is_read(client):
    """WSGI: only one byte is there to read; a view or CSRF reading the announced 100 MB would fail."""
    response = client.post(reverse("join"), data=b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH=str(100 * MB))
    assert response.status_code == 413
    assert response["Connection"] == "close"
    html = response.content.decode()
    assert 'data-status="413"' in html and "25" in html


@pytest.mark.django_db
def test_a_body_under_the_limit_is_served(client):
    assert client.post(reverse("join"), {"code": "ZZZZ"}).status_code == 200


def http_scope(path: str, headers: list) -> dict:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"testserver"), *headers], "client": [ATTACKER, 5000], "server": ["testserver", 80]}


async def asgi_post(scope: dict, chunks: list[bytes]) -> tuple[int, bytes, int]:
    """Post through qiaocamp.asgi.application; (status, body, chunks the app took)."""
    from qiaocamp.asgi import application

    communicator = ApplicationCommunicator(application, scope)
    taken = 0
    for chunk in chunks:
        await communicator.send_input({"type": "http.request", "body": chunk, "more_body": True})
    start = await communicator.receive_output(timeout=10)
    body = b""
    while True:
        message = await communicator.receive_output(timeout=10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    taken = len(chunks) - communicator.input_queue.qsize()
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(timeout=5)
    return start["status"], body, taken


@pytest.mark.django_db(transaction=True)
def test_asgi_refuses_an_announced_100_mb_body_after_the_first_chunk():
    scope = http_scope("/join/", [(b"content-length", str(100 * MB).encode()),
                                  (b"content-type", b"application/octet-stream")])
    status, body, taken = asyncio.run(asgi_post(scope, [b"x" * 65536]))
    assert status == 413 and b'data-status="413"' in body
    assert taken <= 1  # the rest of the 100 MB was never asked for


@pytest.mark.django_db(transaction=True)
@override_settings(QIAOCAMP_MAX_REQUEST_BYTES=100_000)
def test_asgi_refuses_a_streamed_body_without_length_once_it_passes_the_limit():
    scope = http_scope("/join/", [(b"content-type", b"application/octet-stream")])
    status, body, taken = asyncio.run(asgi_post(scope, [b"x" * 60_000] * 4))
    assert status == 413
    assert taken == 2  # it stopped at the chunk that passed 100 000 bytes


def test_the_limit_lets_the_largest_upload_through(settings):
    from camp.services.roster import MAX_FILE_BYTES
    from courses.services.lessons import ATTACHMENT_MAX_BYTES

    assert settings.QIAOCAMP_MAX_REQUEST_BYTES >= ATTACHMENT_MAX_BYTES + MB > MAX_FILE_BYTES


# --- Headers and cookies -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_has_the_security_headers(client):
    first = client.get(reverse("account_login"))
    second = client.get(reverse("account_login"))
    policy = first["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "ws://testserver" in policy and "wss://testserver" in policy
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert len(nonce) >= 16 and nonce not in second["Content-Security-Policy"]
    permissions = first["Permissions-Policy"]
    assert "camera=(self)" in permissions and "microphone=(self)" in permissions and "geolocation=()" in permissions
    assert first["Referrer-Policy"] == "same-origin"
    assert first["X-Content-Type-Options"] == "nosniff"
    assert first["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_inline_styles_carry_the_requests_nonce(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("login_cards", args=[world.group.pk]))
    assert response.status_code == 200
    nonce = response["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    html = response.content.decode()
    assert f'<style nonce="{nonce}">' in html and "<style>" not in html


@pytest.mark.django_db
def test_no_inline_script_or_style_attribute_in_templates():
    """CSP forbids them: scripts go in static/, a <style> block needs the request's nonce."""
    import re
    from pathlib import Path

    from django.conf import settings

    found = []
    for path in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html")):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", r"\son[a-z]+=\"",
                        r"\sstyle=\"", r"<style(?![^>]*nonce=)[^>]*>"):
            found += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert not found, found


def production_settings(*names: str) -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qiaocamp.settings", "QIAOCAMP_PRODUCTION": "1",
           "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "camp.example.org"}
    code = ("import django; django.setup(); from django.conf import settings; "
            f"print(*[repr(getattr(settings, n)) for n in {list(names)!r}], sep='\\n')")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[: len(names)]


def test_production_cookies_are_secure():
    values = production_settings("LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_SAMESITE", "LANGUAGE_COOKIE_HTTPONLY",
                                 "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY")
    assert values == ["True", "'Lax'", "True", "True", "True", "True"]


@pytest.mark.django_db
def test_language_cookie_is_lax(client):
    response = client.post(reverse("set_language"), {"language": "th"})
    cookie = response.cookies["qiaocamp_language"]
    assert cookie["samesite"] == "Lax" and cookie["httponly"]


# --- WebSocket origin -------------------------------------------------------------------------------------


@pytest.mark.parametrize("origin, host, allowed", [
    ("http://testserver", "testserver", True),
    ("http://testserver:80", "testserver", True),
    ("http://testserver:8080", "testserver", False),            # another port of the same host
    ("http://testserver:8080", "testserver:8000", False),
    ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
    ("http://127.0.0.1:8001", "127.0.0.1:8000", False),
    ("https://testserver", "testserver", True),
    ("https://testserver:8443", "testserver", False),
    ("http://evil.example", "evil.example", False),              # not an allowed host
    ("http://testserver.evil.example", "testserver", False),
    ("null", "testserver", False),
    ("", "testserver", False),
    ("javascript://testserver", "testserver", False),
])
def test_socket_origin_must_match_host_and_port(origin, host, allowed):
    assert origin_allowed(origin, host) is allowed


def test_site_url_and_trusted_origins_are_accepted_with_their_port(settings):
    settings.SITE_URL = "https://camp.example.org"
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.net", "https://camp.example.org:8443"]
    assert origin_allowed("https://camp.example.org", "127.0.0.1:8001")
    assert origin_allowed("https://camp.example.org:8443", "127.0.0.1:8001")
    assert origin_allowed("https://live.example.net", "127.0.0.1:8001")
    assert not origin_allowed("https://camp.example.org:9443", "127.0.0.1:8001")
    assert not origin_allowed("http://camp.example.org", "127.0.0.1:8001")  # scheme counts too


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_socket_from_another_port_is_refused(live_session, youth):
    path = f"/ws/live/{live_session.pk}/"
    communicator, connected, _detail = await open_socket(path, youth, origin=b"http://testserver:8080")
    assert not connected
    await communicator.disconnect()
    communicator, connected, _detail = await open_socket(path, youth)
    assert connected
    await communicator.disconnect()
