"""The first organizer of an empty installation comes from `manage.py create_organizer`."""

import io

import pytest
from django.core.management import CommandError, call_command

from camp.models import User

pytestmark = pytest.mark.django_db


def test_create_organizer_then_sign_in(client, monkeypatch):
    monkeypatch.setenv("QIAOCAMP_ORGANIZER_PASSWORD", "tea-and-brush-2026")
    out = io.StringIO()
    call_command("create_organizer", "--email", "Wang@Example.org", "--name", "普洱市侨联 王老师", stdout=out)
    user = User.objects.get(email="wang@example.org")
    assert user.role == User.Role.ORGANIZER and user.is_confirmed and not user.is_superuser
    response = client.post("/accounts/login/", {"login": "wang@example.org", "password": "tea-and-brush-2026"})
    assert response.status_code == 302 and client.get("/").status_code == 200


@pytest.mark.parametrize("args, password, message", [
    (["--email", "not-an-email", "--name", "X"], "tea-and-brush-2026", "valid email"),
    (["--email", "a@example.org", "--name", "X"], "123", "too short"),
    (["--email", "a@example.org", "--name", " "], "tea-and-brush-2026", "name people will see"),
])
def test_create_organizer_refuses_bad_input_and_writes_nothing(monkeypatch, args, password, message):
    monkeypatch.setenv("QIAOCAMP_ORGANIZER_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("create_organizer", *args, stdout=io.StringIO())
    assert not User.objects.exists()


def test_create_organizer_twice_is_refused(monkeypatch):
    monkeypatch.setenv("QIAOCAMP_ORGANIZER_PASSWORD", "tea-and-brush-2026")
    call_command("create_organizer", "--email", "a@example.org", "--name", "A", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already"):
        call_command("create_organizer", "--email", "A@example.org", "--name", "B", stdout=io.StringIO())
    assert User.objects.count() == 1


def test_create_organizer_without_a_password_source_refuses(monkeypatch):
    monkeypatch.delenv("QIAOCAMP_ORGANIZER_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="QIAOCAMP_ORGANIZER_PASSWORD"):
        call_command("create_organizer", "--email", "a@example.org", "--name", "A", stdout=io.StringIO())
