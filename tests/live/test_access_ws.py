"""Who may open the room's socket: every refusal with its close code, every role let in."""

import pytest
from asgiref.sync import sync_to_async

from camp.models import User
from live.models import Removal
from tests.live.conftest import join, path_for, refused_with

pytestmark = pytest.mark.django_db(transaction=True)


async def test_anonymous_is_closed_4401(live_session):
    assert await refused_with(path_for(live_session), None) == 4401


async def test_unknown_session_is_closed_4404(youth):
    assert await refused_with("/ws/live/987654/", youth) == 4404


async def test_non_numeric_session_is_closed_4404(youth):
    assert await refused_with("/ws/live/abc/", youth) == 4404


@pytest.mark.parametrize("persona", ["other_youth", "other_coordinator"])
async def test_outsiders_of_another_group_are_closed_4403(live_session, world, persona):
    assert await refused_with(path_for(live_session), getattr(world, persona)) == 4403


async def test_another_teacher_is_closed_4403(live_session, make_user):
    stranger = await sync_to_async(make_user)(User.Role.TEACHER)
    assert await refused_with(path_for(live_session), stranger) == 4403


async def test_organizer_of_another_camp_is_closed_4403(live_session, make_user):
    stranger = await sync_to_async(make_user)(User.Role.ORGANIZER)
    assert await refused_with(path_for(live_session), stranger) == 4403


async def test_youth_without_consent_is_closed_4403(live_session, group, make_participant):
    participant = await sync_to_async(make_participant)(group, consent=False)
    assert await refused_with(path_for(live_session), participant.user) == 4403


async def test_removed_youth_is_closed_4403(live_session, youth, teacher):
    await sync_to_async(Removal.objects.create)(session=live_session, user=youth, removed_by=teacher,
                                                created_at=live_session.started_at)
    assert await refused_with(path_for(live_session), youth) == 4403


async def test_foreign_origin_is_refused(live_session, youth):
    from tests.ws import open_socket

    comm, connected, _detail = await open_socket(path_for(live_session), youth, origin=b"https://evil.example")
    assert not connected
    await comm.disconnect()


@pytest.mark.parametrize("persona,role", [("youth", "youth"), ("teacher", "teacher"),
                                          ("coordinator", "coordinator"), ("organizer", "organizer")])
async def test_members_get_a_welcome_with_their_role(live_session, world, persona, role):
    comm, welcome = await join(live_session, getattr(world, persona))
    try:
        assert welcome["you"]["role"] == role
        assert welcome["you"]["id"] == getattr(world, persona).pk
    finally:
        await comm.disconnect()
