"""Single id fields of camp's forms: an id no database can hold is a form error, never a 500."""

import pytest
from django.urls import reverse

from camp.forms import EnrollmentApplyForm, GroupForm
from camp.models import Enrollment, Group, Phase
from tests.camp.conftest import speak_english

pytestmark = pytest.mark.django_db
HUGE = str(2**70)
GROUP_DATA = {"name": "寮龚侨校", "institution": "Lao Kong Chinese School", "country": "LA",
              "time_zone": "Asia/Vientiane", "languages": ["lo", "zh-hans"], "chinese_level": "beginner",
              "age_min": 9, "age_max": 14, "slot1_days": ["0"], "slot1_start": "16:30", "slot1_end": "19:00"}


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "9" * 400])
def test_group_form_huge_camp_id_is_a_form_error(camp, value):
    from camp.models import Camp

    form = GroupForm(GROUP_DATA | {"camp": value}, camps=Camp.objects.all())
    assert not form.is_valid()
    assert "camp" in form.errors


def test_group_create_page_with_huge_camp_id(client, camp, coordinator):
    speak_english(coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("group_create"), GROUP_DATA | {"camp": HUGE})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Group.objects.filter(name="寮龚侨校").exists()


def test_enrollment_apply_form_huge_phase_id(camp, phase):
    form = EnrollmentApplyForm({"phase": HUGE}, phases=Phase.objects.all())
    assert not form.is_valid() and "phase" in form.errors


def test_enrollment_apply_page_with_huge_phase_id(client, group, coordinator):
    client.force_login(coordinator)
    before = Enrollment.objects.count()
    response = client.post(reverse("enrollment_apply", args=[group.pk]), {"phase": HUGE})
    assert response.status_code == 302
    assert Enrollment.objects.count() == before
