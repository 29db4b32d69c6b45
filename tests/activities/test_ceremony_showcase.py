"""The closing ceremony's room shows the approved showcase of every group of the phase, only the
pieces whose youth's guardian allows "showcase_camp"; thumbnails through the access-checked view."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.selectors import closing_showcase
from activities.services import showcase
from live.models import LiveSession
from tests import factories
from tests.activities import files
from tests.activities.conftest import paper_consent

pytestmark = pytest.mark.django_db


def _approved(participant, title, teacher):
    piece = showcase.piece_submit(
        by=participant.user, participant=participant, title=title, file=files.photo()
    )
    return showcase.piece_moderate(by=teacher, piece=piece, action="approve") or piece


def test_only_camp_wide_consented_pieces_show_in_the_closing_room(
    client, phase, group, youth, youth_participant, make_participant, coordinator, organizer, teacher
):
    closing = factories.ceremony(
        phase,
        kind="closing",
        starts_at=timezone.now() + datetime.timedelta(minutes=5),
        state=LiveSession.State.OPEN,
    )
    shown = _approved(youth_participant, "茶艺作品", organizer)
    paper_consent(coordinator, youth_participant, "showcase_group", "showcase_camp")
    group_only = make_participant(group, given_name="小明")
    hidden = _approved(group_only, "只给本团看", organizer)
    paper_consent(coordinator, group_only, "showcase_group")

    assert [p.pk for p in closing_showcase(closing)] == [shown.pk]
    client.force_login(organizer)
    page = client.get(closing.get_absolute_url()).content.decode()
    assert "茶艺作品" in page and "只给本团看" not in page
    assert reverse("activities:upload_thumbnail", args=[shown.upload_id]) in page
    assert reverse("activities:upload_thumbnail", args=[hidden.upload_id]) not in page
    assert youth_participant.group.name in page


def test_the_closing_room_shows_reaction_counts_not_names(
    client, phase, group, youth_participant, make_participant, coordinator, organizer
):
    from activities.services import reactions

    closing = factories.ceremony(
        phase,
        kind="closing",
        starts_at=timezone.now() + datetime.timedelta(minutes=5),
        state=LiveSession.State.OPEN,
    )
    shown = _approved(youth_participant, "茶艺作品", organizer)
    paper_consent(coordinator, youth_participant, "showcase_group", "showcase_camp")
    fans = [make_participant(group, given_name=name) for name in ("小明", "小红")]
    for fan in fans:
        reactions.reaction_set(by=fan.user, participant=fan, piece=shown, emoji="clap")
    client.force_login(organizer)
    page = client.get(closing.get_absolute_url()).content.decode()
    assert '👏 <span class="count">2</span>' in page
    assert fans[0].display_name not in page
    reactions.piece_reactions_switch(by=organizer, piece=shown, on=False)
    assert "👏" not in client.get(closing.get_absolute_url()).content.decode()
