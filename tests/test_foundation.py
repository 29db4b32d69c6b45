import json
import uuid

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from camp.models import Invitation, User
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_healthz_touches_database_and_channel_layer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"db": "ok", "channels": "ok"}


@pytest.mark.django_db
def test_healthz_names_the_channel_layer_when_it_is_down(client):
    broken = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                          "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}
    with override_settings(CHANNEL_LAYERS=broken):
        from channels.layers import channel_layers

        channel_layers.backends.clear()
        response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["db"] == "ok"
    assert body["channels"].startswith("error")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["organizer", "teacher", "coordinator", "youth"])
def test_each_role_lands_on_its_home(client, make_user, role):
    user = make_user(role)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    used = {t.name for t in response.templates}
    own = "camp/_my_camp.html" if role == "youth" else f"camp/_home_{role}.html"
    assert "qiaocamp/home.html" in used and own in used
    others = {f"camp/_home_{r}.html" for r in ("organizer", "teacher", "coordinator") if r != role}
    assert not used & others  # only this role's parts


@pytest.mark.django_db
def test_user_language_and_time_zone_are_activated(client, make_user):
    user = make_user("coordinator", preferred_language="en", time_zone="Asia/Yangon")
    client.force_login(user)
    response = client.get("/")
    assert response.context["LANGUAGE_CODE"] == "en"
    assert response.context["TIME_ZONE"] == "Asia/Yangon"


@pytest.mark.django_db
def test_language_switcher_stores_the_preference(client, make_user):
    user = make_user("teacher", preferred_language="zh-hans")
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "th", "next": "/profile/"})
    assert response.status_code == 302 and response["Location"] == "/profile/"
    user.refresh_from_db()
    assert user.preferred_language == "th"


@pytest.mark.django_db
def test_language_switcher_refuses_unknown_language_and_foreign_redirects(client, make_user):
    user = make_user("teacher", preferred_language="zh-hans")
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"
    assert client.get(reverse("set_language")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["zh-hans", "en", "th", "lo", "my"])
def test_every_ui_language_serves_the_login_page(client, code):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=code)
    assert response.status_code == 200
    assert f'lang="{code}"' in response.content.decode()


@pytest.mark.django_db
def test_demo_adults_log_in_with_password(client):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    for email in ("organizer@example.org", "teacher@example.org", "coordinator@example.org"):
        client.logout()
        response = client.post("/accounts/login/", {"login": email, "password": "camp-demo-2026"})
        assert response.status_code == 302, email
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    from django.apps import apps
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts == {m._meta.label: m.objects.count() for m in apps.get_models()}


@pytest.mark.django_db
def test_seed_demo_refuses_in_production_unless_told():
    from django.core.management import CommandError, call_command

    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert not User.objects.exists()  # nothing half-written
    with override_settings(PRODUCTION=True):
        call_command("seed_demo", "--allow-production", stdout=open("/dev/null", "w"))
    assert User.objects.filter(email="organizer@example.org").exists()


@pytest.mark.django_db
def test_invitation_lets_a_teacher_set_a_password(client, organizer, django_capture_on_commit_callbacks):
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people"), {"email": "Li.Teacher@Example.org", "role": "teacher",
                                                   "display_name": "李老师"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "li.teacher@example.org"
    assert len(mail.outbox) == 1 and invitation.token in mail.outbox[0].body
    client.logout()
    url = reverse("invitation_accept", args=[invitation.token])
    response = client.post(url, {"display_name": "李老师", "time_zone": "Asia/Shanghai", "preferred_language": "zh-hans",
                                 "password1": "Tea-and-ink-2026", "password2": "Tea-and-ink-2026"})
    assert response.status_code == 302
    user = User.objects.get(email="li.teacher@example.org")
    assert user.role == "teacher" and user.check_password("Tea-and-ink-2026")
    # The link works once.
    client.logout()
    assert client.get(url).status_code == 410


@pytest.mark.django_db
def test_invitation_with_bad_input_writes_nothing(client, organizer, coordinator):
    client.force_login(organizer)
    for data in ({"email": "not-an-email", "role": "teacher"}, {"email": "a@example.org", "role": "youth"},
                 {"email": coordinator.email, "role": "teacher"}):
        response = client.post(reverse("people"), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Invitation.objects.exists()
    invitation = Invitation.objects.create(email="x@example.org", role="teacher", token="t" * 40,
                                           invited_by=organizer, expires_at="2030-01-01T00:00Z")
    client.logout()
    url = reverse("invitation_accept", args=[invitation.token])
    response = client.post(url, {"display_name": "X", "time_zone": "Mars/Base", "preferred_language": "zh-hans",
                                 "password1": "short", "password2": "other"})
    assert response.status_code == 200
    assert not User.objects.filter(email="x@example.org").exists()
    response = client.post(url, {"display_name": "X", "time_zone": "Asia/Shanghai", "preferred_language": "en",
                                 "password1": "123", "password2": "123"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not User.objects.filter(email="x@example.org").exists()


@pytest.mark.django_db
def test_coordinator_signs_up_and_waits_for_confirmation(client, organizer):
    response = client.post("/accounts/signup/", {
        "email": "vientiane@example.org", "password1": PASSWORD, "password2": PASSWORD,
        "display_name": "Vientiane School", "time_zone": "Asia/Vientiane", "preferred_language": "lo",
    })
    assert response.status_code == 302
    user = User.objects.get(email="vientiane@example.org")
    assert user.role == "coordinator" and not user.is_confirmed and user.time_zone == "Asia/Vientiane"
    client.force_login(organizer)
    assert user.name in client.get(reverse("people")).content.decode()
    response = client.post(reverse("coordinator_confirm", args=[user.pk]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_confirmed


@pytest.mark.django_db
def test_only_organizers_confirm_coordinators(client, coordinator, make_user):
    pending = make_user("coordinator", is_confirmed=False)
    client.force_login(coordinator)
    assert client.post(reverse("coordinator_confirm", args=[pending.pk])).status_code == 403
    pending.refresh_from_db()
    assert not pending.is_confirmed


@pytest.mark.django_db
def test_profile_saves_language_and_time_zone(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("profile"), {"display_name": "Khun Mali", "preferred_language": "lo",
                                                "time_zone": "Asia/Vientiane"})
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert (coordinator.display_name, coordinator.preferred_language, coordinator.time_zone) == (
        "Khun Mali", "lo", "Asia/Vientiane")


@pytest.mark.django_db
def test_profile_with_bad_input_changes_nothing(client, coordinator):
    client.force_login(coordinator)
    before = (coordinator.display_name, coordinator.preferred_language, coordinator.time_zone)
    response = client.post(reverse("profile"), {"display_name": "x" * 101, "preferred_language": "fr",
                                                "time_zone": "Asia/Atlantis"})
    assert response.status_code == 200
    assert {"display_name", "preferred_language", "time_zone"} <= set(response.context["form"].errors)
    coordinator.refresh_from_db()
    assert (coordinator.display_name, coordinator.preferred_language, coordinator.time_zone) == before



@pytest.mark.redis
def test_healthz_leaves_no_subscription_open_on_the_redis_layer():
    """Each check used to leave its channel subscribed on the process's pub/sub connection, which
    lives as long as the server's event loop: five checks in one loop, then none may be left."""
    import redis
    from asgiref.sync import async_to_sync
    from channels.layers import channel_layers

    from qiaocamp.views.health import _touch_channel_layer
    from tests.conftest import redis_url

    prefix = f"healthz-leak-{uuid.uuid4().hex[:8]}:"
    layer = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                         "CONFIG": {"hosts": [redis_url()], "prefix": prefix}}}
    server = redis.Redis.from_url(redis_url())

    async def five_checks_then_count():
        for _ in range(5):
            await _touch_channel_layer()
        return server.pubsub_channels(f"{prefix}*")

    with override_settings(CHANNEL_LAYERS=layer):
        channel_layers.backends.clear()
        try:
            assert async_to_sync(five_checks_then_count)() == []
        finally:
            channel_layers.backends.clear()
