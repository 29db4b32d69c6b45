"""The bench's own live rooms and logged-in users (needs django.setup() with bench.settings).

Rooms are real LiveSessions of a published plan, with consenting youth of the group, so the product
consumer admits them through its normal access rules. Idempotent: rooms grow, never duplicate.
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from camp.models import Camp, Enrollment, Group, Participant, Phase, User
from courses.models import Lesson, Plan, PlanItem
from live.models import LiveSession

BENCH_FEDERATION = "QiaoCamp bench"
BENCH_PASSWORD = "bench-Password-2026"


def _bench_camp() -> tuple[Camp, Phase, User]:
    organizer, _ = User.objects.get_or_create(
        username="bench-organizer@example.org",
        defaults={
            "email": "bench-organizer@example.org",
            "role": User.Role.ORGANIZER,
            "display_name": "Bench organizer",
        },
    )
    camp, _ = Camp.objects.get_or_create(
        federation=BENCH_FEDERATION,
        year=2099,
        defaults={"organizer": organizer, "title": "Bench live rooms", "languages": ["zh-hans", "en"]},
    )
    today = timezone.localdate()
    phase, _ = Phase.objects.update_or_create(
        camp=camp,
        number=1,
        defaults={
            "starts_on": today - datetime.timedelta(days=3),
            "ends_on": today + datetime.timedelta(days=30),
            "enrollment_opens": today - datetime.timedelta(days=60),
            "enrollment_closes": today - datetime.timedelta(days=10),
            "capacity": 100000,
        },
    )
    return camp, phase, organizer


def _teacher(index: int) -> User:
    email = f"bench-teacher-{index}@example.org"
    user, created = User.objects.get_or_create(
        username=email,
        defaults={"email": email, "role": User.Role.TEACHER, "display_name": f"Bench teacher {index}"},
    )
    if created:
        user.set_password(BENCH_PASSWORD)
        user.save(update_fields=["password"])
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


@transaction.atomic
def ensure_room(index: int, youth: int) -> dict:
    """Room `index` with at least `youth` consenting youth; returns ids for the load generator."""
    camp, phase, organizer = _bench_camp()
    teacher = _teacher(index)
    group, _ = Group.objects.get_or_create(
        camp=camp,
        name=f"Bench room {index}",
        defaults={
            "institution": "Bench school",
            "country": "TH",
            "time_zone": "Asia/Bangkok",
            "languages": ["th"],
        },
    )
    Enrollment.objects.get_or_create(
        group=group,
        phase=phase,
        defaults={
            "status": Enrollment.Status.APPROVED,
            "decided_by": organizer,
            "decided_at": timezone.now(),
        },
    )
    have = Participant.objects.filter(group=group).count()
    if have < youth:
        password = make_password(BENCH_PASSWORD)  # hashed once: PBKDF2 per user would take minutes
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench-r{index}-y{n}",
                    role=User.Role.YOUTH,
                    display_name=f"Youth {n}",
                    password=password,
                    preferred_language="th",
                    time_zone="Asia/Bangkok",
                )
                for n in range(have, youth)
            ],
            batch_size=1000,
        )
        now = timezone.now()
        Participant.objects.bulk_create(
            [
                Participant(
                    group=group,
                    family_name="Bench",
                    given_name=f"Youth{n}",
                    birth_year=2013,
                    guardian_name="Guardian",
                    guardian_contact="+66 000",
                    consent_given=True,
                    consent_at=now,
                    consent_method=Participant.ConsentMethod.PAPER,
                    user=user,
                )
                for n, user in zip(range(have, youth), users, strict=True)
            ],
            batch_size=1000,
        )
    lesson, _ = Lesson.objects.get_or_create(
        title="Bench live lesson", defaults={"format": Lesson.Format.LIVE, "duration_minutes": 45}
    )
    plan, _ = Plan.objects.get_or_create(
        group=group,
        phase=phase,
        defaults={
            "status": Plan.Status.PUBLISHED,
            "published_at": timezone.now(),
            "approved_by": organizer,
            "approved_at": timezone.now(),
        },
    )
    item = PlanItem.objects.filter(plan=plan).first()
    now = timezone.now()
    if item is None:
        item = PlanItem.objects.create(
            plan=plan, lesson=lesson, starts_at=now, duration_minutes=600, teacher=teacher
        )
    # The room must be live whenever the bench runs, whatever day that is.
    PlanItem.objects.filter(pk=item.pk).update(
        starts_at=now - datetime.timedelta(minutes=5), duration_minutes=600
    )
    session, _ = LiveSession.objects.get_or_create(plan_item=item)
    LiveSession.objects.filter(pk=session.pk).update(
        starts_at=now - datetime.timedelta(minutes=5),
        duration_minutes=600,  # the room's copy of the item's time
        state=LiveSession.State.LIVE,
        started_at=now - datetime.timedelta(minutes=5),
        ended_at=None,
        chat_locked=False,
        slow_mode_seconds=0,
    )
    youth_ids = list(
        Participant.objects.filter(group=group).order_by("pk").values_list("user_id", flat=True)[:youth]
    )
    return {
        "index": index,
        "session_id": session.pk,
        "teacher_id": teacher.pk,
        "teacher_email": teacher.email,
        "youth_ids": youth_ids,
    }


@transaction.atomic
def ensure_ceremony(rooms: list[dict]) -> dict:
    """The bench phase's opening ceremony, live now: ONE room for every group of the phase.

    `rooms` are the groups' class rooms (ensure_room); the ceremony's clients are the camp's
    organizer (its host) and those rooms' youth. Returns a room dict like ensure_room's."""
    camp, phase, organizer = _bench_camp()
    now = timezone.now()
    session = LiveSession.objects.filter(phase=phase, kind=LiveSession.Kind.OPENING).first()
    if session is None:
        session = LiveSession.objects.create(
            kind=LiveSession.Kind.OPENING,
            phase=phase,
            group=None,
            title="Bench opening ceremony",
            starts_at=now,
            duration_minutes=600,
        )
    LiveSession.objects.filter(pk=session.pk).update(
        starts_at=now - datetime.timedelta(minutes=5),
        duration_minutes=600,
        state=LiveSession.State.LIVE,
        started_at=now - datetime.timedelta(minutes=5),
        ended_at=None,
        cancelled_at=None,
        chat_locked=False,
        slow_mode_seconds=0,
    )
    return {
        "index": 0,
        "session_id": session.pk,
        "teacher_id": organizer.pk,
        "teacher_email": None,
        "youth_ids": [u for room in rooms for u in room["youth_ids"]],
        "groups": len(rooms),
    }


def session_cookies(user_ids: list[int]) -> dict[int, str]:
    """A fresh Django session per user, written straight to the session table (cookie values)."""
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    store = SessionStore()
    expire = timezone.now() + datetime.timedelta(days=1)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    rows, cookies = [], {}
    for pk in user_ids:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: users[pk].get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        cookies[pk] = key
    Session.objects.bulk_create(rows, batch_size=1000)
    return cookies


def real_login(base_url: str, email: str, password: str = BENCH_PASSWORD) -> str:
    """Log in through the real allauth form over HTTP; returns the session cookie value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{base_url}/accounts/login/"
    page = opener.open(login_url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "login": email, "password": password}
    ).encode()
    request = urllib.request.Request(login_url, data=body, headers={"Referer": login_url})
    opener.open(request, timeout=30).read()
    for cookie in jar:
        if cookie.name == settings.SESSION_COOKIE_NAME:
            return cookie.value
    raise RuntimeError(f"real login of {email} gave no session cookie")
