"""Plan templates made in the product: a teacher or organizer names one and lays out its lessons day by
day, so a camp that starts from an empty database has templates to build its groups' plans from."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from camp.models import User
from courses.access import can_edit_template, check_template_edit
from courses.models import Lesson, PlanTemplate, TemplateItem

MAX_TEMPLATE_DAYS = 60
MAX_TEMPLATE_ITEMS = 200


def _check_days(days) -> None:
    if not isinstance(days, int) or not 1 <= days <= MAX_TEMPLATE_DAYS:
        raise ValidationError({"days": _("A template lasts from 1 to %(max)s days.") % {"max": MAX_TEMPLATE_DAYS}})


@transaction.atomic
def plan_template_create(*, by: User, name: str, description: str = "", days: int = 7) -> PlanTemplate:
    if not can_edit_template(by, None):
        raise ValidationError(_("Only teachers and organizers make plan templates."))
    _check_days(days)
    template = PlanTemplate(name=(name or "").strip(), description=(description or "").strip(), days=days, owner=by)
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def plan_template_update(*, by: User, template: PlanTemplate, name: str, description: str, days: int) -> PlanTemplate:
    """Rename, describe, or change the length; a template never gets shorter than a day it teaches on."""
    template = PlanTemplate.objects.select_for_update().get(pk=template.pk)
    check_template_edit(by, template)
    _check_days(days)
    last = template.items.aggregate(last=Max("day"))["last"] or 0
    if days < last:
        raise ValidationError({"days": _("Day %(day)s still has lessons: move or remove them first.") % {"day": last}})
    template.name, template.description, template.days = (name or "").strip(), (description or "").strip(), days
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def template_item_add(*, by: User, template: PlanTemplate, lesson: Lesson, day: int) -> TemplateItem:
    """Add a lesson at the end of a day."""
    template = PlanTemplate.objects.select_for_update().get(pk=template.pk)
    check_template_edit(by, template)
    if not isinstance(day, int) or not 1 <= day <= template.days:
        raise ValidationError({"day": _("Choose a day from 1 to %(days)s.") % {"days": template.days}})
    if template.items.count() >= MAX_TEMPLATE_ITEMS:
        raise ValidationError(_("A template holds at most %(max)s lessons.") % {"max": MAX_TEMPLATE_ITEMS})
    last = template.items.filter(day=day).aggregate(last=Max("order"))["last"]
    item = TemplateItem(template=template, lesson=lesson, day=day, order=0 if last is None else last + 1)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def template_item_remove(*, by: User, item: TemplateItem) -> None:
    template = PlanTemplate.objects.select_for_update().get(pk=item.template_id)
    check_template_edit(by, template)
    item.delete()
