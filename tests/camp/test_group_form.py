"""The group form: a country by its name in the page's language, that country's time zones first."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from camp.forms import GroupForm
from camp.models import Group
from camp.zones import country_name, country_zones, zone_city

pytestmark = pytest.mark.django_db


def _zone_options(page: str) -> list[tuple[str, str]]:
    select = page.split('name="time_zone"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select)


def test_the_edit_page_names_the_country_and_offers_its_zones_first(client, group, coordinator):
    group.country, group.time_zone = "LA", "Asia/Vientiane"
    group.save(update_fields=["country", "time_zone"])
    client.force_login(coordinator)  # reads Thai
    page = client.get(reverse("group_edit", args=[group.pk])).content.decode()
    with translation.override("th"):
        laos = country_name("LA")
    assert f'<option value="LA" selected>{laos}</option>' in page
    options = _zone_options(page)
    assert options[0][0] == "Asia/Vientiane" and "Asia/" not in options[0][1]  # a city, not a raw name
    assert "ISO" not in page


def test_zones_are_grouped_by_country_and_every_zone_stays_valid():
    choices = GroupForm(data={"country": "MM"}).fields["time_zone"].choices
    assert choices[0][1] == [("Asia/Yangon", zone_city("Asia/Yangon"))]
    assert all(isinstance(group, list) for _label, group in choices)
    assert sum(len(zones) for zones in country_zones().values()) > 300  # all there, grouped, not one list


@pytest.mark.parametrize("country", ["la", "LA"])
def test_a_group_saved_with_a_picked_country(client, coordinator, camp, phase, country):
    client.force_login(coordinator)
    data = {
        "camp": camp.pk,
        "name": "寮龚侨校",
        "institution": "Lao Kong Chinese School",
        "country": country,
        "time_zone": "Asia/Vientiane",
        "languages": ["lo", "zh-hans"],
        "chinese_level": "beginner",
        "age_min": 8,
        "age_max": 16,
        "slot1_days": [0, 1],
        "slot1_start": "16:00",
        "slot1_end": "19:00",
    }
    response = client.post(reverse("group_create"), data)
    assert response.status_code == 302
    assert Group.objects.get(name="寮龚侨校").country == "LA"


@pytest.mark.parametrize("country", ["Laos", "ZZ", "", "L"])
def test_an_unknown_country_writes_nothing(client, coordinator, camp, country):
    client.force_login(coordinator)
    before = Group.objects.count()
    data = {
        "camp": camp.pk,
        "name": "X 侨校",
        "institution": "X",
        "country": country,
        "time_zone": "Asia/Vientiane",
        "languages": ["lo"],
        "chinese_level": "beginner",
        "age_min": 8,
        "age_max": 16,
        "slot1_days": [0],
        "slot1_start": "16:00",
        "slot1_end": "19:00",
    }
    response = client.post(reverse("group_create"), data)
    assert response.status_code == 200 and Group.objects.count() == before
