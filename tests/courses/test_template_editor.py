"""Plan templates made through the pages: a teacher names one, lays out lessons day by day, and a plan
starts from it — so a camp with an empty database has templates. Bad input changes nothing."""

import pytest
from django.urls import reverse

from camp.fields import MAX_PK
from courses.models import Plan, PlanTemplate, TemplateItem
from tests import factories

pytestmark = pytest.mark.django_db


def _create(client, **data):
    return client.post(reverse("courses:template_create"), {"name": "五天：茶与书法", "description": "", "days": "5",
                                                            **data})


def test_teacher_makes_a_template_and_builds_a_plan_from_it(client, teacher, make_user, camp, phase):
    tea = factories.catalog_lesson("普洱茶直播课", 45, format="live")
    brush = factories.catalog_lesson("书法工作坊", 60, format="workshop")
    client.force_login(teacher)
    assert "plan-templates/new/" in client.get(reverse("courses:template_list")).content.decode()
    response = _create(client)
    template = PlanTemplate.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("courses:template_edit", args=[template.pk])
    assert template.owner == teacher and template.days == 5
    add = reverse("courses:template_item_add", args=[template.pk])
    assert client.post(add, {"lesson": tea.pk, "day": "1"}).status_code == 302
    assert client.post(add, {"lesson": brush.pk, "day": "1"}).status_code == 302
    assert client.post(add, {"lesson": tea.pk, "day": "3"}).status_code == 302
    layout = list(template.items.values_list("day", "order", "lesson__title"))
    assert layout == [(1, 0, "普洱茶直播课"), (1, 1, "书法工作坊"), (3, 0, "普洱茶直播课")]
    page = client.get(reverse("courses:template_edit", args=[template.pk])).content.decode()
    assert page.count('class="card template-day"') == 5  # every day shown, empty ones too
    # Remove one; the template page lists the rest.
    item = template.items.get(day=3)
    assert client.post(reverse("courses:template_item_remove", args=[template.pk, item.pk])).status_code == 302
    assert template.items.count() == 2
    detail = client.get(reverse("courses:template_detail", args=[template.pk])).content.decode()
    assert "书法工作坊" in detail and reverse("courses:template_edit", args=[template.pk]) in detail
    # The plan page offers it.
    group = factories.group(camp, "万象寮都公学", country="LA", time_zone="Asia/Vientiane", approved_in=phase,
                            available_hours=[{"weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "08:00", "end": "20:00"}])
    enrollment = group.enrollments.get()
    response = client.post(reverse("courses:plan_create"), {"enrollment": enrollment.pk, "template": template.pk,
                                                            "teacher": teacher.pk, "adapt": ""})
    plan = Plan.objects.get(group=group)
    assert response.status_code == 302
    assert sorted(plan.items.values_list("lesson__title", flat=True)) == ["书法工作坊", "普洱茶直播课"]


@pytest.mark.parametrize("data, field", [
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"days": "0"}, "days"),
    ({"days": "61"}, "days"),
    ({"days": "七"}, "days"),
    ({"days": str(MAX_PK * 4)}, "days"),
])
def test_bad_template_forms_are_refused_with_the_field_named(client, teacher, data, field):
    client.force_login(teacher)
    response = _create(client, **data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PlanTemplate.objects.exists()


@pytest.mark.parametrize("data, field", [
    ({"day": "8"}, "day"),  # the template has 7 days
    ({"day": "0"}, "day"),
    ({"day": ""}, "day"),
    ({"lesson": "abc"}, "lesson"),
    ({"lesson": str(MAX_PK + 1)}, "lesson"),
    ({"lesson": str(2**80)}, "lesson"),
    ({"lesson": "999999"}, "lesson"),
    ({"lesson": ""}, "lesson"),
])
def test_bad_lessons_and_days_are_refused_and_nothing_is_added(client, organizer, data, field):
    lesson = factories.catalog_lesson("剪纸")
    template = factories.template(organizer, [[lesson]], days=7)
    client.force_login(organizer)
    response = client.post(reverse("courses:template_item_add", args=[template.pk]),
                           {"lesson": str(lesson.pk), "day": "2", **data})
    assert response.status_code == 400
    assert field in response.context["item_form"].errors
    assert template.items.count() == 1


def test_a_template_does_not_shrink_below_a_day_it_teaches_on(client, organizer):
    lesson = factories.catalog_lesson("剪纸")
    template = factories.template(organizer, [[lesson], [], [], [lesson]], days=7)
    client.force_login(organizer)
    response = client.post(reverse("courses:template_edit", args=[template.pk]),
                           {"name": "改名", "description": "", "days": "3"})
    assert response.status_code == 400
    assert "Day 4" in str(response.context["form"].errors["days"]) or "4" in str(response.context["form"].errors)
    template.refresh_from_db()
    assert (template.name, template.days) == ("7天：茶与中华文化", 7)
    assert client.post(reverse("courses:template_edit", args=[template.pk]),
                       {"name": "四天", "description": "短", "days": "4"}).status_code == 302
    template.refresh_from_db()
    assert (template.name, template.days) == ("四天", 4)


def test_another_teachers_template_is_read_only(client, teacher, make_user):
    author = make_user("teacher")
    lesson = factories.catalog_lesson("剪纸")
    template = factories.template(author, [[lesson]], days=3)
    item = template.items.get()
    client.force_login(teacher)
    assert client.get(reverse("courses:template_detail", args=[template.pk])).status_code == 200
    assert reverse("courses:template_edit", args=[template.pk]) not in client.get(
        reverse("courses:template_detail", args=[template.pk])).content.decode()
    assert client.get(reverse("courses:template_edit", args=[template.pk])).status_code == 403
    assert client.post(reverse("courses:template_item_add", args=[template.pk]),
                       {"lesson": lesson.pk, "day": "1"}).status_code == 403
    assert client.post(reverse("courses:template_item_remove", args=[template.pk, item.pk])).status_code == 403
    assert TemplateItem.objects.filter(template=template).count() == 1
    # The author may; an item of another template is not found through this one.
    other = factories.template(teacher, [[lesson]], days=3)
    client.force_login(author)
    assert client.post(reverse("courses:template_item_remove",
                               args=[template.pk, other.items.get().pk])).status_code == 404
    assert client.post(reverse("courses:template_item_remove", args=[template.pk, item.pk])).status_code == 302
    assert not TemplateItem.objects.filter(template=template).exists()


def test_huge_template_ids_are_not_found(client, teacher):
    client.force_login(teacher)
    assert client.get(f"/plan-templates/{2**70}/").status_code == 404
    assert client.get(f"/plan-templates/{2**70}/edit/").status_code == 404
