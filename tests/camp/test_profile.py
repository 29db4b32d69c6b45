"""The settings page: youth keep the name the roster gives them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_youth_cannot_change_their_display_name(client, youth):
    name = youth.display_name
    client.force_login(youth)
    page = client.get(reverse("profile"))
    assert page.status_code == 200 and 'name="display_name"' not in page.content.decode()
    response = client.post(reverse("profile"), {"display_name": "Chen Meiling Full Name", "preferred_language": "en",
                                                "time_zone": "Asia/Bangkok"})
    assert response.status_code == 302
    youth.refresh_from_db()
    assert youth.display_name == name
    assert (youth.preferred_language, youth.time_zone) == ("en", "Asia/Bangkok")


def test_youth_with_bad_settings_changes_nothing(client, youth):
    before = (youth.display_name, youth.preferred_language, youth.time_zone)
    client.force_login(youth)
    response = client.post(reverse("profile"), {"display_name": "x", "preferred_language": "fr",
                                                "time_zone": "Asia/Atlantis"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"preferred_language", "time_zone"}
    youth.refresh_from_db()
    assert (youth.display_name, youth.preferred_language, youth.time_zone) == before


def test_adults_still_choose_their_display_name(client, coordinator):
    client.force_login(coordinator)
    assert 'name="display_name"' in client.get(reverse("profile")).content.decode()
    client.post(reverse("profile"), {"display_name": "Khun Mali", "preferred_language": "lo",
                                     "time_zone": "Asia/Vientiane"})
    coordinator.refresh_from_db()
    assert coordinator.display_name == "Khun Mali"


def test_profile_refuses_other_methods(client, youth):
    client.force_login(youth)
    assert client.put(reverse("profile")).status_code == 405
