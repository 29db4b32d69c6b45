"""A coordinator nobody has confirmed sees no group, even one they were added to."""

import pytest
from django.urls import reverse

from camp.access import visible_groups

pytestmark = pytest.mark.django_db


@pytest.fixture
def unconfirmed(coordinator):
    coordinator.is_confirmed = False
    coordinator.save(update_fields=["is_confirmed"])
    return coordinator


def test_confirmed_coordinator_sees_own_group(client, coordinator, group):
    assert list(visible_groups(coordinator)) == [group]
    client.force_login(coordinator)
    assert client.get(reverse("group_detail", kwargs={"pk": group.pk})).status_code == 200
    assert client.get(reverse("reports:group", kwargs={"pk": group.pk})).status_code == 200


def test_unconfirmed_coordinator_sees_no_groups(unconfirmed, group):
    assert group.coordinators.filter(pk=unconfirmed.pk).exists()
    assert not visible_groups(unconfirmed).exists()


@pytest.mark.parametrize("url_name", ["group_detail", "roster", "login_cards", "reports:group",
                                      "reports:group_certificates"])
def test_unconfirmed_coordinator_of_the_group_gets_404(client, unconfirmed, group, url_name):
    client.force_login(unconfirmed)
    assert client.get(reverse(url_name, kwargs={"pk": group.pk})).status_code == 404


def test_unconfirmed_coordinator_group_list_is_empty(client, unconfirmed, group):
    client.force_login(unconfirmed)
    response = client.get(reverse("group_list"))
    assert response.status_code == 200
    assert group.name not in response.content.decode()
