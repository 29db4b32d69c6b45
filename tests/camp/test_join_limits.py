"""Code login rate limits: failures only per address (IPv6 per /64), every try per code."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse

from camp.models import JoinCode
from camp.ratelimit import client_address_bucket
from camp.services.join import JoinRefused, join_login_check, youth_accounts_issue

pytestmark = pytest.mark.django_db
LIMIT = 5


@pytest.fixture
def codes(group, make_participant):
    participants = [make_participant(group, with_account=False) for _ in range(8)]
    youth_accounts_issue(group=group)
    return [JoinCode.objects.get(user__participant=p, revoked_at__isnull=True).code for p in participants]


def refused_reason(code, ip):
    with pytest.raises(JoinRefused) as refused:
        join_login_check(code=code, ip=ip)
    return refused.value.reason


@override_settings(JOIN_RATE_LIMIT_PER_IP=(LIMIT, 60))
def test_right_codes_work_after_typos_up_to_the_limit_and_do_not_use_it_up(codes):
    ip = "203.0.113.7"
    for typo in range(LIMIT - 1):
        assert refused_reason(f"ZZZZ-ZZZZ-Z{typo + 2}", ip) == "invalid"
    # LIMIT - 1 typos counted: every right code behind the same router still works, and
    # successes give their slot back (more youth than the limit log in).
    for code in codes:
        assert join_login_check(code=code, ip=ip).is_youth
    # One more typo reaches the limit: from now on the address is refused, a right code too.
    assert refused_reason("ZZZZ-ZZZZ-ZZ", ip) == "invalid"
    assert refused_reason(codes[0], ip) == "rate_limited"
    # Refused tries are not counted; another address is not affected.
    assert join_login_check(code=codes[0], ip="203.0.113.8").is_youth


@override_settings(JOIN_RATE_LIMIT_PER_IP=(LIMIT, 60))
def test_the_page_logs_a_classmate_in_after_typos_from_the_same_router(client, codes):
    for typo in range(LIMIT - 1):
        assert client.post(reverse("join"), {"code": f"ZZZZ-ZZZZ-Z{typo + 2}"}).status_code == 200
    response = client.post(reverse("join"), {"code": codes[0]})
    assert response.status_code == 302 and client.session.get(SESSION_KEY)


@override_settings(JOIN_RATE_LIMIT_PER_IP=(LIMIT, 60))
def test_ipv6_addresses_of_one_64_share_a_bucket(codes):
    for number in range(LIMIT):
        assert refused_reason("ZZZZ-ZZZZ-ZZ", f"2001:db8:1:2::{number + 1:x}") == "invalid"
    # A fresh address from the same /64 is the same subscriber: refused.
    assert refused_reason(codes[0], "2001:db8:1:2:ffff:ffff:ffff:fffe") == "rate_limited"
    # The neighbouring /64 is somebody else.
    assert join_login_check(code=codes[0], ip="2001:db8:1:3::1").is_youth


@pytest.mark.parametrize(
    ("address", "bucket"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("unknown", "unknown"),
        ("", "unknown"),
        ("not an address" * 20, ("not an address" * 20)[:64]),
    ],
)
def test_client_address_buckets(address, bucket):
    assert client_address_bucket(address) == bucket


@override_settings(JOIN_RATE_LIMIT_PER_CODE=(3, 300), JOIN_RATE_LIMIT_PER_IP=(100, 60))
def test_per_code_limit_counts_every_try_and_refused_tries_are_free(codes):
    for number in range(3):
        assert join_login_check(code=codes[0], ip=f"198.51.100.{number}").is_youth
    assert refused_reason(codes[0], "198.51.100.50") == "rate_limited"
    assert refused_reason(codes[0], "198.51.100.51") == "rate_limited"
    assert join_login_check(code=codes[1], ip="198.51.100.51").is_youth
