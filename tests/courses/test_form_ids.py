"""Every single-id field of the courses forms (lesson, teacher, template, enrollment, topic) takes an id
no row has — too large for any database, negative, not a number — as a form error on that field,
never a 500 (issue #12, hold under abuse)."""

import pytest
from django.urls import reverse

from camp.models import Enrollment
from courses.forms import (
    CatalogFilterForm,
    ItemAddForm,
    ItemUpdateForm,
    PlanCopyForm,
    PlanCreateForm,
    TemplateItemForm,
)
from courses.models import Lesson, Plan, PlanItem, PlanTemplate, TemplateItem
from tests import factories

BAD_IDS = [str(2**70), str(2**63), "-1", "0", "abc", "1.5", "'; DROP TABLE courses_lesson; --", "\x00"]


def _forms():
    enrollments = Enrollment.objects.all()
    return [
        (CatalogFilterForm, {}, "topic"),
        (ItemAddForm, {}, "lesson"),
        (ItemAddForm, {}, "teacher"),
        (ItemUpdateForm, {}, "teacher"),
        (PlanCreateForm, {"enrollments": enrollments}, "enrollment"),
        (PlanCreateForm, {"enrollments": enrollments}, "template"),
        (PlanCreateForm, {"enrollments": enrollments}, "teacher"),
        (PlanCopyForm, {"enrollments": enrollments}, "enrollment"),
        (PlanCopyForm, {"enrollments": enrollments}, "teacher"),
        (TemplateItemForm, {"lessons": Lesson.objects.all(), "days": 5}, "lesson"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_IDS)
def test_an_id_no_row_has_is_an_error_on_its_field(world, value):
    factories.catalog_lesson("剪纸")
    for form_class, extra, field in _forms():
        form = form_class({field: value}, **extra)
        assert not form.is_valid()
        assert form.errors[field], (form_class.__name__, field, value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", [str(2**70), "-1", "abc"])
def test_pages_answer_a_bad_id_with_the_form_again(client, world, value):
    lesson = factories.catalog_lesson("剪纸", author=world.teacher)
    draft = factories.plan(world.other_group, world.phase)
    template = factories.template(world.organizer, [[lesson]], days=3)
    client.force_login(world.organizer)

    response = client.post(reverse("courses:plan_create"), {"enrollment": value})
    assert response.status_code == 200 and response.context["form"].errors["enrollment"]
    response = client.post(reverse("courses:plan_create"), {"enrollment": "", "template": value, "teacher": value})
    assert response.status_code == 200
    assert {"template", "teacher"} <= set(response.context["form"].errors)
    response = client.post(reverse("courses:plan_copy", args=[draft.pk]), {"enrollment": value, "teacher": value})
    assert response.status_code == 200 and response.context["form"].errors["enrollment"]
    response = client.post(reverse("courses:plan_item_add", args=[draft.pk]), {"lesson": value, "teacher": value})
    assert response.status_code < 500
    response = client.post(reverse("courses:template_item_add", args=[template.pk]), {"lesson": value, "day": "1"})
    assert response.status_code == 400 and response.context["item_form"].errors["lesson"]
    response = client.get(reverse("courses:plan_catalog", args=[draft.pk]), {"topic": value})
    assert response.status_code == 200

    assert Plan.objects.count() == 1 and not PlanItem.objects.filter(plan=draft).exists()
    assert PlanTemplate.objects.count() == 1 and TemplateItem.objects.filter(template=template).count() == 1
