"""A ceremony's room over the real socket: youth of two groups in one room hear each other, each
named with their group; a youth of another phase is refused like any outsider."""

import datetime

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from live.models import ChatMessage, LiveSession
from tests import factories
from tests.live.conftest import drain, join, path_for, recv_type, refused_with, send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ceremony(phase):
    return factories.ceremony(
        phase,
        kind="closing",
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        state=LiveSession.State.LIVE,
    )


async def test_youth_of_two_groups_hear_each_other_named_with_their_group(
    ceremony, youth, other_youth, organizer, coordinator
):
    comms = {}
    for name, user in (
        ("youth", youth),
        ("other", other_youth),
        ("organizer", organizer),
        ("coordinator", coordinator),
    ):
        comms[name], welcome = await join(ceremony, user)
        assert welcome["session"]["id"] == ceremony.pk
    try:
        for comm in comms.values():
            await drain(comm)
        await send(comms["youth"], {"type": "chat", "text": "สวัสดี", "client_id": "t1"})
        await send(comms["other"], {"type": "chat", "text": "မင်္ဂလာပါ", "client_id": "m1"})
        seen = {}
        for name in ("youth", "other", "organizer", "coordinator"):
            seen[name] = {
                (await recv_type(comms[name], "message"))["text"],
                (await recv_type(comms[name], "message"))["text"],
            }
        assert all(texts == {"สวัสดี", "မင်္ဂလာပါ"} for texts in seen.values()), seen
        # The history a newcomer reads names each youth with their group too.
        late, welcome = await join(ceremony, organizer)
        names = {m["text"]: m["author"]["name"] for m in welcome["history"]}
        assert names == {
            "สวัสดี": "สมชาย แ. · 曼谷中华语言文化中心",
            "မင်္ဂလာပါ": "အောင်ကျော် T. · 仰光华侨中文学校",
        }
        await late.disconnect()
        assert await sync_to_async(ChatMessage.objects.filter(session=ceremony).count)() == 2
    finally:
        for comm in comms.values():
            await comm.disconnect()


async def test_a_youth_of_another_phase_is_refused(ceremony, camp, make_participant):
    def outsider():
        later = factories.open_phase(camp, 2)
        group = factories.group(
            camp, "万象寮都公学", time_zone="Asia/Vientiane", country="LA", approved_in=later
        )
        return make_participant(group).user

    user = await sync_to_async(outsider)()
    code = await refused_with(path_for(ceremony), user)
    assert code >= 4000


def test_a_youth_who_loses_access_is_told_in_the_open_ceremony(phase, youth):
    from live.services import member_access_revoke

    opening = factories.ceremony(
        phase, kind="opening", starts_at=timezone.now(), state=LiveSession.State.OPEN
    )
    # No socket needed: the ceremonies of the youth's phase are among the rooms told to close theirs.
    assert opening.pk in member_access_revoke(user=youth)
