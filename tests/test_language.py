"""The language the person chose wins (qiaocamp/language.py), and messages speak the page's language."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from camp.models import JoinCode, Participant
from camp.services.join import youth_accounts_issue
from camp.services.language import preferred_language_set
from tests import factories

COOKIE = settings.LANGUAGE_COOKIE_NAME


def page_language(response) -> str:
    body = response.content.decode()
    start = body.index('<html lang="') + len('<html lang="')
    return body[start : body.index('"', start)]


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.fixture
def thai_youth(group, make_participant):
    """A youth whose roster row (and so their account) says Thai, with a join code."""
    participant = make_participant(
        group, with_account=False, given_name="มาลี", family_name="แซ่ลิ้ม", preferred_language="th"
    )
    youth_accounts_issue(group=group)
    participant.refresh_from_db()
    return participant


def code_of(participant) -> str:
    return JoinCode.objects.get(user=participant.user, revoked_at__isnull=True).code


@pytest.mark.django_db
def test_the_language_chosen_before_joining_wins_over_the_rosters(client, thai_youth):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/join/"})
    assert page_language(client.get(reverse("join"))) == "zh-hans"
    response = client.post(reverse("join"), {"code": code_of(thai_youth)}, follow=True)
    assert page_language(response) == "zh-hans"
    thai_youth.refresh_from_db()
    thai_youth.user.refresh_from_db()
    # Stored as theirs: the account and the roster row (a later roster edit copies the row).
    assert thai_youth.user.preferred_language == "zh-hans" and thai_youth.preferred_language == "zh-hans"
    # The choice is used once: it does not linger in the session for the next person on this phone.
    assert "qiaocamp_chosen_language" not in client.session
    assert page_language(client.get(reverse("my_camp"))) == "zh-hans"


@pytest.mark.django_db
def test_without_a_choice_this_visit_the_stored_language_wins_and_the_cookie_follows(client, thai_youth):
    client.cookies[COOKIE] = "en"  # chosen long ago on this phone, by someone
    response = client.post(reverse("join"), {"code": code_of(thai_youth)}, follow=True)
    assert page_language(response) == "th"
    assert client.cookies[COOKIE].value == "th"
    thai_youth.refresh_from_db()
    assert thai_youth.preferred_language == "th"
    # Signed out, the pages stay in the child's language.
    client.post(reverse("account_logout"))
    assert page_language(client.get(reverse("join"))) == "th"


@pytest.mark.django_db
def test_switching_while_signed_in_stores_it_for_a_youth_and_their_roster_row(
    client, youth, youth_participant
):
    client.force_login(youth)
    response = client.post(reverse("set_language"), {"language": "lo", "next": "/"})
    assert response.status_code == 302
    youth.refresh_from_db()
    youth_participant.refresh_from_db()
    assert youth.preferred_language == "lo" and youth_participant.preferred_language == "lo"
    assert page_language(client.get(reverse("my_camp"))) == "lo"


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing_signed_out(client, thai_youth):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert "qiaocamp_chosen_language" not in client.session
    client.post(reverse("join"), {"code": code_of(thai_youth)})
    thai_youth.refresh_from_db()
    assert thai_youth.preferred_language == "th"


@pytest.mark.django_db
def test_preferred_language_set_refuses_an_unknown_language(youth, youth_participant):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        preferred_language_set(user=youth, language="klingon")
    youth.refresh_from_db()
    youth_participant.refresh_from_db()
    assert youth.preferred_language == "th" and youth_participant.preferred_language == "th"


@pytest.mark.django_db
def test_the_settings_message_is_in_the_language_just_saved(client, coordinator):
    """The bug: "Your settings are saved." was added in the old language (Thai) and shown on the
    next page, already in the new one (Chinese)."""
    text = "Your settings are saved."
    assert in_language("th", text) != in_language("zh-hans", text)
    client.force_login(coordinator)
    response = client.post(
        reverse("profile"),
        {
            "display_name": coordinator.display_name or "Khun Coordinator",
            "preferred_language": "zh-hans",
            "time_zone": coordinator.time_zone,
        },
        follow=True,
    )
    assert page_language(response) == "zh-hans"
    body = response.content.decode()
    assert in_language("zh-hans", text) in body and in_language("th", text) not in body


@pytest.mark.django_db
def test_what_signing_in_says_is_in_the_accounts_language(client, make_user):
    """A Chinese-speaking teacher signs in from a Thai browser: the page after is Chinese, and so is
    allauth's "signed in" message on it."""
    teacher = make_user("teacher", preferred_language="zh-hans")
    response = client.post(
        reverse("account_login"),
        {"login": teacher.email, "password": factories.PASSWORD},
        HTTP_ACCEPT_LANGUAGE="th",
    )
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    with translation.override("zh-hans"):
        from django.template.loader import render_to_string

        expected = render_to_string("account/messages/logged_in.txt", {"user": teacher}).strip()
    assert shown and all(expected in message or message in expected for message in shown), shown
    assert page_language(client.get("/", HTTP_ACCEPT_LANGUAGE="th", follow=True)) == "zh-hans"


@pytest.mark.django_db
def test_a_roster_row_follows_only_its_own_youth(youth, youth_participant, other_youth):
    preferred_language_set(user=youth, language="en")
    other = Participant.objects.get(user=other_youth)
    assert other.preferred_language == "my"


@pytest.mark.django_db
def test_a_refusal_at_the_door_is_in_the_language_just_picked(client, thai_youth, coordinator):
    from camp.services.consent import consent_record_paper

    consent_record_paper(by=coordinator, participant=thai_youth, agreed=[], method="paper")
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/join/"})
    response = client.post(reverse("join"), {"code": code_of(thai_youth)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert page_language(response) == "zh-hans"
