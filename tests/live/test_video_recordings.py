"""Recordings of the teacher's feed (live/video/recordings.py): who starts one, who watches it, when."""

import pytest
from django.test import override_settings
from django.urls import reverse

from live.access import RoomMember
from live.models import LiveSession, Recording, Removal
from live.video.recordings import recording_start, recordings_dir

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path):
    with override_settings(JANUS_RECORDINGS_DIR=str(tmp_path)):
        yield tmp_path


def _ready(session, folder) -> Recording:
    recording = Recording.objects.create(
        session=session, base="r", file="r.webm", status=Recording.Status.READY, started_at=session.starts_at
    )
    (folder / "r.webm").write_bytes(b"\x1aE\xdf\xa3")
    return recording


def test_only_the_teacher_starts_a_recording_and_the_server_names_it(folder, live_session, teacher, youth):
    with pytest.raises(PermissionError):
        recording_start(
            session_id=live_session.pk, member=RoomMember(user_id=youth.pk, name="y", role="youth")
        )
    with pytest.raises(PermissionError):
        recording_start(
            session_id=live_session.pk, member=RoomMember(user_id=teacher.pk, name="o", role="organizer")
        )
    base = recording_start(
        session_id=live_session.pk, member=RoomMember(user_id=teacher.pk, name="t", role="teacher")
    )
    assert base.startswith(str(recordings_dir()) + f"/session-{live_session.pk}-")
    assert Recording.objects.get(session=live_session).status == Recording.Status.RECORDING


def test_the_group_watches_after_the_class_and_nobody_else(
    folder, client, make_session, youth, other_youth, coordinator, organizer, teacher
):
    session = make_session(state=LiveSession.State.ENDED)
    recording = _ready(session, folder)
    url = reverse("live:recording", args=[session.pk, recording.pk])
    for user in (youth, coordinator, teacher, organizer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "video/webm"
        assert b"".join(response.streaming_content).startswith(b"\x1aE")
    client.force_login(other_youth)
    assert client.get(url).status_code == 404
    Removal.objects.create(session=session, user=youth, created_at=session.starts_at)
    client.force_login(youth)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(teacher)
    assert client.post(url).status_code == 405
    assert client.get(reverse("live:recording", args=[session.pk, recording.pk + 1])).status_code == 404


@pytest.mark.parametrize("state", [LiveSession.State.LIVE, LiveSession.State.CANCELLED])
def test_not_before_the_class_has_ended(folder, client, make_session, youth, state):
    session = make_session(state=state)
    recording = _ready(session, folder)
    client.force_login(youth)
    assert client.get(reverse("live:recording", args=[session.pk, recording.pk])).status_code == 404


@pytest.mark.parametrize(
    "status", [Recording.Status.RECORDING, Recording.Status.CONVERTING, Recording.Status.FAILED]
)
def test_not_before_it_is_ready(folder, client, make_session, youth, status):
    session = make_session(state=LiveSession.State.ENDED)
    recording = _ready(session, folder)
    Recording.objects.filter(pk=recording.pk).update(status=status)
    client.force_login(youth)
    assert client.get(reverse("live:recording", args=[session.pk, recording.pk])).status_code == 404


def test_a_missing_file_is_404_not_500(folder, client, make_session, youth):
    session = make_session(state=LiveSession.State.ENDED)
    recording = _ready(session, folder)
    (folder / "r.webm").unlink()
    client.force_login(youth)
    assert client.get(reverse("live:recording", args=[session.pk, recording.pk])).status_code == 404


def test_the_room_page_of_an_ended_class_shows_its_recording(folder, client, make_session, youth):
    session = make_session(state=LiveSession.State.ENDED)
    recording = _ready(session, folder)
    client.force_login(youth)
    page = client.get(session.get_absolute_url()).content.decode()
    assert reverse("live:recording", args=[session.pk, recording.pk]) in page
