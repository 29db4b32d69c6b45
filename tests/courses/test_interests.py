"""A group's interests live in courses: the service, the page and who may use them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from courses.services.interests import group_interests_set
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tea(db):
    return factories.topic("puer-tea", "普洱茶", name_en="Pu'er tea", name_th="ชาผู่เอ๋อ")


def test_coordinator_and_organizer_set_interests_others_cannot(group, coordinator, organizer, other_coordinator,
                                                               teacher, youth, tea):
    assert group_interests_set(by=coordinator, group=group, topics=[tea]) == [tea]
    assert list(group.interests.all()) == [tea]
    group_interests_set(by=organizer, group=group, topics=[])
    assert not group.interests.exists()
    for outsider in (other_coordinator, teacher, youth):
        with pytest.raises(PermissionDenied):
            group_interests_set(by=outsider, group=group, topics=[tea])
    assert not group.interests.exists()


def test_interests_page_from_the_group_page(client, group, coordinator, tea):
    client.force_login(coordinator)
    with translation.override("en"):
        page = client.get(reverse("group_detail", args=[group.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    url = reverse("courses:group_interests", args=[group.pk])
    assert url in page  # the group page links to courses' part
    assert f'value="{tea.pk}"' in client.get(url).content.decode()
    response = client.post(url, {"topics": [tea.pk]})
    assert response.status_code == 302 and response["Location"] == reverse("group_detail", args=[group.pk])
    assert list(group.interests.all()) == [tea]
    page = client.get(reverse("group_detail", args=[group.pk])).content.decode()
    assert "ชาผู่เอ๋อ" in page  # the coordinator reads Thai


@pytest.mark.parametrize("bad", [["999999"], ["x"], [str(2**70)], ["-1"]])
def test_interests_page_refuses_unknown_topics(client, group, coordinator, tea, bad):
    group_interests_set(by=coordinator, group=group, topics=[tea])
    client.force_login(coordinator)
    response = client.post(reverse("courses:group_interests", args=[group.pk]), {"topics": bad})
    assert response.status_code == 200 and response.context["form"].errors["topics"]
    assert list(group.interests.all()) == [tea]  # nothing changed


def test_interests_page_outsiders_and_methods(client, group, other_coordinator, teacher, youth, tea):
    url = reverse("courses:group_interests", args=[group.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for outsider in (other_coordinator, teacher, youth):
        client.force_login(outsider)
        assert client.post(url, {"topics": [tea.pk]}).status_code in (403, 404)
    assert not group.interests.exists()
