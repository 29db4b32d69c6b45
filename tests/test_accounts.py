"""allauth flows the adults rely on: login by e-mailed code, password reset, e-mail verification."""

import os
import re
import subprocess
import sys

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_login_by_emailed_code(client, teacher):
    response = client.post(reverse("account_request_login_code"), {"email": teacher.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    code = re.search(r"^\s*([A-Z0-9-]{6,9})\s*$", mail.outbox[0].body, re.MULTILINE).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get("/").context["user"] == teacher


@pytest.mark.django_db
def test_login_by_code_rejects_a_wrong_code(client, teacher):
    client.post(reverse("account_request_login_code"), {"email": teacher.email})
    response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_password_reset_mail_and_new_password(client, coordinator):
    client.post(reverse("account_reset_password"), {"email": coordinator.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link)
    assert response.status_code == 302  # allauth moves the key into the session
    response = client.post(response["Location"], {"password1": "New-Tea-Leaf-77", "password2": "New-Tea-Leaf-77"})
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password("New-Tea-Leaf-77")


@pytest.mark.django_db
def test_wrong_password_does_not_sign_in(client, organizer):
    response = client.post(reverse("account_login"), {"login": organizer.email, "password": "nope"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    response = client.post(reverse("account_login"), {"login": organizer.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_signup_requires_email_verification(client):
    response = client.post(reverse("account_signup"), {
        "email": "yangon-school@example.org", "password1": PASSWORD, "password2": PASSWORD,
        "display_name": "Yangon", "time_zone": "Asia/Yangon", "preferred_language": "my",
    })
    assert response.status_code == 302
    assert any("yangon-school@example.org" in message.to for message in mail.outbox)
    # Not signed in until the address is confirmed.
    assert not client.get(reverse("account_login")).context["user"].is_authenticated


@pytest.mark.django_db
def test_signup_with_bad_input_creates_nobody(client):
    from camp.models import User

    response = client.post(reverse("account_signup"), {
        "email": "not an email", "password1": "x", "password2": "y",
        "display_name": "", "time_zone": "Nowhere/City", "preferred_language": "xx",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"email", "display_name", "time_zone", "preferred_language"} <= set(errors)
    assert not User.objects.exists()


def test_check_deploy_is_clean_in_production_mode():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qiaocamp.settings",  # the product's settings, not tests.settings
        "QIAOCAMP_PRODUCTION": "1",
        "SECRET_KEY": "k" * 20 + "-production-secret-key-for-the-deploy-check-0123456789",
        "ALLOWED_HOSTS": "camp.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://camp.example.org",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests; never in production
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qiaocamp.settings", "QIAOCAMP_PRODUCTION": "1", "SECRET_KEY": ""}
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_youth_cannot_sign_in_with_a_password_even_if_one_was_set(client, youth):
    """Only the join code checks guardian consent: a youth with a password is sent to /join/."""
    from allauth.account.models import EmailAddress

    youth.email = "kid@example.org"
    youth.set_password("Kid-Password-2026")
    youth.save()
    EmailAddress.objects.create(user=youth, email=youth.email, verified=True, primary=True)
    response = client.post(reverse("account_login"), {"login": youth.email, "password": "Kid-Password-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("join")
    assert "_auth_user_id" not in client.session
