import pytest
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification
from notifications.services import notify


@pytest.fixture
def notes(youth, other_youth, group):
    (mine,) = notify([youth], "plan_changed", url="/my/", params={"group": group.name})
    (theirs,) = notify([other_youth], "checkin_prompt", url="/my/", params={"prompt": "Show your brush"})
    return mine, theirs


@pytest.mark.django_db
def test_the_list_shows_only_the_readers_own_in_their_language(client, youth, notes, group):
    youth.preferred_language = "th"
    youth.save(update_fields=["preferred_language"])
    client.force_login(youth)
    with translation.override("th"):
        expected = notes[0].text
    page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert group.name in page and "Show your brush" not in page
    assert reverse("notifications:open", args=[notes[0].pk]) in page
    assert reverse("notifications:open", args=[notes[1].pk]) not in page
    assert expected in page  # rendered in the reader's language (Thai), not stored in anyone's


@pytest.mark.django_db
def test_the_bell_counts_unread_and_opening_marks_read_and_goes_to_the_page(client, youth, notes):
    client.force_login(youth)
    home = client.get(reverse("notifications:list")).content.decode()
    assert 'class="bell-count"' in home
    response = client.get(reverse("notifications:open", args=[notes[0].pk]))
    assert response.status_code == 302 and response["Location"] == "/my/"
    notes[0].refresh_from_db()
    assert notes[0].is_read
    assert 'class="bell-count"' not in client.get(reverse("notifications:list")).content.decode()


@pytest.mark.django_db
def test_a_foreign_or_garbage_id_writes_nothing(client, youth, notes):
    client.force_login(youth)
    theirs = notes[1]
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[10**9])).status_code == 404
    for garbage in ("abc", "-1", str(2**70), "<script>", ""):
        status = client.post(reverse("notifications:read_all"), {"up_to": garbage}).status_code
        assert status == (302 if garbage == "" else 400)
        if garbage:
            assert not Notification.objects.filter(read_at__isnull=False).exists()
    # The empty field means "all of mine", and still never another youth's.
    theirs.refresh_from_db()
    assert not theirs.is_read
    assert Notification.objects.get(pk=notes[0].pk).is_read


@pytest.mark.django_db
def test_mark_all_read_leaves_what_arrived_after_the_page_was_drawn(client, coordinator, group):
    client.force_login(coordinator)
    (seen,) = notify([coordinator], "plan_changed", url="/", params={"group": group.name})
    (later,) = notify([coordinator], "plan_changed", url="/", params={"group": group.name})
    assert client.post(reverse("notifications:read_all"), {"up_to": seen.pk}).status_code == 302
    seen.refresh_from_db()
    later.refresh_from_db()
    assert seen.is_read and not later.is_read


@pytest.mark.django_db
def test_wrong_methods(client, youth, notes):
    client.force_login(youth)
    assert client.post(reverse("notifications:list")).status_code == 405
    assert client.get(reverse("notifications:read", args=[notes[0].pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405
    notes[0].refresh_from_db()
    assert not notes[0].is_read
