"""The demo camp's youth: accounts for every consented youth of approved groups, two fixed codes."""

import io

import pytest
from django.urls import reverse

from camp import demo
from camp.models import Enrollment, JoinCode, Participant, User

pytestmark = pytest.mark.django_db


def test_demo_youth_accounts_and_fixed_codes(client):
    demo.seed(io.StringIO())
    approved = Participant.objects.filter(group__enrollments__status=Enrollment.Status.APPROVED)
    assert approved.count() == 239
    assert User.objects.filter(role=User.Role.YOUTH).count() == approved.filter(consent_given=True).count()
    assert approved.filter(consent_given=False).exists()  # some consent is still missing
    waitlisted = Participant.objects.filter(group__enrollments__status=Enrollment.Status.WAITLISTED)
    assert waitlisted.exists() and not waitlisted.filter(user__isnull=False).exists()

    counts = (User.objects.count(), JoinCode.objects.count(), Participant.objects.count())
    demo.seed(io.StringIO())
    assert counts == (User.objects.count(), JoinCode.objects.count(), Participant.objects.count())

    for code, group_name, phase_number in (("DEMO-YOUTH-01", "中老友谊侨校", 3), ("demo youth 02", "寮龚侨校", 1)):
        client.logout()
        response = client.post(reverse("join"), {"code": code})
        assert response.status_code == 302, code
        page = client.get(reverse("my_camp"))
        assert page.context["group"].name == group_name and page.context["phase"].number == phase_number
