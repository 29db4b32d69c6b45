"""Youth accounts, join codes and code login: rate limits, revoke and reissue, consent."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from camp.models import Enrollment, JoinCode, User
from camp.services.consent import consent_record_paper
from camp.services.join import (
    ALPHABET,
    join_code_generate,
    join_code_reissue,
    join_code_revoke,
    youth_accounts_issue,
)
from camp.services.roster import participant_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(group, make_participant):
    """Three youth of the approved group without accounts yet; the third lacks consent."""
    return [
        make_participant(group, with_account=False, given_name="มาลี", family_name="แซ่ลิ้ม", preferred_language="th"),
        make_participant(group, with_account=False, given_name="Dara", family_name="Sisouk", preferred_language="lo"),
        make_participant(group, with_account=False, consent=False, given_name="Noy", family_name="Phom"),
    ]


def code_of(participant) -> str:
    participant.refresh_from_db()
    return JoinCode.objects.get(user=participant.user, revoked_at__isnull=True).code


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_codes_use_an_unambiguous_alphabet_and_are_grouped():
    assert not set("0O1IL") & set(ALPHABET)
    codes = {join_code_generate() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", code)
        assert set(code.replace("-", "")) <= set(ALPHABET)


def test_accounts_only_for_consented_youth_and_idempotent(group, roster, youth_participant, organizer):
    issued = youth_accounts_issue(group=group, issued_by=organizer)
    assert {p.pk for p in issued} == {roster[0].pk, roster[1].pk}  # youth_participant already had an account
    for participant in roster[:2]:
        participant.refresh_from_db()
        user = participant.user
        assert user.role == User.Role.YOUTH and not user.has_usable_password() and user.email == ""
        assert user.display_name == participant.display_name and user.time_zone == group.time_zone
        assert user.preferred_language == participant.preferred_language
        assert JoinCode.objects.get(user=user).created_by == organizer
    roster[2].refresh_from_db()
    assert roster[2].user is None
    counts = (User.objects.count(), JoinCode.objects.count())
    assert youth_accounts_issue(group=group) == []
    assert (User.objects.count(), JoinCode.objects.count()) == counts


def test_no_accounts_for_a_group_that_is_not_approved(group, roster):
    Enrollment.objects.filter(group=group).update(status=Enrollment.Status.SUBMITTED)
    users = User.objects.count()
    with pytest.raises(ValidationError):
        youth_accounts_issue(group=group)
    assert User.objects.count() == users and not JoinCode.objects.exists()


@pytest.mark.parametrize("typed", ["{code}", "{lower}", " {nodash} ", "{spaced}"])
def test_login_by_typing_the_code_in_any_case_with_or_without_dashes(client, group, roster, typed):
    youth_accounts_issue(group=group)
    code = code_of(roster[0])
    text = typed.format(code=code, lower=code.lower(), nodash=code.replace("-", ""),
                        spaced=code.replace("-", " ").lower())
    response = client.post(reverse("join"), {"code": text})
    assert response.status_code == 302 and response["Location"] == reverse("my_camp")
    assert int(logged_in_user_id(client)) == roster[0].user_id
    page = client.get(reverse("my_camp"))
    assert page.status_code == 200 and page.context["participant"] == roster[0]
    assert page.context["group"] == group and page.context["enrollment"].status == "approved"


def test_the_qr_link_asks_before_logging_in(client, group, roster):
    youth_accounts_issue(group=group)
    code = code_of(roster[0])
    url = reverse("join_code", args=[code])
    response = client.get(url)
    assert response.status_code == 200 and logged_in_user_id(client) is None
    assert f'action="{url}"' in response.content.decode()
    response = client.post(url)
    assert response.status_code == 302 and int(logged_in_user_id(client)) == roster[0].user_id


@pytest.mark.parametrize("typed", ["", "   ", "WRONG-CODE-XX", "x" * 41, "DROP TABLE;--", "ลองดู"])
def test_malformed_or_wrong_codes_log_nobody_in(client, group, roster, typed):
    youth_accounts_issue(group=group)
    response = client.post(reverse("join"), {"code": typed})
    assert response.status_code in (200, 400)
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize("typed", ["WRONG-CODE-XX", "x" * 41, "ลองดู"])
def test_a_wrong_qr_link_posted_with_an_empty_body_is_a_clear_refusal(client, typed):
    """The QR address posted with no form field at all (found by tests/test_form_fuzz.py: it was a 500)."""
    response = client.post(reverse("join_code", args=[typed]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code < 500
    assert "This code does not work." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_a_wrong_code_says_so(client, make_user):
    client.force_login(make_user("coordinator", preferred_language="en"))
    client.logout()
    response = client.post(reverse("join"), {"code": "AAAA-BBBB-CC"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This code does not work." in response.content.decode()


def test_no_consent_refuses_and_says_why_in_the_youths_language(client, group, roster, coordinator):
    youth_accounts_issue(group=group)
    code = code_of(roster[0])  # Thai
    consent_record_paper(by=coordinator, participant=roster[0], agreed=[], method="paper")
    response = client.post(reverse("join"), {"code": code}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403 and logged_in_user_id(client) is None
    page = response.content.decode()
    assert '<html lang="th">' in page
    assert "ผู้ปกครอง" in page  # "guardian", from the Thai catalog


def test_consent_withdrawn_ends_the_youths_sessions(client, group, roster, coordinator):
    youth_accounts_issue(group=group)
    client.post(reverse("join"), {"code": code_of(roster[0])})
    assert client.get(reverse("my_camp")).status_code == 200
    consent_record_paper(by=coordinator, participant=roster[0], agreed=[], method="paper")
    assert client.get(reverse("my_camp")).status_code == 302  # back to the login page


def test_a_group_no_longer_enrolled_cannot_log_in(client, group, roster):
    youth_accounts_issue(group=group)
    code = code_of(roster[0])
    Enrollment.objects.filter(group=group).update(status=Enrollment.Status.WITHDRAWN)
    response = client.post(reverse("join"), {"code": code})
    assert response.status_code == 403 and logged_in_user_id(client) is None


def test_revoke_and_reissue(client, group, roster, coordinator):
    youth_accounts_issue(group=group)
    old = code_of(roster[0])
    client.post(reverse("join"), {"code": old})
    assert client.get(reverse("my_camp")).status_code == 200

    new = join_code_reissue(by=coordinator, participant=roster[0])
    assert new.code != old and new.created_by == coordinator
    revoked = JoinCode.objects.get(code=old)
    assert revoked.revoked_at is not None and revoked.revoked_by == coordinator
    # The phone that used the old code is logged out, and the old code is dead.
    assert client.get(reverse("my_camp")).status_code == 302
    assert client.post(reverse("join"), {"code": old}).status_code == 200 and logged_in_user_id(client) is None
    assert client.post(reverse("join"), {"code": new.code}).status_code == 302

    assert join_code_revoke(by=coordinator, participant=roster[0]) == 1
    assert not JoinCode.objects.filter(user=roster[0].user, revoked_at__isnull=True).exists()
    client.logout()
    assert client.post(reverse("join"), {"code": new.code}).status_code == 200
    assert logged_in_user_id(client) is None


def test_reissue_is_for_the_groups_managers_only(group, roster, other_coordinator, teacher, youth):
    youth_accounts_issue(group=group)
    codes = JoinCode.objects.count()
    for outsider in (other_coordinator, teacher, youth):
        with pytest.raises(PermissionDenied):
            join_code_reissue(by=outsider, participant=roster[0])
        with pytest.raises(PermissionDenied):
            join_code_revoke(by=outsider, participant=roster[0])
    assert JoinCode.objects.count() == codes and not JoinCode.objects.filter(revoked_at__isnull=False).exists()


def test_reissue_without_an_account_writes_nothing(group, roster, coordinator):
    with pytest.raises(ValidationError, match="no account yet"):
        join_code_reissue(by=coordinator, participant=roster[2])
    assert not JoinCode.objects.exists()


def test_reissue_and_revoke_pages(client, group, roster, coordinator, other_coordinator):
    youth_accounts_issue(group=group)
    old = code_of(roster[0])
    url = reverse("join_code_reissue", args=[group.pk, roster[0].pk])
    client.force_login(other_coordinator)
    assert client.post(url).status_code == 404
    assert code_of(roster[0]) == old
    client.force_login(coordinator)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and code_of(roster[0]) != old
    assert client.post(reverse("join_code_revoke", args=[group.pk, roster[0].pk])).status_code == 302
    assert not JoinCode.objects.filter(user=roster[0].user, revoked_at__isnull=True).exists()


def test_a_removed_youth_cannot_log_in(client, group, roster, coordinator):
    youth_accounts_issue(group=group)
    code = code_of(roster[0])
    user = roster[0].user
    participant_delete(by=coordinator, participant=roster[0])
    user.refresh_from_db()
    assert not user.is_active
    assert client.post(reverse("join"), {"code": code}).status_code == 200
    assert logged_in_user_id(client) is None


@override_settings(JOIN_RATE_LIMIT_PER_IP=(3, 60))
def test_rate_limit_per_ip_counts_failures_and_then_refuses_even_a_good_code(client, group, roster):
    youth_accounts_issue(group=group)
    for attempt in range(3):
        assert client.post(reverse("join"), {"code": f"AAAA-BBBB-C{attempt + 2}"}).status_code == 200
    response = client.post(reverse("join"), {"code": code_of(roster[0])}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429 and logged_in_user_id(client) is None
    assert "Too many tries" in response.content.decode()
    # Another address (another school) is not affected.
    assert client.post(reverse("join"), {"code": code_of(roster[0])}, REMOTE_ADDR="10.0.0.9").status_code == 302


@override_settings(JOIN_RATE_LIMIT_PER_IP=(3, 60))
def test_a_classroom_behind_one_address_can_all_log_in(client, group, make_participant):
    participants = [make_participant(group, with_account=False) for _ in range(6)]
    youth_accounts_issue(group=group)
    for participant in participants:
        client.logout()
        assert client.post(reverse("join"), {"code": code_of(participant)}).status_code == 302


@override_settings(JOIN_RATE_LIMIT_PER_CODE=(2, 300))
def test_rate_limit_per_code_across_addresses(client, group, roster):
    youth_accounts_issue(group=group)
    code = code_of(roster[0])
    for number in range(2):
        client.logout()
        assert client.post(reverse("join"), {"code": code}, REMOTE_ADDR=f"10.0.1.{number}").status_code == 302
    client.logout()
    response = client.post(reverse("join"), {"code": code.lower()}, REMOTE_ADDR="10.0.1.99")
    assert response.status_code == 429 and logged_in_user_id(client) is None
    # Other youth's codes still work.
    assert client.post(reverse("join"), {"code": code_of(roster[1])}, REMOTE_ADDR="10.0.1.99").status_code == 302


def test_join_pages_methods(client):
    assert client.put(reverse("join")).status_code == 405
    assert client.delete(reverse("join_code", args=["ABCD-EFGH-JK"])).status_code == 405
    assert client.get(reverse("join")).status_code == 200
    assert client.get(reverse("join_code", args=["ABCD-EFGH-JK"])).status_code == 200
