"""Shared fixtures: personas of every role, and outsiders of each kind.

The world: one camp with a running phase; `group` (coordinator, youth) and `other_group`
(other_coordinator, other_youth) are both approved in it. The outsiders are who catch
permission bugs.
"""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from channels.layers import channel_layers
from django.utils import timezone

from camp.models import Camp, Enrollment, Group, Participant, Phase, User

PASSWORD = "test-Password-2026"
_counter = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright's sync API keeps an event loop in the main thread for the
    rest of the session, and pytest-asyncio cannot run async tests after it."""
    items.sort(key=lambda item: "/tests/browser/" in str(item.path).replace("\\", "/"))


@pytest.fixture(autouse=True)
def _fresh_channel_layers():
    """A channel layer (and its Redis connections) must not outlive the test's event loop."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _default_language_and_zone():
    """qiaocamp.middleware activates the user's language and zone for the thread; the test client runs
    requests in the test's own thread, so reset them or objects a test creates after a request are
    saved in that user's language (modeltranslation) and times shown in their zone."""
    from django.conf import settings
    from django.utils import timezone, translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def make_user(db):
    def make(role=User.Role.COORDINATOR, email=None, **extra) -> User:
        number = next(_counter)
        if email is None and role != User.Role.YOUTH:
            email = f"{role}{number}@example.org"
        user = User(
            username=email or f"youth-{number}",
            email=email or "",
            role=role,
            display_name=extra.pop("display_name", f"{role.title()} {number}"),
            **extra,
        )
        user.set_password(PASSWORD)
        user.save()
        if email:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    return make


@pytest.fixture
def make_participant(db, make_user):
    def make(group, *, with_account=True, consent=True, **extra) -> Participant:
        number = next(_counter)
        participant = Participant.objects.create(
            group=group,
            family_name=extra.pop("family_name", f"Family{number}"),
            given_name=extra.pop("given_name", f"Given{number}"),
            birth_year=extra.pop("birth_year", timezone.localdate().year - 12),
            guardian_name="Guardian",
            guardian_contact="+66 000 0000",
            consent_given=consent,
            consent_at=timezone.now() if consent else None,
            consent_method=Participant.ConsentMethod.PAPER if consent else "",
            preferred_language=extra.pop("preferred_language", "th"),
            **extra,
        )
        if with_account:
            participant.user = make_user(
                User.Role.YOUTH, display_name=participant.display_name, preferred_language=participant.preferred_language,
                time_zone=group.time_zone,
            )
            participant.save(update_fields=["user"])
        return participant

    return make


@pytest.fixture
def organizer(make_user):
    return make_user(User.Role.ORGANIZER, time_zone="Asia/Shanghai", preferred_language="zh-hans")


@pytest.fixture
def teacher(make_user):
    return make_user(User.Role.TEACHER, time_zone="Asia/Shanghai", preferred_language="zh-hans")


@pytest.fixture
def coordinator(make_user):
    return make_user(User.Role.COORDINATOR, time_zone="Asia/Bangkok", preferred_language="th")


@pytest.fixture
def other_coordinator(make_user):
    return make_user(User.Role.COORDINATOR, time_zone="Asia/Yangon", preferred_language="my")


@pytest.fixture
def camp(organizer):
    return Camp.objects.create(
        organizer=organizer, federation="普洱市侨联", title="亲情中华·为你讲故事", year=2026,
        languages=["zh-hans", "en", "th", "lo", "my"],
    )


@pytest.fixture
def phase(camp):
    today = timezone.localdate()
    return Phase.objects.create(
        camp=camp, number=1, starts_on=today - datetime.timedelta(days=2), ends_on=today + datetime.timedelta(days=12),
        enrollment_opens=today - datetime.timedelta(days=40), enrollment_closes=today + datetime.timedelta(days=30),
        capacity=100, min_age=8, max_age=18,
    )


def _group(camp, name, zone, country, coordinator):
    group = Group.objects.create(
        camp=camp, name=name, institution=f"{name} School", country=country, time_zone=zone,
        languages=["th", "zh-hans"], chinese_level="beginner", age_min=8, age_max=16,
        available_hours=[{"weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "16:00", "end": "20:00"}],
    )
    group.coordinators.add(coordinator)
    return group


@pytest.fixture
def group(camp, phase, coordinator, organizer):
    group = _group(camp, "曼谷中华语言文化中心", "Asia/Bangkok", "TH", coordinator)
    Enrollment.objects.create(group=group, phase=phase, status=Enrollment.Status.APPROVED, decided_by=organizer,
                              decided_at=timezone.now(), submitted_at=timezone.now())
    return group


@pytest.fixture
def other_group(camp, phase, other_coordinator, organizer):
    group = _group(camp, "仰光华侨中文学校", "Asia/Yangon", "MM", other_coordinator)
    Enrollment.objects.create(group=group, phase=phase, status=Enrollment.Status.APPROVED, decided_by=organizer,
                              decided_at=timezone.now(), submitted_at=timezone.now())
    return group


@pytest.fixture
def youth_participant(group, make_participant):
    return make_participant(group, given_name="สมชาย", family_name="แซ่ตั้ง")


@pytest.fixture
def youth(youth_participant):
    return youth_participant.user


@pytest.fixture
def other_youth(other_group, make_participant):
    return make_participant(other_group, given_name="အောင်ကျော်", family_name="Tan", preferred_language="my").user


@pytest.fixture
def world(organizer, teacher, coordinator, other_coordinator, camp, phase, group, other_group, youth,
          youth_participant, other_youth):
    """Everything the access matrix and cross-app tests need, by name."""
    return SimpleNamespace(
        organizer=organizer, teacher=teacher, coordinator=coordinator, other_coordinator=other_coordinator,
        camp=camp, phase=phase, group=group, other_group=other_group, youth=youth,
        youth_participant=youth_participant, other_youth=other_youth,
    )


@pytest.fixture
def personas(world):
    return {
        "anonymous": None,
        "youth": world.youth,
        "other_youth": world.other_youth,
        "coordinator": world.coordinator,
        "other_coordinator": world.other_coordinator,
        "teacher": world.teacher,
        "organizer": world.organizer,
    }
