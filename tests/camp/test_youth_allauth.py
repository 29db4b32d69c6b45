"""Youth accounts stay join-code accounts (issue #12): a youth cannot add an e-mail address or set
a password through allauth's pages; they get the translated 403 page and nothing is stored."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from camp.adapters import CampAccountAdapter

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-pass-phrase-2026"
# (url name, kwargs, what a POST would try to store)
ACCOUNT_PAGES = [
    ("account_email", {}, {"email": "kid@example.com", "action_add": ""}),
    ("account_set_password", {}, {"password1": PASSWORD, "password2": PASSWORD}),
    ("account_change_password", {}, {"oldpassword": "x", "password1": PASSWORD, "password2": PASSWORD}),
    ("account_reset_password", {}, {"email": "kid@example.com"}),
    ("account_reset_password_done", {}, {}),
    ("account_reset_password_from_key", {"uidb36": "1", "key": "set-password"}, {"password1": PASSWORD,
                                                                                 "password2": PASSWORD}),
    ("account_reset_password_from_key_done", {}, {}),
    ("account_reauthenticate", {}, {"password": PASSWORD}),
    ("account_email_verification_sent", {}, {}),
    ("account_confirm_email", {"key": "abc"}, {}),
    ("account_confirm_login_code", {}, {"code": "ABCDEF"}),
    ("account_inactive", {}, {}),
]


@pytest.fixture
def youth_client(client, youth):
    """A youth as join codes make them: no e-mail address, no usable password."""
    youth.email = ""
    youth.set_unusable_password()
    youth.save(update_fields=["email", "password"])
    EmailAddress.objects.filter(user=youth).delete()
    client.force_login(youth)
    return client


def assert_nothing_stored(youth):
    youth.refresh_from_db()
    assert youth.email == "" and not youth.has_usable_password()
    assert not EmailAddress.objects.filter(user=youth).exists()
    assert not EmailAddress.objects.filter(email="kid@example.com").exists()
    assert mail.outbox == []


@pytest.mark.parametrize(("name", "kwargs", "data"), ACCOUNT_PAGES, ids=[page[0] for page in ACCOUNT_PAGES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_youth_gets_403_on_allauth_account_pages(youth_client, youth, name, kwargs, data, method):
    url = reverse(name, kwargs=kwargs)
    response = getattr(youth_client, method)(url, data if method == "post" else None)
    assert response.status_code == 403, (url, response.status_code)
    with translation.override(youth.preferred_language):
        assert gettext("Your account may not open this page or do this.") in response.content.decode()
    assert_nothing_stored(youth)


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_request_login_code"])
def test_the_pages_that_send_a_signed_in_youth_home_still_do(youth_client, youth, name):
    response = youth_client.post(reverse(name), {"email": "kid@example.com", "password": PASSWORD,
                                                 "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert_nothing_stored(youth)


def test_a_youth_may_log_out(youth_client, youth):
    response = youth_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in youth_client.session


def test_adults_keep_their_account_pages(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("account_email")).status_code == 200
    assert client.get(reverse("account_change_password")).status_code == 200


def test_the_adapter_refuses_a_youth_password_whatever_the_caller(youth_client, youth, rf):
    with pytest.raises(PermissionDenied):
        CampAccountAdapter().set_password(youth, PASSWORD)
    youth.refresh_from_db()
    assert not youth.has_usable_password()


def test_the_adapter_refuses_to_confirm_a_youth_address(youth_client, youth, rf):
    address = EmailAddress(user=youth, email="kid@example.com", verified=False)
    with pytest.raises(PermissionDenied):
        CampAccountAdapter().confirm_email(rf.get("/"), address)
    assert not EmailAddress.objects.filter(user=youth).exists()
