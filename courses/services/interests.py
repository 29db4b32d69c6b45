"""A group's interests: the topics its coordinator marks, which put fitting lessons first in the builder.

They are stored in courses (``Topic.interested_groups``) so that camp never depends on courses.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from camp.access import can_manage_group
from camp.models import Group, User
from courses.models import Topic


@transaction.atomic
def group_interests_set(*, by: User, group: Group, topics) -> list[Topic]:
    """Replace the group's interests; its coordinators and the camp's organizers only."""
    if not can_manage_group(by, group):
        raise PermissionDenied
    topics = list(topics)
    group.interests.set(topics)
    return topics
