"""Reach across camps (issue #12): a coordinator waiting for confirmation on camp 1's group is
confirmed only by camp 1's organizers; `coordinator_may_act` is the one test of `is_confirmed`."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from camp.access import (
    can_manage_group,
    coordinator_may_act,
    coordinators_to_confirm,
    get_coordinator_to_confirm,
    visible_groups,
)
from camp.models import Group, User
from camp.services.accounts import coordinator_confirm
from camp.services.groups import group_create
from tests import factories
from tests.camp.conftest import speak_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(group):
    """A coordinator on `group` (camp 1) whom nobody has confirmed."""
    user = factories.user(User.Role.COORDINATOR, email_address=False, is_confirmed=False, display_name="Waiting Wu")
    group.coordinators.add(user)
    return user


@pytest.fixture
def other_organizer():
    organizer = factories.user(User.Role.ORGANIZER)
    factories.camp(organizer, federation="昆明市侨联", title="寻根之旅")
    return organizer


def test_an_organizer_of_another_camp_cannot_confirm_camp_1s_coordinator(client, pending, other_organizer):
    client.force_login(other_organizer)
    assert client.post(reverse("coordinator_confirm", args=[pending.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        coordinator_confirm(organizer=other_organizer, user=pending)
    pending.refresh_from_db()
    assert not pending.is_confirmed and mail.outbox == []
    assert "Waiting Wu" not in client.get(reverse("people")).content.decode()


def test_camp_1s_organizers_confirm_them(client, pending, organizer, camp):
    co_organizer = factories.user(User.Role.ORGANIZER)
    camp.co_organizers.add(co_organizer)
    assert set(coordinators_to_confirm(co_organizer)) == {pending}
    speak_english(organizer)
    client.force_login(organizer)
    assert "Waiting Wu" in client.get(reverse("people")).content.decode()
    assert client.post(reverse("coordinator_confirm", args=[pending.pk])).status_code == 302
    pending.refresh_from_db()
    assert pending.is_confirmed
    # Confirmed: nothing left to confirm.
    assert client.post(reverse("coordinator_confirm", args=[pending.pk])).status_code == 404


def test_a_newcomer_on_no_group_is_any_organizers_to_confirm(client, other_organizer):
    newcomer = factories.user(User.Role.COORDINATOR, email_address=False, is_confirmed=False)
    client.force_login(other_organizer)
    assert client.post(reverse("coordinator_confirm", args=[newcomer.pk])).status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.is_confirmed


@pytest.mark.parametrize("pk", ["0", str(2**62)])
def test_unknown_people_are_404(client, organizer, pk):
    client.force_login(organizer)
    assert client.post(f"/people/{pk}/confirm/").status_code == 404


def test_not_organizers_get_403(client, pending, coordinator, teacher, youth):
    for person in (coordinator, teacher, youth, pending):
        client.force_login(person)
        assert client.post(reverse("coordinator_confirm", args=[pending.pk])).status_code == 403
        with pytest.raises(PermissionDenied):
            get_coordinator_to_confirm(person, pending.pk)
    pending.refresh_from_db()
    assert not pending.is_confirmed


def test_an_unconfirmed_coordinator_cannot_act(pending, group, camp):
    assert not coordinator_may_act(pending)
    assert not visible_groups(pending).exists() and not can_manage_group(pending, group)
    with pytest.raises(PermissionDenied):
        group_create(by=pending, camp=camp, name="Shadow", institution="x", country="TH", time_zone="Asia/Bangkok",
                     languages=["th"], chinese_level="beginner")
    assert not Group.objects.filter(name="Shadow").exists()


def test_an_inactive_coordinator_cannot_act(coordinator, group):
    assert coordinator_may_act(coordinator) and can_manage_group(coordinator, group)
    coordinator.is_active = False
    assert not coordinator_may_act(coordinator) and not can_manage_group(coordinator, group)
