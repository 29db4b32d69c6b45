"""The People page: an organizer invites teachers and coordinators, and sees the adults of their own camps."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from camp.models import Invitation, User
from camp.services.accounts import invitation_create
from tests import factories
from tests.camp.conftest import speak_english

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role, home_text", [
    ("coordinator", "Register your school or association"),
    ("teacher", "Welcome, Ms Tan"),
])
def test_an_invited_adult_sets_a_password_and_lands_on_their_home(
    client, organizer, role, home_text, django_capture_on_commit_callbacks
):
    speak_english(organizer)
    client.force_login(organizer)
    page = client.get(reverse("people")).content.decode()
    assert 'name="email"' in page and f'value="{role}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people"), {"email": "tan@school.example", "role": role,
                                                   "display_name": "Ms Tan"}, follow=True)
    assert "Invitation sent to tan@school.example." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["tan@school.example"]]
    link = re.search(r"https?://\S+/invite/\S+/", mail.outbox[0].body).group(0)
    path = urlsplit(link).path
    assert path == reverse("invitation_accept", args=[Invitation.objects.get().token])

    client.logout()
    form = client.get(path)
    assert form.status_code == 200 and "tan@school.example" in form.content.decode()
    response = client.post(path, {"display_name": "Ms Tan", "time_zone": "Asia/Bangkok", "preferred_language": "en",
                                  "password1": "Chalk-and-tea-2026", "password2": "Chalk-and-tea-2026"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert home_text in response.content.decode()
    user = User.objects.get(email="tan@school.example")
    assert user.role == role and user.is_confirmed and user.time_zone == "Asia/Bangkok"
    # Signed in for real: the next page is theirs too, and they can sign in again with the password.
    assert client.get(reverse("profile")).status_code == 200
    client.logout()
    assert client.login(username="tan@school.example", password="Chalk-and-tea-2026")
    assert Invitation.objects.get().accepted_user == user


def test_people_lists_the_adults_of_the_organizers_own_camps(client, organizer, camp, group, coordinator, teacher,
                                                             make_user):
    speak_english(organizer)
    rival = make_user(User.Role.ORGANIZER, display_name="Rival Organizer")
    rival_camp = factories.camp(rival, title="别的营")
    stranger = make_user(User.Role.COORDINATOR, display_name="Rival Coordinator")
    factories.group(rival_camp, "Elsewhere", coordinators=[stranger])
    pending = make_user(User.Role.COORDINATOR, display_name="Waiting Coordinator", is_confirmed=False)
    newcomer = make_user(User.Role.COORDINATOR, display_name="Groupless Coordinator")
    partner = make_user(User.Role.ORGANIZER, display_name="Partner Organizer")
    camp.co_organizers.add(partner)
    invitation_create(invited_by=rival, email="rivals-teacher@example.org", role="teacher")
    mine = invitation_create(invited_by=partner, email="our-teacher@example.org", role="teacher")

    client.force_login(organizer)
    response = client.get(reverse("people"))
    staff = set(response.context["staff"])
    assert {organizer, partner, coordinator, teacher, newcomer} <= staff
    assert rival not in staff and stranger not in staff
    assert list(response.context["pending"]) == [pending]
    assert list(response.context["invitations"]) == [mine]
    page = response.content.decode()
    assert "Rival Coordinator" not in page and "rivals-teacher@example.org" not in page
    assert "Waiting Coordinator" in page and "our-teacher@example.org" in page
    assert reverse("group_detail", args=[group.pk]) in page  # the coordinator's group, linked

    client.force_login(rival)
    staff = set(client.get(reverse("people")).context["staff"])
    assert stranger in staff and coordinator not in staff and organizer not in staff
