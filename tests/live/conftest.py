"""Live-room tests: `live_session` and `make_session` (tests/conftest.py) are rooms of the `group`
of tests/conftest.py, taught by `teacher`; here a second youth and the WebSocket helpers."""

import json

import pytest

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


async def refused_with(session_path: str, user, *, frames: list | None = None) -> int:
    """The close code a refused connection gets (the server accepts, then closes). The only frame
    a refused socket may get first is `removed` (someone the teacher removed is told so); pass
    `frames` to collect what came."""
    comm, connected, detail = await open_socket(session_path, user)
    try:
        if not connected:
            return detail
        output = await comm.receive_output(timeout=3)
        while output["type"] == "websocket.send":
            frame = json.loads(output["text"])
            assert frame["type"] == "removed", frame
            if frames is not None:
                frames.append(frame)
            output = await comm.receive_output(timeout=3)
        assert output["type"] == "websocket.close", output
        return output["code"]
    finally:
        await comm.disconnect()


async def send(comm, payload) -> None:
    await comm.send_to(text_data=json.dumps(payload))



@pytest.fixture(autouse=True)
def _presence_at_once(monkeypatch):
    """Presence, reactions and hands are coalesced (one frame per room per second) in production;
    most tests read the room frame by frame and drain it for 0.3 s, so here every change goes at
    once unless the test asks for `coalesced_presence`. (The defaults, not the settings: a settings
    override would hide the settings module from tests/live/servers.py.)"""
    from live import events

    monkeypatch.setattr(events, "PRESENCE_EVERY", 0.0)
    monkeypatch.setattr(events, "REACTIONS_EVERY", 0.0)


@pytest.fixture
def coalesced_presence(monkeypatch, _presence_at_once):
    """Production's intervals: one coalesced frame per room per second (presence, reactions, hands)."""
    from live import events

    monkeypatch.setattr(events, "PRESENCE_EVERY", 1.0)
    monkeypatch.setattr(events, "REACTIONS_EVERY", 1.0)


async def join_v2(session, user):
    """Connect with ?v=2 (protocol 2) and read the welcome."""
    comm, connected, detail = await open_socket(path_for(session) + "?v=2", user)
    assert connected, detail
    welcome = await recv(comm)
    assert welcome["type"] == "welcome" and welcome["protocol"] == 2, welcome
    return comm, welcome
