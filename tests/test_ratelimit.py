"""The one rate-limit helper (camp.ratelimit) and every limit per client address that uses it:
IPv6 addresses are counted by /64 everywhere (join codes: tests/camp/test_join_limits.py)."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse

from camp import ratelimit
from camp.ratelimit import IPV6_PREFIX, address_key, address_limited, client_address, give_back, hit

SUBSCRIBER = [f"2001:db8:1:2::{n:x}" for n in range(1, 40)]  # one /64, a fresh address per try
SAME_64 = "2001:db8:1:2:ffff:ffff:ffff:fffe"
NEIGHBOUR = "2001:db8:1:3::1"


def test_counter_counts_gives_back_and_starts_again_after_its_window():
    key = "test:ratelimit:counter"
    assert [hit(key, 60) for _ in range(3)] == [1, 2, 3]
    give_back(key)
    assert hit(key, 60) == 3
    cache.delete(key)  # the window ended
    give_back(key)  # nothing to give back: no error, no negative count
    assert hit(key, 60) == 1


def test_a_counter_that_expires_between_add_and_incr_starts_at_one(monkeypatch):
    monkeypatch.setattr(ratelimit.cache, "incr", lambda key: (_ for _ in ()).throw(ValueError(key)))
    assert hit("test:ratelimit:expired", 60) == 1


def test_address_keys_group_ipv6_by_64_and_ipv4_one_by_one():
    assert IPV6_PREFIX == 64
    assert {address_key("x", ip) for ip in [*SUBSCRIBER, SAME_64]} == {"x:ip:2001:db8:1:2::/64"}
    assert address_key("x", NEIGHBOUR) == "x:ip:2001:db8:1:3::/64"
    assert address_key("x", "203.0.113.7") != address_key("x", "203.0.113.8")
    assert address_key("x", "::ffff:203.0.113.7") == address_key("x", "203.0.113.7")
    assert address_key("x", "") == "x:ip:unknown"


def test_address_limited_refuses_a_whole_64_once_its_tries_are_used():
    assert not any(address_limited("test:limited", ip, limit=3, window=60) for ip in SUBSCRIBER[:3])
    assert address_limited("test:limited", SAME_64, limit=3, window=60)
    assert not address_limited("test:limited", NEIGHBOUR, limit=3, window=60)
    assert not address_limited("test:other-scope", SAME_64, limit=3, window=60)


def test_client_address_is_remote_addr():
    factory = RequestFactory()
    assert client_address(factory.get("/", REMOTE_ADDR=SAME_64)) == SAME_64
    request = factory.get("/")
    request.META.pop("REMOTE_ADDR")
    assert client_address(request) == "unknown"


@pytest.mark.django_db
def test_certificate_lookups_count_ipv6_by_64(client, monkeypatch):
    from reports import access

    monkeypatch.setattr(access, "VERIFY_RATE_LIMIT", (5, 60))
    url = reverse("reports:verify", args=["NOPE-NOPE"])
    for ip in SUBSCRIBER[:5]:
        assert client.get(url, REMOTE_ADDR=ip).status_code == 404
    # A fresh address from the same /64 is the same subscriber: refused.
    assert client.get(url, REMOTE_ADDR=SAME_64).status_code == 429
    # The neighbouring /64 is somebody else.
    assert client.get(url, REMOTE_ADDR=NEIGHBOUR).status_code == 404


def _sign_in_refused_for_too_many_tries(client, ip: str, login: str) -> bool:
    response = client.post(reverse("account_login"), {"login": login, "password": "wrong"}, REMOTE_ADDR=ip)
    assert response.status_code == 200
    return any(error.code == "too_many_login_attempts"
               for error in response.context["form"].errors.as_data().get("__all__", []))


@pytest.mark.django_db
@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/m/ip"})
def test_allauth_sign_in_limits_count_ipv6_by_the_same_64(client, settings):
    assert settings.ALLAUTH_RATE_LIMIT_IPV6_PREFIX == IPV6_PREFIX
    for number, ip in enumerate(SUBSCRIBER[:3]):
        assert not _sign_in_refused_for_too_many_tries(client, ip, f"nobody{number}@example.org")
    assert _sign_in_refused_for_too_many_tries(client, SAME_64, "nobody@example.org")
    assert not _sign_in_refused_for_too_many_tries(client, NEIGHBOUR, "nobody@example.org")
