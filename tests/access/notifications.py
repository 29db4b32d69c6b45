"""Rows of the access matrix for notifications: everybody signed in has their own list; a
notification is its recipient's alone (anybody else, whatever their role, gets 404)."""

from tests.access.rules import LOGIN, Rule, table


def build(world) -> None:
    from notifications.services import notify

    (world.youth_notification,) = notify(
        [world.youth], "plan_changed", url="/my/", params={"group": world.group.name}
    )
    (world.teacher_notification,) = notify(
        [world.teacher], "plan_changed", url="/", params={"group": world.group.name}
    )


ALL_SIGNED_IN = {"other_teacher": 200, "other_organizer": 200, "unconfirmed_coordinator": 200}
# Only the youth received it: every other persona, the teacher of her group included, gets 404.
YOUTHS_OWN = table(404, youth=302, other_teacher=404, other_organizer=404, unconfirmed_coordinator=404)
TEACHERS_OWN = table(404, teacher=302, other_teacher=404, other_organizer=404, unconfirmed_coordinator=404)

RULES = {
    "notifications:list": Rule(table(200, **ALL_SIGNED_IN)),
    "notifications:open": Rule(YOUTHS_OWN, kwargs=lambda w: {"pk": w.youth_notification.pk}),
    "notifications:open@teacher": Rule(TEACHERS_OWN, kwargs=lambda w: {"pk": w.teacher_notification.pk}),
    "notifications:read": Rule(YOUTHS_OWN, method="post", kwargs=lambda w: {"pk": w.youth_notification.pk}),
    "notifications:read@teacher": Rule(
        TEACHERS_OWN, method="post", kwargs=lambda w: {"pk": w.teacher_notification.pk}
    ),
    "notifications:read_all": Rule(
        table(302, anonymous=LOGIN, other_teacher=302, other_organizer=302, unconfirmed_coordinator=302),
        method="post",
        data=lambda w: {"up_to": str(w.youth_notification.pk)},
    ),
}
