"""A live room for the `group` of tests/conftest.py: a published plan with one live item taught
by `teacher`, running now."""

import datetime
import json

import pytest
from django.utils import timezone

from courses.models import Lesson, Plan, PlanItem
from live.models import LiveSession
from tests.ws import open_socket


@pytest.fixture(autouse=True)
def _close_executor_connections():
    """Async tests run their ORM calls in asgiref's one shared executor thread; with CONN_MAX_AGE
    its PostgreSQL connection would outlive the test and block dropping the test database."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture
def lesson(db):
    return Lesson.objects.create(title="书法 Calligraphy", format=Lesson.Format.LIVE, duration_minutes=60)


@pytest.fixture
def plan(group, phase):
    return Plan.objects.create(group=group, phase=phase, status=Plan.Status.PUBLISHED)


@pytest.fixture
def make_session(plan, lesson, teacher):
    def make(*, state=LiveSession.State.LIVE, starts_in=datetime.timedelta(minutes=-10), minutes=60,
             teacher_user=None, **extra) -> LiveSession:
        starts_at = timezone.now() + starts_in
        item = PlanItem.objects.create(plan=plan, lesson=lesson, starts_at=starts_at, duration_minutes=minutes,
                                       teacher=teacher_user or teacher)
        return LiveSession.objects.create(
            plan_item=item, state=state,
            started_at=starts_at if state in (LiveSession.State.LIVE, LiveSession.State.ENDED) else None,
            ended_at=starts_at + datetime.timedelta(minutes=minutes) if state == LiveSession.State.ENDED else None,
            **extra,
        )

    return make


@pytest.fixture
def live_session(make_session):
    return make_session()


@pytest.fixture
def youth2(group, make_participant):
    return make_participant(group, given_name="มาลี", family_name="แซ่ลิ้ม").user


# --- WebSocket helpers ------------------------------------------------------------------------

def path_for(session) -> str:
    return f"/ws/live/{session.pk}/"


async def recv(comm, timeout: float = 3) -> dict:
    return json.loads(await comm.receive_from(timeout=timeout))


async def recv_type(comm, kind: str, timeout: float = 3) -> dict:
    """The next frame of this type, skipping others (presence and the like)."""
    for _ in range(50):
        frame = await recv(comm, timeout)
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


async def drain(comm, quiet: float = 0.3) -> list[dict]:
    frames = []
    while not await comm.receive_nothing(timeout=quiet):
        frames.append(json.loads(await comm.receive_from()))
    return frames


async def join(session, user):
    """Connect and read the welcome. Returns (communicator, welcome)."""
    comm, connected, detail = await open_socket(path_for(session), user)
    assert connected, detail
    welcome = await recv(comm)
    assert welcome["type"] == "welcome", welcome
    return comm, welcome


async def refused_with(session_path: str, user) -> int:
    """The close code a refused connection gets (the server accepts, then closes)."""
    comm, connected, detail = await open_socket(session_path, user)
    try:
        if not connected:
            return detail
        output = await comm.receive_output(timeout=3)
        assert output["type"] == "websocket.close", output
        return output["code"]
    finally:
        await comm.disconnect()


async def send(comm, payload) -> None:
    await comm.send_to(text_data=json.dumps(payload))

