import io

import pytest
from django.urls import reverse

from camp import demo as camp_demo
from camp.models import JoinCode, User
from notifications import demo
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_bells_once(client):
    camp_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    count = Notification.objects.count()
    demo.seed(io.StringIO())
    assert Notification.objects.count() == count
    youth = JoinCode.objects.get(code="DEMO-YOUTH-01").user
    assert Notification.objects.filter(recipient=youth, read_at=None).count() == 2
    assert Notification.objects.filter(recipient=youth, read_at__isnull=False).count() == 1
    coordinator = User.objects.get(email="coordinator@example.org")
    assert Notification.objects.filter(recipient=coordinator, kind="enrollment_decided").exists()

    client.force_login(youth)
    youth.preferred_language = "lo"
    youth.save(update_fields=["preferred_language"])
    page = client.get(reverse("notifications:list")).content.decode()
    assert "ມື້ນີ້ຮຽນຫຍັງແດ່" in page
