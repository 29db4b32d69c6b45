"""`/`: a visitor finds the youth's code login beside the adults' e-mail login; a finished camp
puts the youth's certificates first."""

import datetime

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "th", "lo", "my", "en"])
def test_a_visitor_gets_both_ways_in(client, language):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("join")}"' in page and f'href="{reverse("account_login")}"' in page
    assert "qiaocamp/landing.html" in [template.name for template in response.templates]


def test_the_login_page_points_campers_to_their_code(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "I have a code" in page and f'href="{reverse("join")}"' in page


def test_signed_in_people_still_land_on_their_home(client, youth):
    client.force_login(youth)
    response = client.get("/")
    assert "qiaocamp/landing.html" not in [template.name for template in response.templates]


def test_once_the_camp_is_over_the_certificates_come_first(client, youth, phase):
    today = datetime.date.today()
    phase.starts_on, phase.ends_on = today - datetime.timedelta(days=20), today - datetime.timedelta(days=5)
    phase.save(update_fields=["starts_on", "ends_on"])
    client.force_login(youth)
    response = client.get(reverse("my_camp"))
    assert response.context["phase_state"] == "finished"
    partials = response.context["partials"]
    assert partials[0] == "camp/_my_camp.html" and partials[1] == "reports/_my_camp.html"
