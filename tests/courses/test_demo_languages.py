"""The demo camp speaks Lao and Burmese to its Lao and Myanmar groups: their lessons, templates and the
camp's title have real lo/my text (the Lao certificate used to print the camp title in Thai)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from camp.models import Camp
from courses.models import Plan, PlanTemplate

pytestmark = pytest.mark.django_db
LAO, THAI, MYANMAR = re.compile(r"[\u0e80-\u0eff]"), re.compile(r"[\u0e00-\u0e7f]"), re.compile(r"[\u1000-\u109f]")


def test_lao_and_myanmar_groups_read_their_own_language(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    camp = Camp.objects.get(federation="普洱市侨联")
    assert LAO.search(camp.title_lo) and not THAI.search(camp.title_lo) and MYANMAR.search(camp.title_my)
    assert LAO.search(camp.description_lo) and MYANMAR.search(camp.description_my)
    for template in PlanTemplate.objects.all():
        assert LAO.search(template.name_lo) and MYANMAR.search(template.name_my), template.name
    for country, script, field in (("LA", LAO, "lo"), ("MM", MYANMAR, "my")):
        plans = Plan.objects.filter(group__country=country).prefetch_related("items__lesson")
        assert plans.exists()
        for plan in plans:
            for item in plan.items.all():
                for name in ("title", "summary", "goals", "body"):
                    text = getattr(item.lesson, f"{name}_{field}")
                    assert script.search(text) and not THAI.search(text if field == "lo" else ""), (
                        item.lesson.title, name)

    plan = Plan.objects.filter(group__country="LA", group__participants__user__isnull=False).distinct().first()
    youth = plan.group.participants.exclude(user=None).first().user
    client.force_login(youth)
    page = client.get(reverse("courses:plan_detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="lo")
    item = plan.items.select_related("lesson").first()
    assert page.status_code == 200
    assert item.lesson.title_lo in page.content.decode()
