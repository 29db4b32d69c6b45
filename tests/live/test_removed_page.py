"""The room page of someone the teacher removed: a translated page that says what happened, that it
is for this class only and whom to ask, never a bare 403."""

import pytest
from django.urls import reverse
from django.utils import timezone

from camp.models import User
from live.models import Removal

pytestmark = pytest.mark.django_db


def _remove(session, teacher, user):
    return Removal.objects.create(session=session, user=user, removed_by=teacher, created_at=timezone.now())


def test_a_removed_youth_sees_what_happened_and_whom_to_ask(client, live_session, teacher, coordinator, youth):
    _remove(live_session, teacher, youth)
    client.force_login(youth)
    response = client.get(reverse("live:room", args=[live_session.pk]))
    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "live/removed.html"
    body = response.content.decode()
    assert 'id="live-removed-page"' in body
    assert live_session.lesson_title in body
    assert teacher.display_name in body and coordinator.display_name in body
    assert f'href="{reverse("home")}"' in body and f'href="{live_session.get_absolute_url()}"' in body
    assert 'id="chat-form"' not in body and "js/live-room.js" not in body  # nothing of the room


def test_the_removed_page_in_thai(client, live_session, teacher, youth):
    from django.conf import settings

    _remove(live_session, teacher, youth)
    client.force_login(youth)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    response = client.get(reverse("live:room", args=[live_session.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert '<html lang="th">' in body
    assert "กลับหน้าแรก" in body  # "Back to the start", already in the Thai catalog
    assert 'id="live-removed-page"' in body


def test_the_page_never_shows_an_adults_email_address(client, live_session, teacher, group, youth, make_user):
    nameless = make_user(User.Role.COORDINATOR, display_name="", is_confirmed=True)
    group.coordinators.add(nameless)
    _remove(live_session, teacher, youth)
    client.force_login(youth)
    body = client.get(reverse("live:room", args=[live_session.pk])).content.decode()
    assert nameless.email not in body


def test_someone_refused_for_another_reason_gets_the_plain_403(client, live_session, group, make_participant):
    participant = make_participant(group, consent=False)
    client.force_login(participant.user)
    response = client.get(reverse("live:room", args=[live_session.pk]))
    assert response.status_code == 403
    assert 'id="live-removed-page"' not in response.content.decode()


def test_a_removal_row_tells_an_outsider_nothing(client, live_session, teacher, other_youth):
    _remove(live_session, teacher, other_youth)  # another group's youth: they may not know the class
    client.force_login(other_youth)
    assert client.get(reverse("live:room", args=[live_session.pk])).status_code == 404


def test_let_back_in_the_room_page_opens_again(client, live_session, teacher, youth):
    removal = _remove(live_session, teacher, youth)
    client.force_login(youth)
    assert client.get(reverse("live:room", args=[live_session.pk])).status_code == 403
    removal.delete()
    assert client.get(reverse("live:room", args=[live_session.pk])).status_code == 200


def test_the_teachers_room_page_has_the_removed_list_and_the_confirm_dialog(client, live_session, teacher):
    client.force_login(teacher)
    body = client.get(reverse("live:room", args=[live_session.pk])).content.decode()
    assert 'id="removed-list"' in body and 'id="live-confirm"' in body
    assert '"confirm_remove"' in body and '"readmit"' in body


def test_a_youths_room_page_has_the_removed_panel_but_no_moderation(client, live_session, youth):
    client.force_login(youth)
    body = client.get(reverse("live:room", args=[live_session.pk])).content.decode()
    assert 'id="live-removed"' in body and 'id="ask-error"' in body
    assert 'id="removed-list"' not in body and 'id="live-confirm"' not in body
