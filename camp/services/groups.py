"""A group's profile: created and edited by its coordinators (and the camp's organizers)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from camp.access import can_manage_group, coordinator_may_act
from camp.models import Camp, Group, User

PROFILE_FIELDS = frozenset(
    {"name", "institution", "country", "time_zone", "languages", "chinese_level", "age_min", "age_max",
     "available_hours"}
)


def validate_available_hours(value) -> None:
    """[{"weekdays": [0..6], "start": "HH:MM", "end": "HH:MM"}, ...] in the group's local time."""
    import re

    if not isinstance(value, list):
        raise ValidationError(_("Available hours must be a list of time slots."))
    for slot in value:
        if not isinstance(slot, dict) or set(slot) != {"weekdays", "start", "end"}:
            raise ValidationError(_("Each time slot needs weekdays, a start and an end."))
        days = slot["weekdays"]
        if not days or not isinstance(days, list) or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
            raise ValidationError(_("Weekdays go from 0 (Monday) to 6 (Sunday)."))
        times = [slot["start"], slot["end"]]
        if not all(isinstance(t, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", t) for t in times):
            raise ValidationError(_("Times look like 16:00."))
        if slot["end"] <= slot["start"]:
            raise ValidationError(_("A time slot ends after it starts."))


def _apply(group: Group, fields: dict) -> Group:
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"unknown group fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(group, name, value)
    if "country" in fields:
        group.country = (group.country or "").strip().upper()
    validate_available_hours(group.available_hours)
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_create(*, by: User, camp: Camp, **fields) -> Group:
    """A confirmed coordinator registers their group in a camp and becomes its coordinator."""
    if not coordinator_may_act(by):
        raise PermissionDenied
    if Group.objects.filter(camp=camp, name=fields.get("name", "")).exists():
        raise ValidationError({"name": _("A group with this name is already in the camp.")})
    group = _apply(Group(camp=camp), fields)
    group.coordinators.add(by)
    return group


@transaction.atomic
def group_update(*, by: User, group: Group, **fields) -> Group:
    """Edit the group's profile."""
    if not can_manage_group(by, group):
        raise PermissionDenied
    group = Group.objects.select_for_update().get(pk=group.pk)
    if "name" in fields and Group.objects.filter(camp=group.camp, name=fields["name"]).exclude(pk=group.pk).exists():
        raise ValidationError({"name": _("A group with this name is already in the camp.")})
    return _apply(group, fields)


def group_pre_delete(sender, instance: Group, **kwargs) -> None:
    """However a group is deleted (the admin, a cascade from its camp), its youth are out at once:
    sessions ended, accounts deactivated (attendance and chat elsewhere still point at them)."""
    from camp.services.join import group_youth_access_end

    with transaction.atomic():
        group_youth_access_end(group=instance, deactivate=True)
