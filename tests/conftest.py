"""Shared fixtures: personas of every role, and outsiders of each kind.

The world: one camp with a running phase; `group` (coordinator, youth) and `other_group`
(other_coordinator, other_youth) are both approved in it. The outsiders are who catch
permission bugs. The data is built by tests/factories.py, which every test uses.

Also here, in one place: what a test needs from the machine (markers `redis`, `poppler`, `browser`;
`require`), and the Redis hygiene (`clear_own_cache`).
"""

import datetime
import functools
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from channels.layers import channel_layers
from django.utils import timezone

from camp.models import User
from courses.models import Lesson
from live.models import LiveSession
from tests import factories

# --- What a test needs from the machine ------------------------------------------------------
# Mark a test (or a module, with pytestmark) `redis`, `poppler`, `ffmpeg` or `browser`. Run by hand without
# the thing, the test is skipped with the reason; under CI=true it fails instead (and so does any
# other skip: CI must never pass on tests that did not run).

CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
NEEDS = ("redis", "poppler", "ffmpeg", "browser")


def redis_url() -> str:
    """The Redis of this run: REDIS_URL, or the local default (tests that need a Redis server use
    it even when the rest of the suite runs on the in-memory channel layer)."""
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@functools.cache
def missing(need: str) -> str | None:
    """Why `need` is not available here, or None when it is."""
    if need == "redis":
        import redis

        url = redis_url()
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        except redis.RedisError as error:
            return f"needs a Redis server at {url} ({error}): apt-get install redis-server, or set REDIS_URL"
        return None
    if need == "poppler":
        absent = [tool for tool in ("pdftoppm", "pdftotext", "pdffonts") if not shutil.which(tool)]
        if absent:
            return (
                f"needs poppler ({', '.join(absent)} not found): apt-get install poppler-utils poppler-data"
            )
        return None
    if need == "ffmpeg":
        absent = [tool for tool in ("ffmpeg", "ffprobe") if not shutil.which(tool)]
        if absent:
            return f"needs ffmpeg ({', '.join(absent)} not found): apt-get install ffmpeg"
        return None
    if need == "browser":
        if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
            return f"needs Chromium at {CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)"
        return None
    raise ValueError(f"unknown need {need!r}; known: {NEEDS}")


def require(*needs: str) -> None:
    """Skip the running test for the first missing need; under CI=true, fail it."""
    for need in needs:
        reason = missing(need)
        if reason:
            if CI:
                pytest.fail(f"{reason} [CI=true: a missing requirement is a failure]", pytrace=False)
            pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    require(*(need for need in NEEDS if item.get_closest_marker(need)))


def _fail_skip_under_ci(report):
    if CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which must run every test: {reason}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    return _fail_skip_under_ci((yield))


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """A whole module skipped (pytest.importorskip, allow_module_level) fails under CI=true too."""
    return _fail_skip_under_ci((yield))


def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright's sync API keeps an event loop in the main thread for the
    rest of the session, and pytest-asyncio cannot run async tests after it. (Under pytest-xdist
    each worker is handed tests in this order, so the same holds in every worker.)"""
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


def clear_own_cache(cache=None) -> None:
    """Empty the cache (default: the configured one; it holds the rate-limit counters). On Redis
    this deletes only the run's own keys (tests/settings.py, tests/redis_cache.py); Django's own
    RedisCache.clear() would FLUSHDB a database other programs may share, so a plain RedisCache is
    refused."""
    from django.core.cache import cache as default_cache
    from django.core.cache.backends.redis import RedisCache

    from tests.redis_cache import PrefixedRedisCache

    cache = default_cache if cache is None else cache
    if isinstance(cache, RedisCache) and not isinstance(cache, PrefixedRedisCache):
        pytest.fail(
            "the cache is a plain RedisCache, whose clear() flushes the whole database: run the "
            "tests with tests.settings",
            pytrace=False,
        )
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from live.selectors import forget_shared_parts

    clear_own_cache()
    forget_shared_parts()  # the welcomes' shared parts, keyed by the room's primary key
    yield
    clear_own_cache()  # and leave nothing behind in a shared Redis


def pytest_sessionfinish(session, exitstatus):
    """What a live server or an on-commit hook wrote after the last test's cleanup goes too; and
    the run's media folder (tests/settings.py), once the whole run is over (not in an xdist worker)."""
    from django.conf import settings

    if not settings.configured:
        return
    if settings.REDIS_URL:
        clear_own_cache()
    run_folder = Path(settings.MEDIA_ROOT).parent
    if not hasattr(session.config, "workerinput") and run_folder.name.startswith("qiaocamp-test-"):
        shutil.rmtree(run_folder, ignore_errors=True)


@pytest.fixture
def clock():
    """Move "now" for this test and the servers it starts (tests/clock.py); put back afterwards."""
    from tests.clock import Clock

    shared = Clock()
    shared.reset()
    yield shared
    shared.reset()


@pytest.fixture
def make_user(db):
    return factories.user


@pytest.fixture
def make_participant(db):
    return factories.participant


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
    return factories.camp(
        organizer,
        federation="普洱市侨联",
        title="亲情中华·为你讲故事",
        year=2026,
        languages=["zh-hans", "en", "th", "lo", "my"],
    )


@pytest.fixture
def phase(camp):
    return factories.running_phase(camp)


def _group(camp, phase, organizer, name, zone, country, coordinator):
    group = factories.group(
        camp,
        name,
        institution=f"{name} School",
        country=country,
        time_zone=zone,
        coordinators=[coordinator],
        languages=["th", "zh-hans"],
        chinese_level="beginner",
        age_min=8,
        age_max=16,
        available_hours=[{"weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "16:00", "end": "20:00"}],
    )
    factories.approved_enrollment(group, phase, organizer)
    return group


@pytest.fixture
def group(camp, phase, coordinator, organizer):
    return _group(camp, phase, organizer, "曼谷中华语言文化中心", "Asia/Bangkok", "TH", coordinator)


@pytest.fixture
def other_group(camp, phase, other_coordinator, organizer):
    return _group(camp, phase, organizer, "仰光华侨中文学校", "Asia/Yangon", "MM", other_coordinator)


@pytest.fixture
def youth_participant(group, make_participant):
    return make_participant(group, given_name="สมชาย", family_name="แซ่ตั้ง")


@pytest.fixture
def youth(youth_participant):
    return youth_participant.user


@pytest.fixture
def other_youth(other_group, make_participant):
    return make_participant(
        other_group, given_name="အောင်ကျော်", family_name="Tan", preferred_language="my"
    ).user


@pytest.fixture
def make_session(group, phase, teacher):
    """Live rooms of `group`'s published plan in `phase`, taught by `teacher`, through the one
    LiveSession builder (tests/factories.py). By default live, planned 10 minutes ago (`starts_in`,
    or at `starts_at`), 60 minutes long; the sessions of one test share one lesson (60-minute live calligraphy)."""
    lessons = []

    def make(
        *,
        state=LiveSession.State.LIVE,
        starts_in=datetime.timedelta(minutes=-10),
        starts_at=None,
        minutes=60,
        teacher_user=None,
        **extra,
    ) -> LiveSession:
        if not lessons:
            lessons.append(factories.lesson("书法 Calligraphy", 60, format=Lesson.Format.LIVE))
        return factories.live_session(
            plan=factories.plan_of(group, phase),
            lesson=lessons[0],
            starts_at=starts_at or timezone.now() + starts_in,
            minutes=minutes,
            teacher=teacher_user or teacher,
            state=state,
            **extra,
        )

    return make


@pytest.fixture
def live_session(make_session):
    """A live room of `group`, running now, taught by `teacher`."""
    return make_session()


@pytest.fixture
def world(
    organizer,
    teacher,
    coordinator,
    other_coordinator,
    camp,
    phase,
    group,
    other_group,
    youth,
    youth_participant,
    other_youth,
):
    """Everything the access matrix and cross-app tests need, by name."""
    return SimpleNamespace(
        organizer=organizer,
        teacher=teacher,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        camp=camp,
        phase=phase,
        group=group,
        other_group=other_group,
        youth=youth,
        youth_participant=youth_participant,
        other_youth=other_youth,
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
